import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useSearchParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { on, stubFetch, type RecordedRequest } from '@/testing/fetch-stub';
import type { Workspace } from '@/lib/session.api';
import { adminWorkspace, codeSourceFixture, currentUrl, renderConsole } from '@/testing/render-console';
import { CodeSourcesPage } from './code-sources-page';

const TOTAL = 45;

/** A server of 45 code sources that answers any page; the test looks at what was asked. */
function stubList() {
  return stubFetch(
    on('GET', apiPaths.codeSources, (r) => {
      const page = Number(r.url.searchParams.get('PageNumber'));
      const size = Number(r.url.searchParams.get('PageSize'));
      const search = r.url.searchParams.get('DisplayName');
      const count = search === 'nothing' ? 0 : TOTAL;
      const rows = Array.from({ length: Math.max(0, Math.min(size, count - (page - 1) * size)) }, (_, i) => {
        const n = (page - 1) * size + i + 1;
        return codeSourceFixture({ CodeSourceId: `code-20260101000000-${String(n).padStart(12, '0')}`, DisplayName: `repo-${n}` });
      });
      return { body: { CodeSources: rows, TotalCount: count, RequestId: 'r' } };
    }),
  );
}

/** The ListCodeSources parameters of the most recent list request for the page the user looks at. */
function lastListQuery(requests: RecordedRequest[], predicate: (q: URLSearchParams) => boolean = () => true) {
  const list = requests.filter((r) => r.url.pathname === apiPaths.codeSources && predicate(r.url.searchParams));
  return Object.fromEntries(list.at(-1)?.url.searchParams ?? []);
}

function renderPage(url = '/code-sources?workspace=2001') {
  renderConsole(<CodeSourcesPage workspaceId="2001" workspace={adminWorkspace} userId="300001" />, { url });
  return userEvent.setup();
}

