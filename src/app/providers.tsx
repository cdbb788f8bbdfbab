import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ConfigProvider, theme } from 'antd';
import type { Locale as AntdLocale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import { useEffect, useState, type ReactNode } from 'react';
import { I18nProvider, useI18n, type Locale } from '@/lib/i18n/i18n';
import { FeedbackProvider } from '@/components/feedback';

/**
 * antd's muted text colours are too faint for WCAG AA on white; these keep the look and pass 4.5:1.
 */
const themeConfig = {
  algorithm: theme.defaultAlgorithm,
  token: {
    colorPrimary: '#1668dc',
    // antd's derived hover blue is about 3.5:1 on white: a hovered default button's text would fail AA.
    colorPrimaryHover: '#0958d9',
    colorLink: '#1661c9',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextQuaternary: 'rgba(0, 0, 0, 0.55)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    colorTextDisabled: 'rgba(0, 0, 0, 0.45)',
    colorBgLayout: '#f0f2f5',
    colorError: '#cf1322',
    colorWarning: '#874d00',
    colorWarningText: '#874d00',
    // Derived from the dark warning colour above, antd's warning background turns muddy brown: antd's own light ones.
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorErrorText: '#cf1322',
    colorSuccess: '#237804',
    // The darker status colours above would otherwise tint alert backgrounds a muddy olive and khaki.
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
  },
};

/** antd's own strings (pager, empty, confirm buttons); Chinese loads when chosen. */
const antdLocales: Partial<Record<Locale, AntdLocale>> = { en: enUS };

function AntdWithLocale({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (antdLocales[locale] || locale !== 'zh-CN') return;
    void import('antd/es/locale/zh_CN').then((m) => {
      antdLocales['zh-CN'] = m.default;
      setLoaded((n) => n + 1);
    });
  }, [locale]);
  return (
    <ConfigProvider locale={antdLocales[locale] ?? enUS} theme={themeConfig} button={{ autoInsertSpace: false }}>
      <FeedbackProvider>{children}</FeedbackProvider>
    </ConfigProvider>
  );
}

/** Everything a screen needs around it: queries, language, antd's theme and locale, toasts and modals. */
export function Providers({
  queryClient,
  children,
  initialLocale,
}: {
  queryClient: QueryClient;
  children: ReactNode;
  initialLocale?: Locale;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider initialLocale={initialLocale}>
        <AntdWithLocale>{children}</AntdWithLocale>
      </I18nProvider>
    </QueryClientProvider>
  );
}
