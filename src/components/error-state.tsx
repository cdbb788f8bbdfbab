import { Button } from 'antd';
import { ApiError } from '@/lib/api-client';
import { errorText } from '@/lib/i18n/error-text';
import { useI18n } from '@/lib/i18n/i18n';
import { CopyButton } from './copy-button';
import { StatusPanel } from './status-panel';

/** A failed load: what went wrong in the user's language, the RequestId to quote, and a retry. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t } = useI18n();
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <StatusPanel
      status="error"
      title={title ?? t('error.loadFailed')}
      actions={onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    >
      <div>{errorText(error, t)}</div>
      {requestId && (
        <div>
          {t('error.requestId')}: <span className="mono">{requestId}</span>{' '}
          <CopyButton text={requestId} label={t('common.copyRequestId')} />
        </div>
      )}
    </StatusPanel>
  );
}
