import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useNavigate, useSearchParams, type NavigateFunction } from 'react-router';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { Workspace } from '@/lib/session.api';
import { serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, currentUrl, renderConsole } from '@/testing/render-console';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';
import ActivityPage from './activity-page';

const devWorkspace: Workspace = { ...adminWorkspace, Roles: ['PAI.AlgoDeveloper'], IsAdmin: false };

let navigate: NavigateFunction = () => {};
/** As the app does: the workspace comes from the URL; the test can go back and forward like the browser. */
function Frame({ workspace }: { workspace: Workspace }) {
  const [searchParams] = useSearchParams();
  navigate = useNavigate();
  const id = searchParams.get('workspace') ?? '';
  return <ActivityPage key={id} workspaceId={id} workspace={id === workspace.WorkspaceId ? workspace : undefined} />;
}

function renderActivity(url: string, workspace: Workspace = adminWorkspace) {
  renderConsole(
    <Routes>
      <Route path="/activity" element={<Frame workspace={workspace} />} />
      <Route path="/code-sources/:codeSourceId" element={<p>details page</p>} />
    </Routes>,
    { url },
  );
  return userEvent.setup();
}

/**
 * A workspace's story, one change a minute: five created by three people, three edited, one deleted, one made
 * public. Answers the ids by name.
 */
async function seedStory(api: InProcessApi): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const create = async (who: TestUser, name: string, accessibility: 'PUBLIC' | 'PRIVATE') => {
    const [id] = await api.seedCodeSources(1, () => ({ DisplayName: name, Accessibility: accessibility }), { as: who, stepMs: 60_000 });
    ids[name] = id!;
  };
  const change = async (res: Promise<Response>) => {
    expect((await res).status).toBe(200);
    api.t.clock.now += 60_000;
  };
  await create('admin', 'adm-private', 'PRIVATE');
  await create('dev', 'dev-public', 'PUBLIC');
  await create('dev', 'dev-private', 'PRIVATE');
  await create('dev2', 'dev2-private', 'PRIVATE');
  await create('admin', 'gone', 'PUBLIC');
  await change(api.t.as('dev').put(apiPaths.codeSource(ids['dev-public']!), { Description: 'docs' }));
  await change(api.t.as('admin').put(apiPaths.codeSource(ids['adm-private']!), { CodeBranch: 'develop' }));
  await change(api.t.as('dev2').put(apiPaths.codeSource(ids['dev2-private']!), { Description: 'mine' }));
  await change(api.t.as('admin').delete(apiPaths.codeSource(ids.gone!)));
  await change(api.t.as('dev').put(apiPaths.publish(ids['dev-private']!)));
  return ids;
}

/** The whole story as an admin sees it, newest first: "action name (who)". */
const ADMIN_VIEW = [
  'Made public dev-private (dev1)',
  'Deleted gone (ada)',
  'Updated dev2-private (dev2)',
  'Updated adm-private (ada)',
  'Updated dev-public (dev1)',
  'Created gone (ada)',
  'Created dev2-private (dev2)',
  'Created dev-private (dev1)',
  'Created dev-public (dev1)',
  'Created adm-private (ada)',
];

/** One code source created and then edited 24 times, a second apart: 25 events. */
async function seedBusy(api: InProcessApi) {
  const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'busy' }));
  for (let i = 1; i <= 24; i++) {
    const res = await api.t.as('admin').put(apiPaths.codeSource(id!), { Description: `edit ${String(i).padStart(2, '0')}` });
    expect(res.status).toBe(200);
    api.t.clock.now += 1000;
  }
}

/** The table's rows as "action name (who)", top to bottom. */
function shownRows(ids: Record<string, string>): string[] {
  const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  return within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => {
      const cells = within(row).getAllByRole('cell');
      const id = Object.keys(names).find((x) => cells[2]?.textContent?.includes(x));
      const who = cells[3]?.textContent?.match(/^(ada|dev1|dev2)/)?.[1];
      return `${cells[1]?.textContent} ${id ? names[id] : '?'} (${who})`;
    });
}
const showsRows = (ids: Record<string, string>, rows: string[]) => waitFor(() => expect(shownRows(ids)).toEqual(rows), { timeout: 15_000 });

