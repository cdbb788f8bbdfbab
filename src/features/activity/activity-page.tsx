import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Input, Select, Space, Tooltip } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { CodeSourceEvent } from '@/shared/admin.schema';
import { EVENT_ACTIONS, type EventAction } from '@/shared/code-source.constants';
import { isAdmin, isGuestOnly } from '@/shared/roles';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n/i18n';
import type { Workspace } from '@/lib/session.api';
import { DataTable, useServerTable } from '@/components/data-table';
import { ErrorState } from '@/components/error-state';
import { eventActionText } from '@/components/event-changes';
import { LoadingRows } from '@/components/loading-rows';
import { NotMemberPanel } from '@/components/status-panel';
import { activityColumns } from './activity-columns';
import type { ActivityRequest } from './activity.api';
import { ACTIVITY_PAGE_SIZES, isActivityFiltered, parseActivityParams, writeActivityParams, type ActivityParams } from './activity-params';
import { workspaceEventsQuery, workspaceMembersQuery } from './activity.queries';

export interface ActivityPageProps {
  workspaceId: string;
  /** Undefined when the caller is not a member of `workspaceId`. */
  workspace: Workspace | undefined;
  /** Where a non-member can go instead. */
  onLeaveWorkspace?: () => void;
}

const ALL = '';

