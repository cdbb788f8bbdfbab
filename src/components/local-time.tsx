import { Tooltip } from 'antd';
import { formatDateTime, useI18n } from '@/lib/i18n/i18n';

/** A time in the user's local zone and language; the exact ISO instant on hover. */
export function LocalTime({ iso }: { iso: string }) {
  const { locale } = useI18n();
  return (
    <Tooltip title={iso}>
      <time dateTime={iso} title={iso}>
        {formatDateTime(iso, locale)}
      </time>
    </Tooltip>
  );
}
