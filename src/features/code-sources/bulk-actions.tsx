import { Alert, Button, Space } from 'antd';
import { useState } from 'react';
import { limits } from '@/shared/code-source.constants';
import type { ErrorCode } from '@/shared/error-codes';
import type { CodeSource } from '@/shared/code-source.schema';
import { ApiError } from '@/lib/api-client';
import { useBackendMode } from '@/lib/backend-mode';
import { errorText } from '@/lib/i18n/error-text';
import type { MessageKey } from '@/lib/i18n/en';
import { useI18n, type Translate } from '@/lib/i18n/i18n';
import { useFeedback } from '@/components/feedback';
import { ReasonedButton } from '@/components/reasoned-button';
import type { BatchAction } from './code-sources.api';
import { useBatchCodeSources } from './code-sources.queries';
import type { useBulkSelection } from './use-bulk-selection';

type Selection = ReturnType<typeof useBulkSelection>;

/** What one bulk action did: how many succeeded, and each failure with its code source's name. */
export interface BulkResult {
  action: BatchAction;
  total: number;
  succeeded: number;
  failures: { id: string; name: string; code: string; message?: string }[];
}

/** Items that no longer exist for the caller: a retry cannot help, so they leave the selection. */
const GONE: ReadonlySet<string> = new Set(['AlreadyDeleted', '201400002']);

const TEXT = {
  Publish: {
    title: 'bulk.publishTitle',
    one: 'publish.confirmTitle',
    text: 'bulk.publishText',
    ok: 'publish.ok',
    done: 'bulk.donePublish',
  },
  Unpublish: {
    title: 'bulk.unpublishTitle',
    one: 'unpublish.confirmTitle',
    text: 'bulk.unpublishText',
    ok: 'unpublish.ok',
    done: 'bulk.doneUnpublish',
  },
  Delete: { title: 'bulk.deleteTitle', one: 'delete.confirmTitle', text: 'bulk.deleteText', ok: 'delete.ok', done: 'bulk.doneDelete' },
} as const satisfies Record<BatchAction, Record<string, MessageKey>>;

/**
 * Why one item of a batch failed, in the user's language (by its Code; the server's English Message only for a code
 * of PAI's that the console has no words for, upstream).
 */
export function batchFailureText(code: string, t: Translate, message?: string): string {
  if (code === 'AlreadyDeleted') return t('bulk.reason.AlreadyDeleted');
  if (code === '201400002') return t('bulk.reason.NotFound');
  if (code === 'Forbidden.NoPermission') return t('perm.notCreator');
  // (The status only matters for codes without their own text; errorCodes' table stays off the first screen.)
  const status = code === 'InternalError' || code === 'ServiceUnavailable' ? 500 : 400;
  return errorText(new ApiError(status, { Code: code as ErrorCode, ...(message ? { Message: message } : {}) }), t);
}

/**
 * Confirms and runs a bulk action on the selection. Afterwards only the failed items that still exist stay
 * selected, for a retry; the result is kept for the summary until dismissed or the next action.
 */
export function useBulkActions(workspaceId: string, selection: Selection) {
  const { t } = useI18n();
  const { confirm, message } = useFeedback();
  const batch = useBatchCodeSources(workspaceId);
  const { upstream } = useBackendMode();
  const [result, setResult] = useState<BulkResult | undefined>();

  const run = (action: BatchAction) => {
    const items = Object.values(selection.selected);
    const text = TEXT[action];
    const only = items.length === 1 ? items[0] : undefined;
    confirm({
      title: only ? t(text.one, { name: only.DisplayName }) : t(text.title, { count: items.length }),
      // Upstream, making public is one-way (PAI has no unpublish): the confirmation says so.
      content: (
        <ConfirmContent
          text={upstream && action === 'Publish' ? t('upstream.bulkPublishText') : t(text.text)}
          items={items}
          label={t('bulk.listLabel')}
        />
      ),
      okText: t(text.ok),
      cancelText: t('common.cancel'),
      danger: action === 'Delete',
      onOk: () =>
        batch.mutateAsync({ action, ids: items.map((item) => item.CodeSourceId) }).then(
          (answer) => {
            const names = new Map(items.map((item) => [item.CodeSourceId, item.DisplayName]));
            const failures = answer.Results.filter((r) => !r.Success).map((r) => ({
              id: r.CodeSourceId,
              name: names.get(r.CodeSourceId) ?? r.CodeSourceId,
              code: r.Code ?? 'InternalError',
              ...(r.Message ? { message: r.Message } : {}),
            }));
            selection.keepOnly(failures.filter((f) => !GONE.has(f.code)).map((f) => f.id));
            setResult({ action, total: answer.Results.length, succeeded: answer.SucceededCount, failures });
          },
          (error: unknown) => void message.error(errorText(error, t)),
        ),
    });
  };

  return { run, result, dismissResult: () => setResult(undefined), isRunning: batch.isPending };
}