/** The workspace's activity: who changed which code source, when and how; its filters and page live in the URL. */
export default function ActivityPage({ workspaceId, workspace, onLeaveWorkspace }: ActivityPageProps) {
  const { t } = useI18n();
  const [searchParams, setSearchParams] = useSearchParams();
  const params = useMemo(() => parseActivityParams(searchParams), [searchParams]);
  const setParams = (patch: Partial<ActivityParams>) =>
    setSearchParams((current) => writeActivityParams(current, { ...parseActivityParams(current), ...patch }));
  const isMember = workspace !== undefined;

  const request: ActivityRequest = useMemo(() => ({ ...params, workspaceId }), [params, workspaceId]);
  const events = useQuery({ ...workspaceEventsQuery(request), enabled: isMember });
  const members = useQuery({ ...workspaceMembersQuery(workspaceId), enabled: isMember });
  const data = events.data;
  const isPlaceholderData = events.isPlaceholderData;

  // A page past the end (a pasted link, fewer events than before): step back to the last page that has rows.
  useEffect(() => {
    if (data && !isPlaceholderData && data.Events.length === 0 && data.TotalCount > 0 && params.page > 1) {
      const page = Math.max(1, Math.ceil(data.TotalCount / params.pageSize));
      setSearchParams((current) => writeActivityParams(current, { ...parseActivityParams(current), page }), { replace: true });
    }
  }, [data, isPlaceholderData, params.page, params.pageSize, setSearchParams]);

  const listSearch = `?workspace=${encodeURIComponent(workspaceId)}`;
  const filterByCodeSource = params.codeSource === undefined ? (id: string) => setParams({ codeSource: id, page: 1 }) : undefined;
  const columns = useMemo(
    () =>
      activityColumns({
        t,
        codeSourceHref: (id) => `/code-sources/${encodeURIComponent(id)}${listSearch}`,
        onFilterByCodeSource: filterByCodeSource,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what the cells show changes
    [t, listSearch, params.codeSource],
  );
  const table = useServerTable<CodeSourceEvent>({
    data: data?.Events ?? [],
    columns,
    getRowId: (row) => row.EventId,
    sorting: [],
    onSortingChange: () => {},
    pagination: { pageIndex: params.page - 1, pageSize: params.pageSize },
    onPaginationChange: (p) => setParams({ page: p.pageIndex + 1, pageSize: p.pageSize }),
    rowCount: data?.TotalCount ?? 0,
  });

  const notMember = !isMember || (events.error instanceof ApiError && events.error.code === 'Forbidden.NotWorkspaceMember');
  const clearFilters = () => setParams({ action: undefined, user: undefined, codeSource: undefined, page: 1 });

  // The user filter offers the members; a user named by the URL who is no longer one still shows, by id.
  const userOptions = [
    { value: ALL, label: t('activity.allUsers') },
    ...(members.data?.Members ?? []).map((m) => ({ value: m.UserId, label: m.UserName })),
  ];
  if (params.user && !userOptions.some((o) => o.value === params.user)) userOptions.push({ value: params.user, label: params.user });

  let body;
  if (notMember) {
    body = <NotMemberPanel workspaceId={workspaceId} onLeave={onLeaveWorkspace} />;
  } else if (!data && events.isError) {
    body = <ErrorState error={events.error} onRetry={() => void events.refetch()} />;
  } else if (!data) {
    body = <LoadingRows label={t('activity.loading')} />;
  } else if (data.TotalCount === 0) {
    const filtered = isActivityFiltered(params);
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <h2 className="state-title">{filtered ? t('activity.noResultsTitle') : t('activity.emptyTitle')}</h2>
            <span className="muted">{filtered ? t('activity.noResultsText') : t('activity.emptyText')}</span>
          </>
        }
      >
        {filtered && <Button onClick={clearFilters}>{t('activity.clearFilters')}</Button>}
      </Empty>
    );
  } else {
    body = (
      <>
        {events.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('error.refreshFailed')}
            action={
              <Button size="small" onClick={() => void events.refetch()}>
                {t('common.retry')}
              </Button>
            }
          />
        )}
        <DataTable
          table={table}
          label={t('activity.tableLabel')}
          loading={events.isPlaceholderData && events.isFetching}
          pageSizeOptions={ACTIVITY_PAGE_SIZES}
          showTotal={(total) => t('list.total', { total })}
        />
      </>
    );
  }

  return (
    <>
      <div className="page-heading">
        <div>
          <h1 className="page-title">{t('activity.title')}</h1>
          <p className="page-intro">{t('activity.intro')}</p>
        </div>
      </div>
      {workspace && !isAdmin(workspace.Roles) && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={isGuestOnly(workspace.Roles) ? t('activity.guestView') : t('activity.limitedView')}
        />
      )}
      {!notMember && (
        <div className="toolbar" role="search" aria-label={t('activity.filters')}>
          <Space wrap size={[12, 8]}>
            <Select
              aria-label={t('activity.actionFilter')}
              value={params.action ?? ALL}
              style={{ width: 190 }}
              onChange={(value: string) => setParams({ action: value === ALL ? undefined : (value as EventAction), page: 1 })}
              options={[
                { value: ALL, label: t('activity.allActions') },
                ...EVENT_ACTIONS.map((action) => ({ value: action, label: eventActionText(action, t) })),
              ]}
            />
            <Select
              aria-label={t('activity.userFilter')}
              value={params.user ?? ALL}
              style={{ width: 190 }}
              showSearch={{ optionFilterProp: 'label' }}
              loading={members.isPending}
              onChange={(value: string) => setParams({ user: value === ALL ? undefined : value, page: 1 })}
              options={userOptions}
            />
            <CodeSourceFilter
              key={params.codeSource ?? ''}
              value={params.codeSource}
              onChange={(codeSource) => setParams({ codeSource, page: 1 })}
            />
            {isActivityFiltered(params) && <Button onClick={clearFilters}>{t('activity.clearFilters')}</Button>}
          </Space>
          <Tooltip title={t('list.refresh')}>
            <Button
              icon={<ReloadOutlined spin={events.isFetching && !events.isPending} />}
              aria-label={t('list.refresh')}
              onClick={() => void events.refetch()}
            />
          </Tooltip>
        </div>
      )}
      <div className="table-card activity-table">{body}</div>
    </>
  );
}

/** The code source filter: an id, applied on Enter (or the search button) and cleared with ×. */
function CodeSourceFilter({ value, onChange }: { value: string | undefined; onChange: (id: string | undefined) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(value ?? '');
  return (
    <Input.Search
      aria-label={t('activity.codeSourceFilter')}
      placeholder={t('activity.codeSourceFilter')}
      allowClear
      value={text}
      style={{ width: 300 }}
      onChange={(event) => setText(event.target.value)}
      onSearch={(next) => {
        const id = next.trim() === '' ? undefined : next.trim();
        if (id !== value) onChange(id);
      }}
    />
  );
}
