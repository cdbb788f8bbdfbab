import { Tag, Tooltip } from 'antd';
import type { CodeSourceEvent, EventAction, EventChange } from '@/shared/admin.schema';
import type { MessageKey } from '@/lib/i18n/en';
import { useI18n, type Translate } from '@/lib/i18n/i18n';

/**
 * How a recorded change reads, wherever events are shown (a code source's History tab, the workspace's Activity
 * page): the action, how the request came, the batch marker, and each field's change as before → after.
 */

const ACTION_CLASS: Record<EventAction, string> = {
  Create: 'tag-green',
  Update: 'tag-blue',
  Publish: 'tag-gold',
  Unpublish: 'tag-grey',
  Delete: 'tag-red',
  TransferOwner: 'tag-orange',
};

/** The action in words ("Made public"). */
export const eventActionText = (action: EventAction, t: Translate) => t(`event.action.${action}`);

export function EventActionTag({ action }: { action: EventAction }) {
  const { t } = useI18n();
  return (
    <Tag className={ACTION_CLASS[action]} style={{ marginInlineEnd: 0 }}>
      {eventActionText(action, t)}
    </Tag>
  );
}

/** How the change came: "in the console", "with AccessKey LTAI…", "from the seed file". */
export function eventViaText(event: Pick<CodeSourceEvent, 'Via' | 'AccessKeyId'>, t: Translate): string {
  return event.Via === 'AccessKey' ? t('event.via.AccessKey', { id: event.AccessKeyId ?? '' }) : t(`event.via.${event.Via}`);
}

/** Marks one item of a bulk action; the batch id on hover. */
export function BatchMarker({ batchId }: { batchId: string | undefined }) {
  const { t } = useI18n();
  if (!batchId) return null;
  return (
    <Tooltip title={t('event.batchTooltip', { id: batchId })}>
      <Tag className="tag-purple" style={{ marginInlineEnd: 0 }}>
        {t('event.batch')}
      </Tag>
    </Tooltip>
  );
}

const FIELD_LABELS: Record<string, MessageKey> = {
  DisplayName: 'field.name',
  Description: 'field.description',
  CodeRepo: 'field.codeRepo',
  CodeBranch: 'field.codeBranch',
  CodeCommit: 'field.codeCommit',
  CodeRepoUserName: 'field.userName',
  CodeRepoAccessToken: 'field.accessToken',
  MountPath: 'field.mountPath',
  Accessibility: 'field.visibility',
  CloneType: 'field.cloneType',
  UserId: 'event.field.UserId',
  UserName: 'event.field.UserName',
};
const TOKEN_WORDS: Record<string, MessageKey> = { set: 'event.token.set', changed: 'event.token.changed', removed: 'event.token.removed' };

/** A field's name on screen; a field this console does not know keeps its API name. */
export function eventFieldLabel(field: string, t: Translate): string {
  const key = FIELD_LABELS[field];
  return key ? t(key) : field;
}

function valueText(field: string, value: string | number, t: Translate): string {
  if (field === 'Accessibility' && (value === 'PUBLIC' || value === 'PRIVATE')) return t(`visibility.${value}`);
  if (field === 'CloneType' && (value === 0 || value === 1)) return t(value === 1 ? 'field.cloneType1' : 'field.cloneType0');
  return String(value);
}

function Value({ field, value, kind }: { field: string; value: string | number | null; kind: 'before' | 'after' }) {
  const { t } = useI18n();
  if (value === null || value === '') {
    return (
      <span className="event-value-empty" title={t('event.empty')}>
        —
      </span>
    );
  }
  return <span className={`event-value event-${kind}`}>{valueText(field, value, t)}</span>;
}

/** One field's change; the access token only in words (set / changed / removed), never a value. */
function ChangeLine({ change }: { change: EventChange }) {
  const { t } = useI18n();
  const label = eventFieldLabel(change.Field, t);
  if (change.Field === 'CodeRepoAccessToken') {
    const word = typeof change.After === 'string' ? TOKEN_WORDS[change.After] : undefined;
    return (
      <li>
        <span className="event-field">{label}:</span>{' '}
        <Tooltip title={t('event.tokenNotRecorded')}>
          <span className="event-token">{word ? t(word) : '—'}</span>
        </Tooltip>
      </li>
    );
  }
  return (
    <li>
      <span className="event-field">{label}:</span> <Value field={change.Field} value={change.Before} kind="before" />{' '}
      <span aria-hidden>→</span>
      <span className="sr-only"> {t('event.to')} </span> <Value field={change.Field} value={change.After} kind="after" />
    </li>
  );
}

/** Every field that changed, in the order the server recorded them. */
export function EventChanges({ changes }: { changes: readonly EventChange[] }) {
  const { t } = useI18n();
  if (changes.length === 0) return <span className="muted">{t('event.noChanges')}</span>;
  return (
    <ul className="event-changes" aria-label={t('event.changesOf')}>
      {changes.map((change) => (
        <ChangeLine key={change.Field} change={change} />
      ))}
    </ul>
  );
}
