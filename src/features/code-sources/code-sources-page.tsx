import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Empty, Select, Space, Tooltip } from 'antd';
// Search alone: `Input.Search` would bring every Input variant (TextArea, Password, OTP) into the first screen.
import Search from 'antd/es/input/Search';
import { lazy, Suspense, useDeferredValue, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate, useNavigationType, useSearchParams } from 'react-router';
import type { CodeSource } from '@/shared/code-source.schema';
import { ApiError, type ApiOutput } from '@/lib/api-client';
import { useBackendMode } from '@/lib/backend-mode';
import { useI18n } from '@/lib/i18n/i18n';
import type { Workspace } from '@/lib/session.api';
import { ColumnSettings } from '@/components/column-settings';
import { usePersistentColumnVisibility } from '@/components/column-visibility';
import { DataTable, useServerTable } from '@/components/data-table';
import { useReturnFocus } from '@/components/use-return-focus';
import { ErrorState } from '@/components/error-state';
import { LoadingRows } from '@/components/loading-rows';
import { NotMemberPanel } from '@/components/status-panel';
import { RowActions, useCodeSourceActions } from './code-source-actions';
import { codeSourceColumns, DEFAULT_COLUMN_VISIBILITY } from './code-source-columns';
import type { ListRequest } from './code-sources.api';
import { codeSourceCountsQuery, codeSourceListQuery, workspaceMembersQuery } from './code-sources.queries';
import { BulkActionBar, BulkResultSummary, useBulkActions } from './bulk-actions';
import { useBulkSelection } from './use-bulk-selection';
import {
  DEFAULT_LIST_PARAMS,
  filterKey,
  isFiltered,
  PAGE_SIZES,
  parseListParams,
  searchAsStored,
  URL_KEYS,
  writeListParams,
  type ListParams,
} from './list-params';
import { abilitiesFor, canCreateIn } from './permissions';
import { drawerHref, drawerOf, isFormRoute, listSearchOf, wasOpenedHere, type DrawerRoute, type OpenedHere } from './drawer-route';

const CodeSourceFormDrawer = lazy(() => import('./code-source-form-drawer'));
const CodeSourceDetailsDrawer = lazy(() => import('./code-source-details-drawer'));
const TransferOwnerDialog = lazy(() => import('./transfer-owner-dialog'));

export interface CodeSourcesPageProps {
  workspaceId: string;
  /** Undefined when the caller is not a member of `workspaceId`. */
  workspace: Workspace | undefined;
  userId: string | undefined;
  /** Where a non-member can go instead. */
  onLeaveWorkspace?: () => void;
}

const SEARCH_DEBOUNCE_MS = 300;
const NO_ROWS: CodeSource[] = [];
/** Followed by the user's id: each user's shown columns. */
export const COLUMNS_STORAGE_KEY = 'code-config.columns';

