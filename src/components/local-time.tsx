import { formatDateTime, useI18n } from '@/lib/i18n/i18n';

/**
 * A time in the user's local zone and language; the exact ISO instant on hover (the native `title`: a table shows
 * two of these per row, and an antd Tooltip for each would be mounted up front).
 */
export function LocalTime({ iso }: { iso: string }) {
  const { locale } = useI18n();
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso, locale)}
    </time>
  );
}