const eventsQueries = (api: InProcessApi) =>
  api.requests.filter((r) => r.url.pathname === apiPaths.workspaceEvents(WS)).map((r) => Object.fromEntries(r.url.searchParams));

/** What a select shows as chosen. */
const chosen = (label: string) => screen.getByRole('combobox', { name: label }).parentElement?.textContent;

async function choose(label: string, option: string, user: ReturnType<typeof userEvent.setup>) {
  fireEvent.mouseDown(screen.getByRole('combobox', { name: label }));
  // Each select's popup stays in the document once opened; the one just opened is the last.
  const options = await screen.findAllByTitle(option);
  await user.click(options.at(-1)!);
}

describe('the Activity page against the real server', { timeout: 90_000 }, () => {
  it('filters by action and user; the URL holds the filters, and back/forward restore them', async () => {
    const api = await serveInProcess('admin');
    const ids = await seedStory(api);
    const user = renderActivity(`/activity?workspace=${WS}`);
    await showsRows(ids, ADMIN_VIEW);
    expect(screen.getByText('10 in total')).toBeInTheDocument();
    expect(screen.queryByText(/You see the events of the code configurations you can see/)).not.toBeInTheDocument();

    await choose('Action filter', 'Updated', user);
    await waitFor(() => expect(currentUrl().searchParams.get('action')).toBe('Update'));
    await showsRows(ids, ['Updated dev2-private (dev2)', 'Updated adm-private (ada)', 'Updated dev-public (dev1)']);
    expect(eventsQueries(api).at(-1)).toEqual({ Action: 'Update', PageNumber: '1', PageSize: '20' });

    await choose('User filter', 'dev1', user);
    await waitFor(() => expect(currentUrl().searchParams.get('user')).toBe(TEST_USERS.dev.UserId));
    await showsRows(ids, ['Updated dev-public (dev1)']);
    expect(eventsQueries(api).at(-1)).toEqual({ Action: 'Update', UserId: TEST_USERS.dev.UserId, PageNumber: '1', PageSize: '20' });

    // Back: the action filter alone; back again: everything; forward: the action filter again.
    act(() => void navigate(-1));
    await showsRows(ids, ['Updated dev2-private (dev2)', 'Updated adm-private (ada)', 'Updated dev-public (dev1)']);
    expect(currentUrl().searchParams.get('user')).toBeNull();
    expect(chosen('User filter')).toBe('All users');
    expect(chosen('Action filter')).toBe('Updated');
    act(() => void navigate(-1));
    await showsRows(ids, ADMIN_VIEW);
    expect(chosen('Action filter')).toBe('All actions');
    act(() => void navigate(1));
    await showsRows(ids, ['Updated dev2-private (dev2)', 'Updated adm-private (ada)', 'Updated dev-public (dev1)']);
    expect(currentUrl().searchParams.get('action')).toBe('Update');

    // A filter with no matches says so, and offers to clear.
    await choose('Action filter', 'Owner transferred', user);
    expect(await screen.findByText('No matching events')).toBeInTheDocument();
    const clear = screen.getAllByRole('button', { name: 'Clear filters' });
    expect(clear).toHaveLength(2);
    await user.click(clear[1]!);
    await showsRows(ids, ADMIN_VIEW);
    expect(currentUrl().searchParams.get('action')).toBeNull();
  });

  it('links to the code sources that still exist; a click on one filters the activity by it', async () => {
    const api = await serveInProcess('admin');
    const ids = await seedStory(api);
    const user = renderActivity(`/activity?workspace=${WS}`);
    await showsRows(ids, ADMIN_VIEW);
    const table = screen.getByRole('table');
    // The deleted one is named as it was, marked deleted, and not a link; the others link to their details.
    expect(within(table).queryByRole('link', { name: 'gone' })).not.toBeInTheDocument();
    expect(within(table).getAllByText('deleted')).toHaveLength(2);
    const links = within(table).getAllByRole('link', { name: 'dev-public' });
    expect(links).toHaveLength(2);
    for (const link of links) expect(link).toHaveAttribute('href', `/code-sources/${ids['dev-public']}?workspace=${WS}`);

    await user.click(within(table).getAllByRole('button', { name: 'Show only the activity of gone' })[0]!);
    await waitFor(() => expect(currentUrl().searchParams.get('codeSource')).toBe(ids.gone));
    await showsRows(ids, ['Deleted gone (ada)', 'Created gone (ada)']);
    expect(eventsQueries(api).at(-1)).toMatchObject({ CodeSourceId: ids.gone });
    expect(screen.getByRole('searchbox', { name: 'Code configuration ID' })).toHaveValue(ids.gone);
    // Already narrowed to it: no filter buttons.
    expect(within(screen.getByRole('table')).queryByRole('button', { name: /Show only the activity of/ })).not.toBeInTheDocument();

    // Typed into the box: another code source's activity.
    const box = screen.getByRole('searchbox', { name: 'Code configuration ID' });
    await user.clear(box);
    await user.type(box, `${ids['dev-public']}{Enter}`);
    await showsRows(ids, ['Updated dev-public (dev1)', 'Created dev-public (dev1)']);
    await user.click(within(screen.getByRole('table')).getAllByRole('link', { name: 'dev-public' })[0]!);
    expect(await screen.findByText('details page')).toBeInTheDocument();
    expect(currentUrl().pathname).toBe(`/code-sources/${ids['dev-public']}`);
    expect(currentUrl().searchParams.get('workspace')).toBe(WS);
  });

  it('pages through the activity; the URL holds the page, and back returns to the first', async () => {
    const api = await serveInProcess('admin');
    await seedBusy(api);
    /** The description each shown row set, top to bottom ("" for the creation). */
    const descriptions = () =>
      within(screen.getByRole('table'))
        .getAllByRole('row')
        .slice(1)
        .map((row) => /edit \d\d$/.exec(within(row).getAllByRole('cell')[4]?.textContent ?? '')?.[0] ?? '');
    const edits = (from: number, to: number) =>
      Array.from({ length: from - to + 1 }, (_, i) => (from - i === 0 ? '' : `edit ${String(from - i).padStart(2, '0')}`));
    const user = renderActivity(`/activity?workspace=${WS}`);
    await waitFor(() => expect(descriptions()).toEqual(edits(24, 5)), { timeout: 15_000 });
    expect(screen.getByText('25 in total')).toBeInTheDocument();
    await user.click(screen.getByTitle('Next Page'));
    await waitFor(() => expect(descriptions()).toEqual(edits(4, 0)), { timeout: 15_000 });
    expect(currentUrl().searchParams.get('page')).toBe('2');
    expect(eventsQueries(api).at(-1)).toEqual({ PageNumber: '2', PageSize: '20' });
    act(() => void navigate(-1));
    await waitFor(() => expect(descriptions()).toEqual(edits(24, 5)), { timeout: 15_000 });
  });

  it('a pasted URL with page and size shows that page', async () => {
    const api = await serveInProcess('admin');
    await seedBusy(api);
    renderActivity(`/activity?workspace=${WS}&page=2&size=10&user=${TEST_USERS.admin.UserId}`);
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(11), { timeout: 15_000 });
    expect(eventsQueries(api).at(-1)).toEqual({ UserId: TEST_USERS.admin.UserId, PageNumber: '2', PageSize: '10' });
    expect(within(screen.getByRole('table')).getAllByRole('row')[1]?.textContent).toContain('edit 14');
    await waitFor(() => expect(chosen('User filter')).toBe('ada'));
  });

  it('a developer sees only the events of what they may see now, and is told so', async () => {
    const api = await serveInProcess('dev');
    const ids = await seedStory(api);
    renderActivity(`/activity?workspace=${WS}`, devWorkspace);
    // Not ada's or dev2's private ones, not the deleted one: the public ones and dev1's own, with all their events.
    await showsRows(ids, [
      'Made public dev-private (dev1)',
      'Updated dev-public (dev1)',
      'Created dev-private (dev1)',
      'Created dev-public (dev1)',
    ]);
    expect(screen.getByText('4 in total')).toBeInTheDocument();
    expect(
      screen.getByText(
        'You see the events of the code configurations you can see now (public ones and your own); workspace admins see all activity.',
      ),
    ).toBeInTheDocument();
  });
});
