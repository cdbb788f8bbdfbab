import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useSearchParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { SeedInput } from '@/shared/seed.schema';
import type { Workspace } from '@/lib/session.api';
import { serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, currentUrl, renderConsole, testQueryClient } from '@/testing/render-console';
import { OTHER_WS, TEST_USERS, testSeed, WS } from '@/testing/test-seed';
import { CodeSourcesPage } from './code-sources-page';

const TOTAL = 45;
const WORDS = ['bert', 'vision', 'llama', 'resnet', 'whisper', 'gpt', 'yolo', 't5', 'clip', 'diffusion'];
/** Names in an order unlike their creation order ("bert-00", "diffusion-13", …); unique (13 is prime to 45). */
const nameOf = (i: number) => `${WORDS[(i * 7) % WORDS.length]}-${String((i * 13) % TOTAL).padStart(2, '0')}`;
/** The three oldest-but-one items edited after everything was created, so "modified" differs from "created". */
const EDITED = [3, 17, 29];

/** What the test knows about the seeded rows, independently of the server. */
interface Row {
  id: string;
  name: string;
  created: number;
  modified: number;
  mine: boolean;
  isPublic: boolean;
}

/**
 * 45 code sources on the real server: 150 ms apart on the app clock (so ids, which only carry the second, do not
 * sort like creation times), every fifth made by dev1, every third PUBLIC, three edited afterwards.
 */
async function seedList(api: InProcessApi): Promise<Row[]> {
  const start = api.t.clock.now;
  const step = 150;
  const mine = (i: number) => i % 5 !== 2;
  const ids = await api.seedCodeSources(TOTAL, (i) => ({ DisplayName: nameOf(i), Accessibility: i % 3 === 0 ? 'PUBLIC' : 'PRIVATE' }), {
    as: (i) => (mine(i) ? 'admin' : 'dev'),
    stepMs: step,
  });
  const rows = ids.map((id, i) => ({
    id,
    name: nameOf(i),
    created: start + i * step,
    modified: start + i * step,
    mine: mine(i),
    isPublic: i % 3 === 0,
  }));
  for (const i of EDITED) {
    api.t.clock.now += 1000;
    const res = await api.t.as('admin').put(apiPaths.codeSource(rows[i]!.id), { Description: 'edited later' });
    expect(res.status).toBe(200);
    rows[i]!.modified = api.t.clock.now;
  }
  return rows;
}