/** Code Configuration: the list with its toolbar, states, and the drawers for details and the form. */
export function CodeSourcesPage({ workspaceId, workspace, userId, onLeaveWorkspace }: CodeSourcesPageProps) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  const params = useMemo(() => parseListParams(searchParams), [searchParams]);
  // The drawer is the URL's: opening or closing one is a navigation, so reload, Back and links restore it.
  const drawer = useMemo(() => drawerOf(location.pathname, searchParams), [location.pathname, searchParams]);
  const codeSourceId = drawer.kind === 'details' ? drawer.id : undefined;
  const [highlightId, setHighlightId] = useState<string | undefined>();
  const [transferTarget, setTransferTarget] = useState<CodeSource | undefined>();
  const actions = useCodeSourceActions();
  const canCreate = canCreateIn(workspace);
  const isAdmin = workspace?.IsAdmin ?? false;
  // Upstream (PAI) there is no member list, no counts and no list filter but the name: no visibility or "created by"
  // filter, no counts, and nothing asks for them.
  const { upstream } = useBackendMode();
  const membersShown = isAdmin && !upstream;

  const setParams = (patch: Partial<ListParams>, options: { replace?: boolean; state?: unknown } = {}) =>
    setSearchParams((current) => writeListParams(current, { ...parseListParams(current), ...patch }), options);
  // Whether the URL's search came from the search box itself (then the box keeps what the user typed since).
  const navigationType = useNavigationType();
  const searchFromBox = navigationType !== 'POP' && (location.state as { searchBox?: boolean } | null)?.searchBox === true;

  // Upstream, a visibility or creator filter in the URL (a link from local mode) is not PAI's: it is not sent.
  const request: ListRequest = useMemo(
    () => ({ ...params, ...(upstream ? { visibility: undefined, mine: false, creator: undefined } : {}), workspaceId, userId }),
    [params, upstream, workspaceId, userId],
  );
  const list = useQuery({ ...codeSourceListQuery(request), enabled: workspace !== undefined });
  const data = list.data;
  const counts = useQuery({ ...codeSourceCountsQuery(workspaceId), enabled: membersShown });
  const members = useQuery({ ...workspaceMembersQuery(workspaceId), enabled: membersShown });
  // Rows shown while the next view loads belong to the previous view: they are not offered for selection.
  const pageRows = useMemo(() => (list.isPlaceholderData ? [] : (data?.CodeSources ?? [])), [list.isPlaceholderData, data]);
  const selection = useBulkSelection(filterKey(workspaceId, params), pageRows);
  const bulk = useBulkActions(workspaceId, selection);

  const isPlaceholderData = list.isPlaceholderData;
  const isMember = workspace !== undefined;
  // The next page is fetched before it is asked for.
  useEffect(() => {
    if (!data || isPlaceholderData || !isMember) return;
    if (request.page * request.pageSize < data.TotalCount) {
      void queryClient.prefetchQuery(codeSourceListQuery({ ...request, page: request.page + 1 }));
    }
  }, [data, isPlaceholderData, isMember, request, queryClient]);

  // After a delete the last page may be empty: step back to the last page that has rows.
  useEffect(() => {
    if (data && !isPlaceholderData && data.CodeSources.length === 0 && data.TotalCount > 0 && params.page > 1) {
      const page = Math.max(1, Math.ceil(data.TotalCount / params.pageSize));
      setSearchParams((current) => writeListParams(current, { ...parseListParams(current), page }), { replace: true });
    }
  }, [data, isPlaceholderData, params.page, params.pageSize, setSearchParams]);

  useReturnFocus(isFormRoute(drawer));
  useReturnFocus(codeSourceId !== undefined);

  const listSearch = listSearchOf(searchParams).toString();
  // What the table shows, deferred: a new answer re-renders the page at once (TanStack Query's store updates cannot
  // wait), but the table's rows re-render at transition priority, in slices that give way to the next keystroke.
  const loading = list.isPlaceholderData && list.isFetching;
  const view = useMemo(
    () => ({ data, params, listSearch, isPlaceholderData, loading }),
    [data, params, listSearch, isPlaceholderData, loading],
  );
  const shown = useDeferredValue(view);
  const detailsHref = (id: string) => drawerHref({ kind: 'details', id }, searchParams);
  const closeDetails = () => navigate(drawerHref({ kind: 'none' }, searchParams));
  const openDrawer = (next: DrawerRoute) => {
    const state: OpenedHere = { openedHere: true };
    void navigate(drawerHref(next, searchParams), { state });
  };
  // Closing what this page opened is the browser's Back (so Back and Cancel agree and history does not grow);
  // a drawer that came with the address (a reload, a link) gives way to the list in place.
  const closeForm = () => {
    if (wasOpenedHere(location.state)) void navigate(-1);
    else void navigate(drawerHref({ kind: 'none' }, searchParams), { replace: true });
  };
  // A details link naming another workspace than the item's: the item's own workspace is the one shown (switcher,
  // roles, list), so the URL is corrected in place rather than showing it under the wrong workspace.
  const showInWorkspace = (itemWorkspaceId: string) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set(URL_KEYS.workspace, itemWorkspaceId);
        next.delete(URL_KEYS.page);
        return next;
      },
      { replace: true },
    );

  const columns = useMemo(
    () =>
      codeSourceColumns({
        t,
        detailsHref,
        renderActions: (item: CodeSource) => (
          <RowActions
            item={item}
            workspace={workspace}
            userId={userId}
            detailsHref={detailsHref(item.CodeSourceId)}
            onEdit={(x) => openDrawer({ kind: 'edit', id: x.CodeSourceId })}
            onDuplicate={(x) => openDrawer({ kind: 'duplicate', from: x.CodeSourceId })}
            onTransfer={setTransferTarget}
            actions={actions}
          />
        ),
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what the cells show changes
    [t, workspace, userId, shown.listSearch],
  );

  // Which columns show is each user's own choice in this browser.
  const hideable = useMemo(
    () => columns.filter((c) => c.enableHiding !== false).map((c) => c.id ?? ('accessorKey' in c ? String(c.accessorKey) : '')),
    [columns],
  );
  const columnVisibility = usePersistentColumnVisibility(`${COLUMNS_STORAGE_KEY}.${userId ?? ''}`, DEFAULT_COLUMN_VISIBILITY, hideable);

  const table = useServerTable<CodeSource>({
    data: shown.data?.CodeSources ?? NO_ROWS,
    columns,
    getRowId: (row) => row.CodeSourceId,
    sorting: [{ id: shown.params.sortBy, desc: shown.params.order === 'desc' }],
    onSortingChange: (sorting) => {
      const next = sorting[0];
      setParams(
        next
          ? { sortBy: next.id as ListParams['sortBy'], order: next.desc ? 'desc' : 'asc', page: 1 }
          : { sortBy: DEFAULT_LIST_PARAMS.sortBy, order: DEFAULT_LIST_PARAMS.order, page: 1 },
      );
    },
    pagination: { pageIndex: shown.params.page - 1, pageSize: shown.params.pageSize },
    onPaginationChange: (p) => setParams({ page: p.pageIndex + 1, pageSize: p.pageSize }),
    rowCount: shown.data?.TotalCount ?? 0,
    state: { columnVisibility: columnVisibility.visibility },
    onColumnVisibilityChange: columnVisibility.onChange,
    // Who may only read selects nothing, so the column is not there for them.
    selection: canCreate
      ? {
          state: selection.rowSelection,
          onChange: selection.onRowSelectionChange,
          canSelect: (row) => !shown.isPlaceholderData && abilitiesFor(row, workspace, userId).manage.allowed,
        }
      : undefined,
  });

  const notMember = workspace === undefined || (list.error instanceof ApiError && list.error.code === 'Forbidden.NotWorkspaceMember');
  const openCreate = () => openDrawer({ kind: 'create' });
  const clearSearch = () => setParams({ search: '', visibility: undefined, mine: false, creator: undefined, page: 1 });
  const notSelectableReason = (row: CodeSource) => {
    const reason = abilitiesFor(row, workspace, userId).manage.reason;
    return reason ? t(reason) : undefined;
  };

  // Built again only when what it shows changes, so the page's urgent re-render on a new answer reuses it as it is.
  // The selection by value: `rowSelection` is a new object on every render.
  const selectedIds = Object.keys(selection.rowSelection).join(',');
  const tableElement = useMemo(
    () => (
      <DataTable
        table={table}
        label={t('list.tableLabel')}
        loading={shown.loading}
        pageSizeOptions={PAGE_SIZES}
        showTotal={(total) => t('list.total', { total: total.toLocaleString(locale) })}
        rowClassName={(row) => (row.CodeSourceId === highlightId ? 'row-highlight' : '')}
        selectionLabels={
          canCreate
            ? {
                page: t('bulk.selectPage'),
                row: (row) => t('bulk.selectRow', { name: row.DisplayName }),
                notSelectable: notSelectableReason,
              }
            : undefined
        }
      />
    ),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `table` is a new object on every render; these are what it shows
    [shown, columns, t, workspace, userId, canCreate, highlightId, selectedIds, columnVisibility.visibility],
  );

  // The states around the table follow the same deferred view, so no frame shows an empty table before its rows.
  const shownData = shown.data;
  let body;
  if (notMember) {
    body = <NotMemberPanel workspaceId={workspaceId} onLeave={onLeaveWorkspace} />;
  } else if (!data && list.isError) {
    body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  } else if (!shownData) {
    body = <LoadingRows label={t('state.loading')} />;
  } else if (shownData.TotalCount === 0 && !isFiltered(shown.params)) {
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <h2 className="state-title">{t('state.emptyTitle')}</h2>
            <span className="muted">{t('state.emptyText')}</span>
          </>
        }
      >
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={openCreate}>
            {t('list.create')}
          </Button>
        )}
      </Empty>
    );
  } else if (shownData.TotalCount === 0 && shownData.CodeSources.length === 0) {
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <h2 className="state-title">{t('state.noResultsTitle')}</h2>
            <span className="muted">
              {shown.params.search ? t('state.noResultsFor', { search: shown.params.search }) : t('state.noResultsFilters')}
            </span>
          </>
        }
      >
        <Button onClick={clearSearch}>{t('state.clearSearch')}</Button>
      </Empty>
    );
  } else {
    body = (
      <>
        {list.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('error.refreshFailed')}
            action={
              <Button size="small" onClick={() => void list.refetch()}>
                {t('common.retry')}
              </Button>
            }
          />
        )}
        {tableElement}
      </>
    );
  }

  return (
    <>
      <div className="page-heading">
        <div>
          <h1 className="page-title">{t('page.title')}</h1>
          <p className="page-intro">{t('page.intro')}</p>
        </div>
      </div>
      {upstream && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('upstream.listNote')} />}
      {workspace && !canCreate && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('list.readOnly')} />}
      {!notMember && (
        <div className="toolbar" role="search">
          <Space wrap size={[12, 8]}>
            <SearchBox
              value={params.search}
              own={searchFromBox}
              onSearch={(search) => setParams({ search, page: 1 }, { state: SEARCH_BOX_STATE })}
            />
            {/* Upstream, PAI's ListCodeSources has no visibility or creator filter: neither is offered. */}
            {!upstream && (
              <Select
                aria-label={t('list.visibilityFilter')}
                value={params.visibility ?? 'ALL'}
                style={{ width: 170 }}
                onChange={(value: string) =>
                  setParams({ visibility: value === 'ALL' ? undefined : (value as ListParams['visibility']), page: 1 })
                }
                options={[
                  { value: 'ALL', label: t('list.allVisibilities') },
                  { value: 'PRIVATE', label: t('visibility.PRIVATE') },
                  { value: 'PUBLIC', label: t('visibility.PUBLIC') },
                ]}
              />
            )}
            {membersShown ? (
              <CreatorFilter
                params={params}
                userId={userId}
                members={members.data}
                rows={data?.CodeSources}
                onChange={(patch) => setParams({ ...patch, page: 1 })}
              />
            ) : (
              canCreate &&
              !upstream && (
                <Checkbox checked={params.mine} onChange={(event) => setParams({ mine: event.target.checked, page: 1 })}>
                  {t('list.createdByMe')}
                </Checkbox>
              )
            )}
            {membersShown && counts.data && (
              <VisibilityCounts
                publicCount={counts.data.PublicCount}
                privateCount={counts.data.PrivateCount}
                active={params.visibility}
                onShow={(visibility) => setParams({ visibility, page: 1 })}
              />
            )}
          </Space>
          <Space wrap size={8}>
            <ColumnSettings
              table={table}
              labels={{ button: t('list.columns'), reset: t('list.columnsReset') }}
              onReset={columnVisibility.reset}
            />
            <Tooltip title={t('list.refresh')}>
              <Button
                icon={<ReloadOutlined spin={list.isFetching && !list.isPending} />}
                aria-label={t('list.refresh')}
                onClick={() => void list.refetch()}
              />
            </Tooltip>
            <Tooltip title={canCreate ? undefined : t('perm.readOnlyRole')}>
              <Button type="primary" icon={<PlusOutlined />} disabled={!canCreate} onClick={openCreate}>
                {t('list.create')}
              </Button>
            </Tooltip>
          </Space>
        </div>
      )}
      <div className="table-card">
        {/* Outside the states below: a bulk delete may leave the view empty, and its summary must still show. */}
        {!notMember && bulk.result && <BulkResultSummary result={bulk.result} onClose={bulk.dismissResult} />}
        {!notMember && <BulkActionBar selection={selection} onAction={bulk.run} busy={bulk.isRunning} />}
        {body}
      </div>

      {isFormRoute(drawer) && (
        <Suspense fallback={null}>
          <CodeSourceFormDrawer
            key={location.pathname + (drawer.kind === 'duplicate' ? drawer.from : '')}
            route={drawer}
            workspaceId={workspaceId}
            workspace={workspace}
            userId={userId}
            onClose={closeForm}
            onOtherWorkspace={showInWorkspace}
            onSaved={(id, kind) => {
              setHighlightId(id);
              if (kind === 'edit') return closeForm();
              // A new row is newest: one navigation closes the form and shows the first page of the default order,
              // where it is (the workspace stays). It replaces the form's entry, so Back does not reopen the form.
              const list = writeListParams(listSearchOf(searchParams), DEFAULT_LIST_PARAMS);
              void navigate(drawerHref({ kind: 'none' }, list), { replace: true });
            }}
          />
        </Suspense>
      )}
      {codeSourceId && (
        <Suspense fallback={null}>
          <CodeSourceDetailsDrawer
            id={codeSourceId}
            workspaceId={workspaceId}
            workspace={workspace}
            userId={userId}
            onClose={closeDetails}
            onOtherWorkspace={showInWorkspace}
            onEdit={(item) => openDrawer({ kind: 'edit', id: item.CodeSourceId })}
            onDuplicate={(item) => openDrawer({ kind: 'duplicate', from: item.CodeSourceId })}
            onTransfer={setTransferTarget}
          />
        </Suspense>
      )}
      {transferTarget && (
        <Suspense fallback={null}>
          <TransferOwnerDialog key={transferTarget.CodeSourceId} item={transferTarget} onClose={() => setTransferTarget(undefined)} />
        </Suspense>
      )}
    </>
  );
}