function ConfirmContent({ text, items, label }: { text: string; items: CodeSource[]; label: string }) {
  return (
    <>
      <p>{text}</p>
      <ul className="bulk-names" aria-label={label} tabIndex={0}>
        {items.map((item) => (
          <li key={item.CodeSourceId}>{item.DisplayName}</li>
        ))}
      </ul>
    </>
  );
}

/**
 * "N selected — Make public · Make private · Delete · Clear" above the table while rows are selected. Upstream there
 * is no Make private (PAI cannot unpublish), and a line says so in its place.
 */
export function BulkActionBar({
  selection,
  onAction,
  busy,
}: {
  selection: Selection;
  onAction: (action: BatchAction) => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const { upstream } = useBackendMode();
  if (selection.count === 0) return null;
  const tooMany = selection.count > limits.batchItems ? t('bulk.tooMany', { max: limits.batchItems }) : undefined;
  return (
    <div className="bulk-bar" role="toolbar" aria-label={t('bulk.barLabel')}>
      <strong aria-live="polite">{t('bulk.selected', { count: selection.count })}</strong>
      <Space wrap size={8}>
        <ReasonedButton size="small" reason={tooMany} loading={busy} onClick={() => onAction('Publish')}>
          {t('action.makePublic')}
        </ReasonedButton>
        {!upstream && (
          <ReasonedButton size="small" reason={tooMany} loading={busy} onClick={() => onAction('Unpublish')}>
            {t('action.makePrivate')}
          </ReasonedButton>
        )}
        <ReasonedButton size="small" danger reason={tooMany} loading={busy} onClick={() => onAction('Delete')}>
          {t('action.delete')}
        </ReasonedButton>
        <Button size="small" type="link" onClick={selection.clear}>
          {t('bulk.clear')}
        </Button>
      </Space>
      {tooMany && <span className="muted">{tooMany}</span>}
      {upstream && <span className="muted">{t('upstream.noUnpublish')}</span>}
    </div>
  );
}

/** How a bulk action went: the count that succeeded and a table of the failures with their reasons. */
export function BulkResultSummary({ result, onClose }: { result: BulkResult; onClose: () => void }) {
  const { t } = useI18n();
  const failed = result.failures.length;
  const retryable = result.failures.some((f) => !GONE.has(f.code));
  return (
    <Alert
      className="bulk-result"
      type={failed === 0 ? 'success' : result.succeeded === 0 ? 'error' : 'warning'}
      showIcon
      closable={{ 'aria-label': t('bulk.dismiss'), onClose }}
      title={t(TEXT[result.action].done, { succeeded: result.succeeded, total: result.total })}
      description={
        failed > 0 ? (
          <>
            <p style={{ margin: '0 0 8px' }}>
              {t('bulk.failedCount', { failed })} {retryable ? t('bulk.stillSelected') : ''}
            </p>
            <table aria-label={t('bulk.failuresLabel')} className="dt-table dt-small">
              <colgroup>
                <col style={{ width: 240 }} />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('bulk.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {result.failures.map((failure) => (
                  <tr key={failure.id}>
                    <td>{failure.name}</td>
                    <td>{batchFailureText(failure.code, t, failure.message)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : undefined
      }
    />
  );
}
