import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { LOCALES, useI18n, type Locale } from '@/lib/i18n/i18n';

/** English / 简体中文; the choice is remembered. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Select<Locale>
      aria-label={t('header.language')}
      value={locale}
      onChange={setLocale}
      className="language-switch"
      size="small"
      prefix={<GlobalOutlined aria-hidden />}
      options={LOCALES.map((l) => ({ value: l.value, label: <span lang={l.value}>{l.label}</span> }))}
      popupMatchSelectWidth={false}
    />
  );
}