type SortKey = 'DisplayName' | 'CodeSourceId' | 'GmtCreateTime' | 'GmtModifyTime';
/** The order the contract promises: by the key, ties by id, the whole order reversed for DESC. */
function sorted(rows: Row[], by: SortKey, order: 'ASC' | 'DESC'): string[] {
  const key = (r: Row) => ({ DisplayName: r.name, CodeSourceId: r.id, GmtCreateTime: r.created, GmtModifyTime: r.modified })[by];
  const cmp = (a: Row, b: Row) => {
    const [x, y] = [key(a), key(b)];
    if (x !== y) return x < y ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  const list = [...rows].sort(cmp);
  if (order === 'DESC') list.reverse();
  return list.map((r) => r.name);
}
const newestFirst = (rows: Row[]) => sorted(rows, 'GmtCreateTime', 'DESC');

/** The names in the table's rows, top to bottom. */
function visibleNames(): string[] {
  const table = screen.getByRole('table');
  return within(table)
    .queryAllByRole('row')
    .map((row) => within(row).queryByRole('link')?.textContent ?? '')
    .filter((name) => name !== '');
}
const showsRows = (names: string[]) => waitFor(() => expect(visibleNames()).toEqual(names), { timeout: 15_000 });

async function renderPage(url = '/code-sources?workspace=2001') {
  const api = await serveInProcess('admin');
  const rows = await seedList(api);
  renderConsole(<CodeSourcesPage workspaceId={WS} workspace={adminWorkspace} userId={TEST_USERS.admin.UserId} />, { url });
  return { api, rows, user: userEvent.setup() };
}

describe('the list against the real server: what the table asks, what it shows, what the URL says', { timeout: 90_000 }, () => {
  it('starts newest first, 20 a page, and shows the total', async () => {
    const { api, rows } = await renderPage();
    await showsRows(newestFirst(rows).slice(0, 20));
    expect(api.lastListQuery((q) => q.get('PageNumber') === '1')).toEqual({
      WorkspaceId: WS,
      PageNumber: '1',
      PageSize: '20',
      SortBy: 'GmtCreateTime',
      Order: 'DESC',
    });
    expect(screen.getByText(`${TOTAL} in total`)).toBeInTheDocument();
    // The next page is prefetched before it is asked for.
    await waitFor(() =>
      expect(api.requests.some((r) => r.url.searchParams.get('PageNumber') === '2' && r.response?.status === 200)).toBe(true),
    );
  });

  it('sorts by each of the four SortBy columns, ascending then descending, back on the first page', async () => {
    const { api, rows, user } = await renderPage();
    await showsRows(newestFirst(rows).slice(0, 20));
    await user.click(screen.getByTitle('Next Page'));
    await showsRows(newestFirst(rows).slice(20, 40));
    // The seed makes the four orders differ, so a column sorting by the wrong key shows the wrong rows.
    const firstPages = (['DisplayName', 'CodeSourceId', 'GmtCreateTime', 'GmtModifyTime'] as const).map((by) =>
      sorted(rows, by, 'ASC').slice(0, 20).join(),
    );
    expect(new Set(firstPages).size).toBe(4);
    // Created and Modified are hidden by default (the default columns fit 1280 px): shown from the column settings.
    await user.click(screen.getByRole('button', { name: 'Columns' }));
    await user.click(await screen.findByRole('menuitemcheckbox', { name: 'Created' }));
    await user.click(screen.getByRole('menuitemcheckbox', { name: 'Modified' }));
    await user.keyboard('{Escape}');
    for (const [header, sortBy] of [
      ['Name', 'DisplayName'],
      ['ID', 'CodeSourceId'],
      ['Created', 'GmtCreateTime'],
      ['Modified', 'GmtModifyTime'],
    ] as const) {
      const firstPage = (q: URLSearchParams) => q.get('PageNumber') === '1';
      await user.click(screen.getByRole('columnheader', { name: new RegExp(`^${header}`) }));
      await waitFor(() => expect(api.lastListQuery(firstPage)).toMatchObject({ SortBy: sortBy, Order: 'ASC' }));
      await showsRows(sorted(rows, sortBy, 'ASC').slice(0, 20));
      expect(screen.getByRole('columnheader', { name: new RegExp(`^${header}`) })).toHaveAttribute('aria-sort', 'ascending');
      expect(currentUrl().searchParams.get('sort')).toBe(sortBy === 'GmtCreateTime' ? null : sortBy);
      expect(currentUrl().searchParams.get('order')).toBe('asc');
      expect(currentUrl().searchParams.get('page')).toBeNull();
      await user.click(screen.getByRole('columnheader', { name: new RegExp(`^${header}`) }));
      await waitFor(() => expect(api.lastListQuery(firstPage)).toMatchObject({ SortBy: sortBy, Order: 'DESC' }));
      await showsRows(sorted(rows, sortBy, 'DESC').slice(0, 20));
      expect(screen.getByRole('columnheader', { name: new RegExp(`^${header}`) })).toHaveAttribute('aria-sort', 'descending');
    }
    expect(screen.getByRole('columnheader', { name: /^Git Address/ })).not.toHaveAttribute('aria-sort');
  }, 240_000);

  it('pages forward and changes the page size; the URL follows', async () => {
    const { api, rows, user } = await renderPage();
    await showsRows(newestFirst(rows).slice(0, 20));
    await user.click(screen.getByTitle('Next Page'));
    await showsRows(newestFirst(rows).slice(20, 40));
    expect(api.lastListQuery((q) => q.get('PageNumber') === '2')).toMatchObject({ PageNumber: '2', PageSize: '20' });
    expect(currentUrl().searchParams.get('page')).toBe('2');
    await user.click(screen.getByTitle('Next Page'));
    await showsRows(newestFirst(rows).slice(40));
    expect(currentUrl().searchParams.get('page')).toBe('3');
    // Page size: antd's size changer is a Select.
    fireEvent.mouseDown(screen.getByRole('combobox', { name: /page/i }));
    await user.click(await screen.findByTitle('50 / page'));
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ PageNumber: '1', PageSize: '50' }));
    await showsRows(newestFirst(rows));
    expect(currentUrl().searchParams.get('size')).toBe('50');
    expect(currentUrl().searchParams.get('page')).toBeNull();
  });

  it('searches 300 ms after typing stops (not per keystroke), and at once on Enter; "nothing" finds nothing', async () => {
    const { api, rows, user } = await renderPage();
    await showsRows(newestFirst(rows).slice(0, 20));
    const box = screen.getByRole('searchbox', { name: 'Search by name' });
    await user.type(box, 'BERT');
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ DisplayName: 'BERT', PageNumber: '1' }));
    expect(api.requests.filter((r) => ['B', 'BE', 'BER'].includes(r.url.searchParams.get('DisplayName') ?? ''))).toHaveLength(0);
    expect(currentUrl().searchParams.get('q')).toBe('BERT');
    // The server's match is case-insensitive: every "bert-…" and nothing else.
    const berts = newestFirst(rows.filter((r) => r.name.includes('bert')));
    expect(berts.length).toBeGreaterThan(1);
    await showsRows(berts);
    expect(screen.getByText(`${berts.length} in total`)).toBeInTheDocument();
    await user.clear(box);
    await user.type(box, 'nothing{Enter}');
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ DisplayName: 'nothing' }));
    expect(await screen.findByText('No matching code configurations')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(currentUrl().searchParams.get('q')).toBeNull());
    await showsRows(newestFirst(rows).slice(0, 20));
  });

  it('filters by creator (an admin picks any member, or "me") and visibility', async () => {
    const { api, rows, user } = await renderPage();
    await showsRows(newestFirst(rows).slice(0, 20));
    const pickCreator = async (title: string) => {
      fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Created by' }));
      await user.click(await screen.findByTitle(title));
    };
    await pickCreator('ada (me)');
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ UserId: TEST_USERS.admin.UserId }));
    const mine = rows.filter((r) => r.mine);
    await showsRows(newestFirst(mine).slice(0, 20));
    expect(screen.getByText(`${mine.length} in total`)).toBeInTheDocument();
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Visibility filter' }));
    await user.click(await screen.findByTitle('Public'));
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ Accessibility: 'PUBLIC', UserId: TEST_USERS.admin.UserId }));
    const minePublic = mine.filter((r) => r.isPublic);
    expect(minePublic.length).toBeGreaterThan(1);
    await showsRows(newestFirst(minePublic));
    expect(screen.getByText(`${minePublic.length} in total`)).toBeInTheDocument();
    expect(currentUrl().searchParams.get('visibility')).toBe('PUBLIC');
    expect(currentUrl().searchParams.get('mine')).toBe('1');
    // Another member: dev1's public ones only.
    await pickCreator('dev1');
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ Accessibility: 'PUBLIC', UserId: TEST_USERS.dev.UserId }));
    const devPublic = rows.filter((r) => r.isPublic && !r.mine);
    expect(devPublic.length).toBeGreaterThan(0);
    await showsRows(newestFirst(devPublic));
    expect(currentUrl().searchParams.get('creator')).toBe(TEST_USERS.dev.UserId);
    expect(currentUrl().searchParams.get('mine')).toBeNull();
    // Anyone: every public one.
    await pickCreator('Created by anyone');
    const allPublic = rows.filter((r) => r.isPublic);
    expect(allPublic.length).toBeGreaterThan(minePublic.length);
    await showsRows(newestFirst(allPublic));
    expect(currentUrl().searchParams.get('creator')).toBeNull();
  });

  it('restores the view from a pasted URL', async () => {
    const { api, rows } = await renderPage('/code-sources?workspace=2001&q=i&sort=CodeSourceId&order=asc&page=2&size=10');
    const matches = rows.filter((r) => r.name.includes('i'));
    expect(matches.length).toBeGreaterThan(10);
    await showsRows(sorted(matches, 'CodeSourceId', 'ASC').slice(10, 20));
    expect(api.lastListQuery((q) => q.get('PageNumber') === '2')).toEqual({
      WorkspaceId: WS,
      DisplayName: 'i',
      PageNumber: '2',
      PageSize: '10',
      SortBy: 'CodeSourceId',
      Order: 'ASC',
    });
    expect(screen.getByText(`${matches.length} in total`)).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search by name' })).toHaveValue('i');
    expect(screen.getByRole('columnheader', { name: /^ID/ })).toHaveAttribute('aria-sort', 'ascending');
  });

  it("shows the error state with the server's RequestId, and retries", async () => {
    const broken = await serveInProcess('admin');
    // A real failure: the server's database is gone, so the list answers 500 InternalError.
    await broken.t.storage.close();
    renderConsole(<CodeSourcesPage workspaceId={WS} workspace={adminWorkspace} userId={TEST_USERS.admin.UserId} />, {
      url: '/code-sources?workspace=2001',
    });
    const user = userEvent.setup();
    const alert = await screen.findByRole('alert', {}, { timeout: 15_000 });
    const failed = broken.requests.find((r) => r.url.pathname === apiPaths.codeSources);
    expect(failed?.response).toMatchObject({ status: 500, body: { Code: 'InternalError' } });
    const requestId = failed?.response?.headers.get('x-acs-request-id');
    expect(requestId).toBeTruthy();
    expect(within(alert).getByText(requestId!)).toBeInTheDocument();
    // The server is back (a healthy one on a fresh database takes over the console's requests).
    const healthy = await serveInProcess('admin');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No code configurations yet')).toBeInTheDocument();
    expect(healthy.requests.filter((r) => r.url.pathname === apiPaths.codeSources)[0]?.response?.status).toBe(200);
    expect(screen.getAllByRole('button', { name: /Create Code Configuration/ }).length).toBeGreaterThan(0);
  });
});

