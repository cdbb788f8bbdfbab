import { FilterOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Tooltip } from 'antd';
import { Link } from 'react-router';
import type { CodeSourceEvent } from '@/shared/admin.schema';
import type { Translate } from '@/lib/i18n/i18n';
import { dataColumnHelper, type DataTableColumn } from '@/components/data-table';
import { BatchMarker, EventActionTag, EventChanges, eventViaText } from '@/components/event-changes';
import { LocalTime } from '@/components/local-time';

const column = dataColumnHelper<CodeSourceEvent>();

export interface ActivityColumnOptions {
  t: Translate;
  /** The details drawer of a code source that still exists. */
  codeSourceHref: (id: string) => string;
  /** Narrows the activity to one code source; undefined when it already is. */
  onFilterByCodeSource: ((id: string) => void) | undefined;
}

/** The activity's columns, as data; the server decides the order (newest first), so none sorts. */
export function activityColumns({ t, codeSourceHref, onFilterByCodeSource }: ActivityColumnOptions): DataTableColumn<CodeSourceEvent>[] {
  return [
    column.accessor('GmtCreateTime', {
      header: () => t('activity.col.time'),
      enableSorting: false,
      meta: { width: 170 },
      cell: (info) => <LocalTime iso={info.getValue()} />,
    }),
    column.accessor('Action', {
      header: () => t('activity.col.action'),
      enableSorting: false,
      meta: { width: 150 },
      cell: (info) => (
        <Space size={4} wrap>
          <EventActionTag action={info.getValue()} />
          <BatchMarker batchId={info.row.original.BatchId} />
        </Space>
      ),
    }),
    column.accessor('DisplayName', {
      header: () => t('activity.col.codeSource'),
      enableSorting: false,
      meta: { width: 260 },
      cell: (info) => <CodeSourceCell event={info.row.original} t={t} href={codeSourceHref} onFilter={onFilterByCodeSource} />,
    }),
    column.accessor('UserName', {
      header: () => t('activity.col.user'),
      enableSorting: false,
      meta: { width: 190 },
      cell: (info) => (
        <div>
          <div>{info.getValue()}</div>
          <div className="muted" style={{ fontSize: 12 }}>
            {eventViaText(info.row.original, t)}
          </div>
        </div>
      ),
    }),
    column.accessor('Changes', {
      header: () => t('activity.col.changes'),
      enableSorting: false,
      meta: { width: 420 },
      cell: (info) => <EventChanges changes={info.getValue()} />,
    }),
  ];
}

/** The name it had then: a link to it while it exists, marked deleted otherwise; and a filter to its activity alone. */
function CodeSourceCell({
  event,
  t,
  href,
  onFilter,
}: {
  event: CodeSourceEvent;
  t: Translate;
  href: (id: string) => string;
  onFilter: ((id: string) => void) | undefined;
}) {
  return (
    <div>
      <Space size={4} wrap={false} align="center">
        {event.CodeSourceExists ? (
          <Link to={href(event.CodeSourceId)} className="name-link">
            {event.DisplayName}
          </Link>
        ) : (
          <>
            <span>{event.DisplayName}</span>
            <Tooltip title={t('activity.deletedTooltip')}>
              <Tag className="tag-grey" style={{ marginInlineEnd: 0 }}>
                {t('activity.deleted')}
              </Tag>
            </Tooltip>
          </>
        )}
        {onFilter && (
          <Tooltip title={t('activity.filterBy', { name: event.DisplayName })}>
            <Button
              type="text"
              size="small"
              icon={<FilterOutlined aria-hidden />}
              aria-label={t('activity.filterBy', { name: event.DisplayName })}
              onClick={() => onFilter(event.CodeSourceId)}
            />
          </Tooltip>
        )}
      </Space>
      <div className="mono muted" style={{ fontSize: 11.5 }}>
        {event.CodeSourceId}
      </div>
    </div>
  );
}
