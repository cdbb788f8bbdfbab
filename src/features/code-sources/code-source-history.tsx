import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Space, Typography } from 'antd';
import { useMemo } from 'react';
import type { CodeSourceEvent } from '@/shared/admin.schema';
import { useI18n } from '@/lib/i18n/i18n';
import { ErrorState } from '@/components/error-state';
import { BatchMarker, EventActionTag, EventChanges, eventActionText, eventViaText } from '@/components/event-changes';
import { LoadingRows } from '@/components/loading-rows';
import { LocalTime } from '@/components/local-time';
import { codeSourceEventsQuery } from './code-sources.queries';

/** The History tab: who changed what, when and how, newest first; mounted (and loaded) only when the tab opens. */
export function CodeSourceHistory({ workspaceId, id }: { workspaceId: string; id: string }) {
  const { t } = useI18n();
  const history = useInfiniteQuery(codeSourceEventsQuery(workspaceId, id));
  // Pages are by offset: an event written between two pages shifts the next one by one; show each event once.
  const events = useMemo(() => {
    const seen = new Set<string>();
    return (history.data?.pages ?? []).flatMap((page) => page.Events).filter((e) => !seen.has(e.EventId) && seen.add(e.EventId));
  }, [history.data]);

  if (history.isPending) return <LoadingRows label={t('history.loading')} />;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  const total = history.data.pages.at(-1)?.TotalCount ?? 0;
  if (events.length === 0) return <Typography.Paragraph type="secondary">{t('history.empty')}</Typography.Paragraph>;

  return (
    <div>
      <ol className="event-list" aria-label={t('history.label')}>
        {events.map((event) => (
          <HistoryEntry key={event.EventId} event={event} />
        ))}
      </ol>
      <Space className="event-list-footer" wrap>
        <Typography.Text type="secondary" role="status">
          {t('history.shown', { shown: events.length, total: Math.max(total, events.length) })}
        </Typography.Text>
        {history.hasNextPage && (
          <Button onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
            {t('history.loadMore')}
          </Button>
        )}
      </Space>
    </div>
  );
}

function HistoryEntry({ event }: { event: CodeSourceEvent }) {
  const { t } = useI18n();
  return (
    <li className="event-entry">
      <article aria-label={t('event.summary', { action: eventActionText(event.Action, t), name: event.UserName })}>
        <div className="event-head">
          <EventActionTag action={event.Action} />
          <BatchMarker batchId={event.BatchId} />
          <span className="event-who">{event.UserName}</span>
          <span className="muted">{eventViaText(event, t)}</span>
          <span className="muted event-when">
            <LocalTime iso={event.GmtCreateTime} />
          </span>
        </div>
        <EventChanges changes={event.Changes} />
      </article>
    </li>
  );
}