describe('the search box keeps what is typed', { timeout: 90_000 }, () => {
  it('keeps every character when each key comes just after the debounce (one key every 310 ms)', async () => {
    const { api, rows } = await renderPage();
    await showsRows(newestFirst(rows).slice(0, 20));
    const user = userEvent.setup({ delay: 310 });
    const box = screen.getByRole('searchbox', { name: 'Search by name' });
    await user.type(box, 'whisper-');
    expect(box).toHaveValue('whisper-');
    await waitFor(() => expect(currentUrl().searchParams.get('q')).toBe('whisper-'));
    await waitFor(() => expect(api.lastListQuery()).toMatchObject({ DisplayName: 'whisper-' }));
    await showsRows(newestFirst(rows.filter((r) => r.name.startsWith('whisper-'))));
    expect(box).toHaveValue('whisper-');
  });

  it('follows a URL change that did not come from the box ("clear search")', async () => {
    const { rows, user } = await renderPage('/code-sources?workspace=2001&q=nothing');
    const box = screen.getByRole('searchbox', { name: 'Search by name' });
    expect(box).toHaveValue('nothing');
    expect(await screen.findByText('No matching code configurations')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(box).toHaveValue(''));
    expect(currentUrl().searchParams.get('q')).toBeNull();
    await showsRows(newestFirst(rows).slice(0, 20));
  });
});