describe('the list: what the table asks the server, and what the URL says', () => {
  it('starts newest first, 20 a page, and shows the total', async () => {
    const { requests } = stubList();
    renderPage();
    expect(await screen.findByRole('link', { name: 'repo-1' })).toBeInTheDocument();
    expect(lastListQuery(requests, (q) => q.get('PageNumber') === '1')).toEqual({
      WorkspaceId: '2001',
      PageNumber: '1',
      PageSize: '20',
      SortBy: 'GmtCreateTime',
      Order: 'DESC',
    });
    expect(screen.getByText('45 in total')).toBeInTheDocument();
    // The next page is prefetched before it is asked for.
    await waitFor(() => expect(requests.some((r) => r.url.searchParams.get('PageNumber') === '2')).toBe(true));
  });

  it('sorts by each of the four SortBy columns, ascending then descending', async () => {
    const { requests } = stubList();
    const user = renderPage();
    await screen.findByRole('link', { name: 'repo-1' });
    await user.click(screen.getByTitle('Next Page'));
    await screen.findByRole('link', { name: 'repo-21' });
    for (const [header, sortBy] of [['Name', 'DisplayName'], ['ID', 'CodeSourceId'], ['Created', 'GmtCreateTime'], ['Modified', 'GmtModifyTime']] as const) {
      const th = screen.getByRole('columnheader', { name: new RegExp(`^${header}`) });
      await user.click(th);
      const firstPage = (q: URLSearchParams) => q.get('PageNumber') === '1';
      await waitFor(() => expect(lastListQuery(requests, firstPage)).toMatchObject({ SortBy: sortBy, Order: 'ASC' }));
      expect(currentUrl().searchParams.get('sort')).toBe(sortBy === 'GmtCreateTime' ? null : sortBy);
      expect(currentUrl().searchParams.get('order')).toBe('asc');
      await user.click(screen.getByRole('columnheader', { name: new RegExp(`^${header}`) }));
      await waitFor(() => expect(lastListQuery(requests, firstPage)).toMatchObject({ SortBy: sortBy, Order: 'DESC' }));
    }
    expect(screen.getByRole('columnheader', { name: /^Git Address/ })).not.toHaveAttribute('aria-sort');
  }, 90_000);

  it('pages forward and changes the page size; the URL follows', async () => {
    const { requests } = stubList();
    const user = renderPage();
    await screen.findByRole('link', { name: 'repo-1' });
    await user.click(screen.getByTitle('Next Page'));
    expect(await screen.findByRole('link', { name: 'repo-21' })).toBeInTheDocument();
    expect(lastListQuery(requests, (q) => q.get('PageNumber') === '2')).toMatchObject({ PageNumber: '2', PageSize: '20' });
    expect(currentUrl().searchParams.get('page')).toBe('2');
    // Page size: antd's size changer is a Select.
    const sizer = screen.getByRole('combobox', { name: /page/i });
    fireEvent.mouseDown(sizer);
    await user.click(await screen.findByTitle('50 / page'));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ PageNumber: '1', PageSize: '50' }));
    expect(currentUrl().searchParams.get('size')).toBe('50');
    expect(currentUrl().searchParams.get('page')).toBeNull();
  });

  it('searches 300 ms after typing stops (not per keystroke), and at once on Enter', async () => {
    const { requests } = stubList();
    const user = renderPage();
    await screen.findByRole('link', { name: 'repo-1' });
    const box = screen.getByRole('searchbox', { name: 'Search by name' });
    await user.type(box, 'bert');
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ DisplayName: 'bert', PageNumber: '1' }));
    expect(requests.filter((r) => ['b', 'be', 'ber'].includes(r.url.searchParams.get('DisplayName') ?? ''))).toHaveLength(0);
    expect(currentUrl().searchParams.get('q')).toBe('bert');
    await user.clear(box);
    await user.type(box, 'nothing{Enter}');
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ DisplayName: 'nothing' }));
    expect(await screen.findByText('No matching code configurations')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(currentUrl().searchParams.get('q')).toBeNull());
    expect(await screen.findByRole('link', { name: 'repo-1' })).toBeInTheDocument();
  });

  it('filters by visibility and "created by me"', async () => {
    const { requests } = stubList();
    const user = renderPage();
    await screen.findByRole('link', { name: 'repo-1' });
    await user.click(screen.getByRole('checkbox', { name: 'Created by me' }));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ UserId: '300001' }));
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Visibility filter' }));
    await user.click(await screen.findByTitle('Public'));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ Accessibility: 'PUBLIC', UserId: '300001' }));
    expect(currentUrl().searchParams.get('visibility')).toBe('PUBLIC');
    expect(currentUrl().searchParams.get('mine')).toBe('1');
  });

  it('restores the view from a pasted URL', async () => {
    const { requests } = stubList();
    renderPage('/code-sources?workspace=2001&q=repo&sort=CodeSourceId&order=asc&page=2&size=10');
    expect(await screen.findByRole('link', { name: 'repo-11' })).toBeInTheDocument();
    expect(lastListQuery(requests, (q) => q.get('PageNumber') === '2')).toEqual({
      WorkspaceId: '2001',
      DisplayName: 'repo',
      PageNumber: '2',
      PageSize: '10',
      SortBy: 'CodeSourceId',
      Order: 'ASC',
    });
    expect(screen.getByRole('searchbox', { name: 'Search by name' })).toHaveValue('repo');
    const sorted = screen.getByRole('columnheader', { name: /^ID/ });
    expect(sorted).toHaveAttribute('aria-sort', 'ascending');
  });

  it('shows the error state with the RequestId, and retries', async () => {
    let fail = true;
    stubFetch(
      on('GET', apiPaths.codeSources, () =>
        fail
          ? { status: 500, body: { Code: 'InternalError', Message: 'x', RequestId: 'req-abc-123' } }
          : { body: { CodeSources: [], TotalCount: 0, RequestId: 'r' } },
      ),
    );
    const user = renderPage();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('req-abc-123')).toBeInTheDocument();
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No code configurations yet')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /Create Code Configuration/ }).length).toBeGreaterThan(0);
  });
});

describe('the search box keeps what is typed', () => {
  it('keeps every character when each key comes just after the debounce (one key every 310 ms)', async () => {
    const { requests } = stubList();
    renderPage();
    await screen.findByRole('link', { name: 'repo-1' });
    const user = userEvent.setup({ delay: 310 });
    const box = screen.getByRole('searchbox', { name: 'Search by name' });
    await user.type(box, 'seed-public');
    expect(box).toHaveValue('seed-public');
    await waitFor(() => expect(currentUrl().searchParams.get('q')).toBe('seed-public'));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ DisplayName: 'seed-public' }));
    expect(box).toHaveValue('seed-public');
  }, 90_000);

  it('follows a URL change that did not come from the box ("clear search")', async () => {
    stubList();
    const user = renderPage('/code-sources?workspace=2001&q=nothing');
    const box = screen.getByRole('searchbox', { name: 'Search by name' });
    expect(box).toHaveValue('nothing');
    await user.click(await screen.findByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(box).toHaveValue(''));
    expect(currentUrl().searchParams.get('q')).toBeNull();
  });
});

