import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LOCALE_COOKIE } from '@/shared/api-paths';
import { en, type MessageKey } from './en';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: { value: Locale; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文' },
];
type Dictionary = Record<MessageKey, string>;
/** English ships with the first screen; other languages load when chosen. */
const loaders: Record<Locale, () => Promise<Dictionary>> = {
  en: async () => en,
  'zh-CN': () => import('./zh-cn').then((m) => m.zhCN),
};
const loaded: Partial<Record<Locale, Dictionary>> = { en };
export const LOCALE_STORAGE_KEY = 'code-config.locale';

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18nValue {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue | null>(null);

/**
 * The language the user chose, for the server too (it cannot read localStorage): it sends the first screen's static
 * frame in it (scripts/app-shell.ts). Without a choice the server follows the browser's language, as the console does.
 */
function rememberChoice(locale: Locale): void {
  if (!document.cookie.split('; ').includes(`${LOCALE_COOKIE}=${locale}`))
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=strict`;
}

function storedLocale(): Locale {
  try {
    const value = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    if (value === 'en' || value === 'zh-CN') {
      rememberChoice(value);
      return value;
    }
  } catch {
    // Storage may be unavailable (privacy mode); the browser's language then.
  }
  // No choice made yet: follow the browser (any Chinese → 简体中文, everything else English).
  return typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language ?? '') ? 'zh-CN' : 'en';
}

/** Fills `{name}` placeholders. */
export function format(template: string, values?: Record<string, string | number>): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The chosen language, remembered in localStorage, and `t` to translate by key. */
export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [requested, setRequested] = useState<Locale>(() => initialLocale ?? storedLocale());
  // The language on screen switches once its dictionary is here, so nothing shows half-translated.
  const [active, setActive] = useState<{ locale: Locale; dictionary: Dictionary } | undefined>(() => {
    const dictionary = loaded[requested];
    return dictionary ? { locale: requested, dictionary } : undefined;
  });
  useEffect(() => {
    let cancelled = false;
    void loaders[requested]().then((dictionary) => {
      loaded[requested] = dictionary;
      if (!cancelled) setActive({ locale: requested, dictionary });
    });
    return () => {
      cancelled = true;
    };
  }, [requested]);
  const setLocale = useCallback((next: Locale) => {
    setRequested(next);
    rememberChoice(next);
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Not remembered, still switched.
    }
  }, []);
  const locale = active?.locale ?? 'en';
  useEffect(() => {
    document.documentElement.lang = locale;
    const dictionary = active?.dictionary ?? en;
    document.title = dictionary['app.documentTitle'] ?? en['app.documentTitle'];
  }, [locale, active]);
  const value = useMemo<I18nValue>(() => {
    const dictionary = active?.dictionary ?? en;
    return { locale, setLocale, t: (key, values) => format(dictionary[key] ?? en[key] ?? key, values) };
  }, [active, locale, setLocale]);
  // A remembered non-English choice: a blank moment rather than a flash of English.
  if (!active) return null;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

// Making an Intl formatter costs far more than using one (a table of dates would make one per cell): one per language.
const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

/** Local date and time in the user's language, e.g. "Jan 12, 2026, 11:36 PM". */
export function formatDateTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = dateTimeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(locale, format);
  }
  return format.format(date);
}

/** A count in the user's language, e.g. "1,234". */
export function formatNumber(n: number, locale: Locale): string {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format.format(n);
}