type Members = ApiOutput<'ListWorkspaceMembers'>['Members'];

/**
 * The admins' "created by" filter: any member, and creators seen in the list who are no longer members (whose
 * code sources are what an owner transfer is for). Choosing oneself is "created by me".
 */
function CreatorFilter({
  params,
  userId,
  members,
  rows,
  onChange,
}: {
  params: ListParams;
  userId: string | undefined;
  members: Members | undefined;
  rows: readonly CodeSource[] | undefined;
  onChange: (patch: Pick<ListParams, 'mine' | 'creator'>) => void;
}) {
  const { t } = useI18n();
  const names = new Map<string, string>();
  for (const member of members ?? []) names.set(member.UserId, member.UserName);
  for (const row of rows ?? []) if (!names.has(row.UserId)) names.set(row.UserId, row.UserName);
  const value = params.mine ? userId : params.creator;
  if (value !== undefined && !names.has(value)) names.set(value, value);
  const options = [...names]
    .sort(([, a], [, b]) => a.localeCompare(b))
    .map(([id, name]) => ({ value: id, name, label: id === userId ? t('list.creatorMe', { name }) : name }));
  return (
    <Select
      aria-label={t('list.creatorFilter')}
      value={value ?? ANY_CREATOR}
      style={{ width: 190 }}
      popupMatchSelectWidth={false}
      showSearch={{ optionFilterProp: 'name' }}
      onChange={(next: string) =>
        onChange(
          next === ANY_CREATOR
            ? { mine: false, creator: undefined }
            : next === userId
              ? { mine: true, creator: undefined }
              : { mine: false, creator: next },
        )
      }
      options={[{ value: ANY_CREATOR, name: '', label: t('list.anyCreator') }, ...options]}
    />
  );
}
const ANY_CREATOR = '*';