describe("a details link naming another workspace than the item's", { timeout: 90_000 }, () => {
  // ada: admin of 2001 and developer in 2002, beside dev1 (also a developer in 2002).
  const seed: SeedInput = {
    ...testSeed,
    members: [
      ...(testSeed.members ?? []),
      { WorkspaceId: OTHER_WS, UserId: TEST_USERS.admin.UserId, Roles: ['PAI.AlgoDeveloper'] },
      { WorkspaceId: OTHER_WS, UserId: TEST_USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    ],
  };
  const workspaces: Workspace[] = [
    adminWorkspace,
    { WorkspaceId: OTHER_WS, WorkspaceName: 'test-other', Roles: ['PAI.AlgoDeveloper'], IsAdmin: false, CanCreate: true },
  ];
  /** As the app does: the workspace comes from the URL, and the page is rebuilt when it changes. */
  function Frame() {
    const [searchParams] = useSearchParams();
    const id = searchParams.get('workspace') ?? '';
    return (
      <CodeSourcesPage
        key={id}
        workspaceId={id}
        workspace={workspaces.find((w) => w.WorkspaceId === id)}
        userId={TEST_USERS.admin.UserId}
      />
    );
  }
  const findDrawer = async (title: string) => {
    // (jsdom gives antd's drawers one shared title id, so the dialog is found by its title text.)
    const heading = await screen.findByText(title, { selector: '.drawer-title' }, { timeout: 15_000 });
    return heading.closest<HTMLElement>('[role="dialog"]')!;
  };
  /** The item is made in 2002 by `creator`; the link names 2001. */
  async function renderLink(creator: 'admin' | 'dev', accessibility: 'PUBLIC' | 'PRIVATE') {
    const api = await serveInProcess('admin', { seed });
    const [id] = await api.seedCodeSources(
      1,
      () => ({ WorkspaceId: OTHER_WS, DisplayName: 'bert-finetune', Accessibility: accessibility }),
      { as: creator },
    );
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    renderConsole(
      <Routes>
        <Route path="/code-sources" element={<Frame />} />
        <Route path="/code-sources/:codeSourceId" element={<Frame />} />
      </Routes>,
      { url: `/code-sources/${id}?workspace=2001&q=bert`, queryClient },
    );
    return { api, id: id!, user: userEvent.setup() };
  }

  it('shows it under its own workspace, with the roles held there', async () => {
    // Under 2001 (admin) dev1's item would look editable; in 2002 ada is a developer, and it is not hers.
    const { id } = await renderLink('dev', 'PUBLIC');
    const drawer = await findDrawer('bert-finetune');
    await waitFor(() => expect(currentUrl().searchParams.get('workspace')).toBe(OTHER_WS));
    expect(currentUrl().pathname).toBe(`/code-sources/${id}`);
    expect(currentUrl().searchParams.get('q')).toBe('bert');
    const edit = await within(drawer).findByRole('button', { name: 'Edit' });
    expect(edit).toBeDisabled();
    expect(within(drawer).getByText('Only its creator or a workspace admin can change this')).toBeInTheDocument();
  });

  it("a delete from there deletes it on the server and refreshes the item's workspace lists", async () => {
    const { api, id, user } = await renderLink('admin', 'PRIVATE');
    const drawer = await findDrawer('bert-finetune');
    await waitFor(() => expect(currentUrl().searchParams.get('workspace')).toBe(OTHER_WS));
    await user.click(await within(drawer).findByRole('button', { name: 'Delete' }));
    const confirm = (await screen.findByText('Delete "bert-finetune"?')).closest<HTMLElement>('[role="dialog"]')!;
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.requests.find((r) => r.method === 'DELETE')?.response?.status).toBe(200));
    expect((await api.t.as('admin').get(apiPaths.codeSource(id))).status).toBe(404);
    const deletedAt = api.requests.findIndex((r) => r.method === 'DELETE');
    const listsAfter = (ws: string) =>
      api.requests.slice(deletedAt).filter((r) => r.url.pathname === apiPaths.codeSources && r.url.searchParams.get('WorkspaceId') === ws);
    await waitFor(() => expect(listsAfter(OTHER_WS).length).toBeGreaterThan(0));
    expect(listsAfter(WS)).toHaveLength(0);
  });
});