describe('a details link naming another workspace than the item\'s', () => {
  const workspaces: Workspace[] = [
    adminWorkspace,
    { WorkspaceId: '2002', WorkspaceName: 'test-other', Roles: ['PAI.AlgoDeveloper'], IsAdmin: false, CanCreate: true },
  ];
  /** As the app does: the workspace comes from the URL, and the page is rebuilt when it changes. */
  function Frame() {
    const [searchParams] = useSearchParams();
    const id = searchParams.get('workspace') ?? '';
    return <CodeSourcesPage key={id} workspaceId={id} workspace={workspaces.find((w) => w.WorkspaceId === id)} userId="300001" />;
  }
  const findDrawer = async (title: string) => {
    const heading = await screen.findByText(title, { selector: '.drawer-title' }, { timeout: 10_000 });
    return heading.closest<HTMLElement>('[role="dialog"]')!;
  };
  function renderLink(item: ReturnType<typeof codeSourceFixture>) {
    const { requests } = stubFetch(
      on('GET', apiPaths.codeSources, () => ({ body: { CodeSources: [item], TotalCount: 1, RequestId: 'r' } })),
      on('GET', apiPaths.codeSource(item.CodeSourceId), () => ({ body: { ...item, RequestId: 'r' }, headers: { etag: '"v1"' } })),
      on('DELETE', apiPaths.codeSource(item.CodeSourceId), () => ({ body: { CodeSourceId: item.CodeSourceId, RequestId: 'r' } })),
    );
    renderConsole(
      <Routes>
        <Route path="/code-sources" element={<Frame />} />
        <Route path="/code-sources/:codeSourceId" element={<Frame />} />
      </Routes>,
      { url: `/code-sources/${item.CodeSourceId}?workspace=2001&q=bert` },
    );
    return { requests, user: userEvent.setup() };
  }

  it('shows it under its own workspace, with the roles held there', async () => {
    // Admin of 2001, developer in 2002: under 2001 a colleague's item would look editable.
    renderLink(codeSourceFixture({ WorkspaceId: '2002', UserId: '300002' }));
    // (jsdom gives antd's drawers one shared title id, so the dialog is found by its title text.)
    const drawer = await findDrawer('bert-finetune');
    await waitFor(() => expect(currentUrl().searchParams.get('workspace')).toBe('2002'));
    expect(currentUrl().pathname).toBe('/code-sources/code-20260101000000-abcdefabcdef');
    expect(currentUrl().searchParams.get('q')).toBe('bert');
    const edit = await within(drawer).findByRole('button', { name: 'Edit' });
    expect(edit).toBeDisabled();
    expect(within(drawer).getByText('Only its creator or a workspace admin can change this')).toBeInTheDocument();
  });

  it('a delete from there refreshes the item\'s workspace lists', async () => {
    const { requests, user } = renderLink(codeSourceFixture({ WorkspaceId: '2002', UserId: '300001' }));
    // (jsdom gives antd's drawers one shared title id, so the dialog is found by its title text.)
    const drawer = await findDrawer('bert-finetune');
    await waitFor(() => expect(currentUrl().searchParams.get('workspace')).toBe('2002'));
    await user.click(await within(drawer).findByRole('button', { name: 'Delete' }));
    const confirm = (await screen.findByText('Delete "bert-finetune"?')).closest<HTMLElement>('[role="dialog"]')!;
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'DELETE')).toBe(true));
    const deletedAt = requests.findIndex((r) => r.method === 'DELETE');
    await waitFor(() =>
      expect(requests.slice(deletedAt).some((r) => r.url.pathname === apiPaths.codeSources && r.url.searchParams.get('WorkspaceId') === '2002')).toBe(true),
    );
    expect(requests.some((r) => r.url.pathname === apiPaths.codeSources && r.url.searchParams.get('WorkspaceId') === '2001' && requests.indexOf(r) > deletedAt)).toBe(false);
  });
});