/** "Public N · Private M" of the workspace (what the caller may see); each shows only those when clicked. */
function VisibilityCounts({
  publicCount,
  privateCount,
  active,
  onShow,
}: {
  publicCount: number;
  privateCount: number;
  active: ListParams['visibility'];
  onShow: (visibility: ListParams['visibility']) => void;
}) {
  const { t, locale } = useI18n();
  const item = (visibility: 'PUBLIC' | 'PRIVATE', text: string) => (
    <Tooltip title={t('counts.showOnly')}>
      <Button
        type="text"
        size="small"
        aria-pressed={active === visibility}
        onClick={() => onShow(active === visibility ? undefined : visibility)}
      >
        {text}
      </Button>
    </Tooltip>
  );
  return (
    <span className="visibility-counts" role="group" aria-label={t('counts.label')}>
      {item('PUBLIC', t('counts.public', { count: publicCount.toLocaleString(locale) }))}
      <span aria-hidden>·</span>
      {item('PRIVATE', t('counts.private', { count: privateCount.toLocaleString(locale) }))}
    </span>
  );
}

/** Marks a navigation the search box made itself (see SearchBox). */
const SEARCH_BOX_STATE = { searchBox: true } as const;

/**
 * Debounced search: ~300 ms after typing stops, at once on Enter, and a clear button. Each settled search is a history step.
 *
 * The text is the user's. A URL change the box made itself (a PUSH carrying SEARCH_BOX_STATE) arrives while the user
 * may already have typed on, so it never overwrites the box; any other change — Back/Forward, a pasted link,
 * "Clear search and filters" — replaces it. The navigation says which it is, so no bookkeeping of what was sent can go
 * stale when React batches or reorders renders.
 */
