import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ConfigProvider, theme } from 'antd';
import type { Locale as AntdLocale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import { useEffect, useState, type ReactNode } from 'react';
import { I18nProvider, useI18n, type Locale } from '@/lib/i18n/i18n';
import { FeedbackProvider } from '@/components/feedback';
import { themeTokens } from './theme-tokens';

/**
 * antd 6 zero-runtime: components generate no CSS while they render; their styles are static CSS made at build time
 * with the same tokens (`scripts/antd-static-css.ts`). The tokens' CSS variables are still set here at run time.
 */
const themeConfig = { algorithm: theme.defaultAlgorithm, token: themeTokens, hashed: false, zeroRuntime: true };

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