function SearchBox({ value, own, onSearch }: { value: string; own: boolean; onSearch: (search: string) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(value);
  const [lastSeen, setLastSeen] = useState(value);
  // The last search sent and not yet seen in the URL: a timer and Enter for the same text send it once.
  const sent = useRef<string | undefined>(undefined);
  if (value !== lastSeen) {
    setLastSeen(value);
    if (!own) setText(value);
  }
  useEffect(() => {
    if (!own || sent.current === value) sent.current = undefined;
  }, [own, value]);
  const searchNow = (next: string) => {
    const stored = searchAsStored(next);
    if (stored === value || stored === sent.current) return;
    sent.current = stored;
    onSearch(next);
  };
  // A timer armed for a text the box no longer holds does nothing. Its cleanup runs only after the commit that
  // replaced the text, so on a busy main thread it can still fire in between and search the old text again (the
  // likely cause of a CI failure: after "Clear search" the URL went back to the old search); the effect event reads
  // the committed text.
  const settle = useEffectEvent((armed: string) => {
    if (armed === text) searchNow(armed);
  });
  useEffect(() => {
    const timer = setTimeout(() => settle(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <Search
      aria-label={t('list.searchLabel')}
      placeholder={t('list.searchPlaceholder')}
      allowClear
      value={text}
      style={{ width: 280 }}
      onChange={(event) => setText(event.target.value)}
      onSearch={(next) => {
        setText(next);
        searchNow(next);
      }}
      enterButton={false}
    />
  );
}
