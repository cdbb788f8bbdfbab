import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { Workspace } from '@/lib/session.api';
import { requestTo, serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, currentUrl, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';
import { CodeSourcesPage } from './code-sources-page';

const developerWorkspace: Workspace = {
  WorkspaceId: WS,
  WorkspaceName: 'test-main',
  Roles: ['PAI.AlgoDeveloper'],
  IsAdmin: false,
  CanCreate: true,
};
const guestWorkspace: Workspace = { ...developerWorkspace, Roles: ['PAI.WorkspaceGuest'], CanCreate: false };

interface Item {
  name: string;
  by: TestUser;
  access: 'PUBLIC' | 'PRIVATE';
}

/** Creates the items (oldest first, so the list shows the last one on top) and answers name → id. */
async function seed(api: InProcessApi, items: Item[]): Promise<Record<string, string>> {
  const ids = await api.seedCodeSources(items.length, (i) => ({ DisplayName: items[i]!.name, Accessibility: items[i]!.access }), {
    as: (i) => items[i]!.by,
  });
  return Object.fromEntries(items.map((item, i) => [item.name, ids[i]!]));
}

async function render(api: InProcessApi, user: TestUser, workspace: Workspace, url = `/code-sources?workspace=${WS}`) {
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  renderConsole(<CodeSourcesPage workspaceId={WS} workspace={workspace} userId={TEST_USERS[user].UserId} />, { url, queryClient });
  return userEvent.setup();
}

const box = (name: string) => screen.getByRole('checkbox', { name: `Select ${name}` });
const findBox = (name: string) => screen.findByRole('checkbox', { name: `Select ${name}` }, { timeout: 15_000 });
const bar = () => screen.queryByRole('toolbar', { name: 'Bulk actions' });
/** A dialog found by its title (jsdom gives antd's dialogs one shared title id). */
const findDialog = async (title: string) =>
  (await screen.findByText(title, {}, { timeout: 10_000 })).closest<HTMLElement>('[role="dialog"]')!;
/** The table's names, top to bottom. */
const shownNames = () =>
  within(screen.getByRole('table', { name: 'Code configurations' }))
    .queryAllByRole('row')
    .map((row) => within(row).queryByRole('link')?.textContent ?? '')
    .filter((name) => name !== '');
async function accessOf(api: InProcessApi, id: string): Promise<string | number> {
  const res = await api.t.as('admin').get(apiPaths.codeSource(id));
  return res.status === 200 ? ((await res.json()) as { Accessibility: string }).Accessibility : res.status;
}

describe('bulk selection: who may select what', { timeout: 90_000 }, () => {
  it("a developer selects only their own rows; a colleague's row says why not", async () => {
    const api = await serveInProcess('dev');
    await seed(api, [
      { name: 'mine-a', by: 'dev', access: 'PRIVATE' },
      { name: 'theirs-public', by: 'dev2', access: 'PUBLIC' },
      { name: 'admins-public', by: 'admin', access: 'PUBLIC' },
      { name: 'mine-b', by: 'dev', access: 'PUBLIC' },
    ]);
    const user = await render(api, 'dev', developerWorkspace);
    expect(await findBox('mine-a')).toBeEnabled();
    expect(box('mine-b')).toBeEnabled();
    for (const name of ['theirs-public', 'admins-public']) {
      expect(box(name)).toBeDisabled();
      expect(box(name)).toHaveAccessibleDescription('Only its creator or a workspace admin can change this');
    }
    // "Select all on this page" takes only what may be selected.
    await user.click(screen.getByRole('checkbox', { name: 'Select all on this page' }));
    expect(within(bar()!).getByText('2 selected')).toBeInTheDocument();
    expect(box('mine-a')).toBeChecked();
    expect(box('mine-b')).toBeChecked();
    expect(box('theirs-public')).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Select all on this page' })).toBeChecked();
    // Developers get neither the counts nor "transfer owner".
    expect(screen.queryByRole('group', { name: /by visibility/ })).toBeNull();
    expect(api.requests.some((r) => r.url.pathname === apiPaths.counts(WS))).toBe(false);
  });

  it('a guest gets no selection column at all', async () => {
    const api = await serveInProcess('guest');
    await seed(api, [{ name: 'public-one', by: 'dev', access: 'PUBLIC' }]);
    await render(api, 'guest', guestWorkspace);
    expect(await screen.findByRole('link', { name: 'public-one' }, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
  });
});

describe('bulk actions against the real server', { timeout: 120_000 }, () => {
  it('confirms with the names, then reports a mixed outcome: one row was deleted by someone else meanwhile', async () => {
    const api = await serveInProcess('admin');
    const ids = await seed(api, [
      { name: 'alpha', by: 'dev', access: 'PUBLIC' },
      { name: 'bravo', by: 'dev2', access: 'PUBLIC' },
      { name: 'charlie', by: 'admin', access: 'PUBLIC' },
      { name: 'delta', by: 'dev', access: 'PRIVATE' },
    ]);
    const user = await render(api, 'admin', adminWorkspace);
    const counts = await screen.findByRole('group', { name: 'Code configurations in this workspace by visibility' }, { timeout: 15_000 });
    expect(within(counts).getByRole('button', { name: 'Public 3' })).toBeInTheDocument();
    expect(within(counts).getByRole('button', { name: 'Private 1' })).toBeInTheDocument();
    for (const name of ['alpha', 'bravo', 'charlie']) await user.click(await findBox(name));
    expect(within(bar()!).getByText('3 selected')).toBeInTheDocument();

    // Make public first: the confirmation says who will see them, and lists them; cancelled.
    await user.click(within(bar()!).getByRole('button', { name: 'Make public' }));
    let dialog = await findDialog('Make 3 code configurations public?');
    expect(within(dialog).getByText(/Every member of this workspace will be able to see them/)).toBeInTheDocument();
    expect(
      within(within(dialog).getByRole('list', { name: 'Selected code configurations' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['alpha', 'bravo', 'charlie']);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.requests.some((r) => r.url.pathname === apiPaths.batch)).toBe(false);

    // Someone else deletes bravo while it is selected here.
    expect((await api.t.as('dev2').delete(apiPaths.codeSource(ids.bravo!))).status).toBe(200);

    await user.click(within(bar()!).getByRole('button', { name: 'Make private' }));
    dialog = await findDialog('Make 3 code configurations private?');
    expect(within(dialog).getByText(/Only their creators and the workspace admins will see them/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Make private' }));

    const summary = await screen.findByText('2 of 3 made private', {}, { timeout: 10_000 });
    const sent = api.requests.find((r) => r.url.pathname === apiPaths.batch)!;
    expect(sent.body).toEqual({ WorkspaceId: WS, Action: 'Unpublish', CodeSourceIds: [ids.alpha, ids.bravo, ids.charlie] });
    const alert = summary.closest<HTMLElement>('[role="alert"]')!;
    const failures = within(alert).getByRole('table', { name: 'Code configurations not changed' });
    const failureRows = within(failures)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(failureRows).toEqual([['bravo', 'Already deleted — someone deleted it before this action reached it.']]);
    // The server did it; the gone row left the selection (nothing to retry), so the bar is gone.
    expect(await accessOf(api, ids.alpha!)).toBe('PRIVATE');
    expect(await accessOf(api, ids.charlie!)).toBe('PRIVATE');
    expect(bar()).toBeNull();
    // The list and the counts were refreshed.
    await waitFor(() => expect(shownNames()).toEqual(['delta', 'charlie', 'alpha']));
    await waitFor(() => expect(within(counts).getByRole('button', { name: 'Private 3' })).toBeInTheDocument());
    expect(within(counts).getByRole('button', { name: 'Public 0' })).toBeInTheDocument();
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByText('2 of 3 made private')).toBeNull());
  });

  it('keeps the failed rows that still exist selected for a retry, and says why each failed', async () => {
    const api = await serveInProcess('dev');
    const ids = await seed(api, [
      { name: 'one', by: 'dev', access: 'PUBLIC' },
      { name: 'two', by: 'dev', access: 'PUBLIC' },
      { name: 'three', by: 'dev', access: 'PRIVATE' },
    ]);
    const user = await render(api, 'dev', developerWorkspace);
    await user.click(await findBox('one'));
    await user.click(box('two'));
    await user.click(box('three'));
    // Meanwhile an admin hands "two" to dev2 (still PUBLIC: dev1 sees it, may no longer change it) and deletes "three".
    const etag = (await api.t.as('admin').get(apiPaths.codeSource(ids.two!))).headers.get('etag')!;
    expect((await api.t.as('admin').put(apiPaths.owner(ids.two!), { UserId: TEST_USERS.dev2.UserId }, { 'if-match': etag })).status).toBe(
      200,
    );
    expect((await api.t.as('admin').delete(apiPaths.codeSource(ids.three!))).status).toBe(200);

    await user.click(within(bar()!).getByRole('button', { name: 'Delete' }));
    const dialog = await findDialog('Delete 3 code configurations?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    const summary = await screen.findByText('1 of 3 deleted', {}, { timeout: 10_000 });
    const alert = summary.closest<HTMLElement>('[role="alert"]')!;
    expect(within(alert).getByText(/Those that still exist stay selected, so you can try again/)).toBeInTheDocument();
    const reasons = within(within(alert).getByRole('table'))
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(reasons).toEqual([
      ['two', 'Only its creator or a workspace admin can change this'],
      ['three', 'Already deleted — someone deleted it before this action reached it.'],
    ]);
    expect(await accessOf(api, ids.one!)).toBe(404);
    expect(await accessOf(api, ids.two!)).toBe('PUBLIC');
    // "two" stays selected (shown checked, and now unselectable with the reason); the bar offers the retry.
    expect(within(bar()!).getByText('1 selected')).toBeInTheDocument();
    await waitFor(() => expect(box('two')).toBeDisabled());
    expect(box('two')).toBeChecked();
    expect(screen.queryByRole('link', { name: 'one' })).toBeNull();

    await user.click(within(bar()!).getByRole('button', { name: 'Clear' }));
    expect(bar()).toBeNull();
  });
});

describe('the selection and the view', { timeout: 120_000 }, () => {
  it('survives paging; is cleared when a filter changes', async () => {
    const api = await serveInProcess('admin');
    const items: Item[] = Array.from({ length: 14 }, (_, i) => ({
      name: `item-${String(i).padStart(2, '0')}`,
      by: i % 2 === 0 ? 'dev' : 'admin',
      access: i % 3 === 0 ? 'PUBLIC' : 'PRIVATE',
    }));
    await seed(api, items);
    const user = await render(api, 'admin', adminWorkspace, `/code-sources?workspace=${WS}&size=10`);
    await user.click(await findBox('item-13'));
    await user.click(box('item-12'));
    await user.click(screen.getByTitle('Next Page'));
    await user.click(await findBox('item-02'));
    expect(within(bar()!).getByText('3 selected')).toBeInTheDocument();
    await user.click(screen.getByTitle('Previous Page'));
    expect(await findBox('item-13')).toBeChecked();
    expect(box('item-12')).toBeChecked();
    expect(box('item-11')).not.toBeChecked();
    // The header checkbox: part of this page selected.
    const all = screen.getByRole('checkbox', { name: 'Select all on this page' });
    expect(all).not.toBeChecked();
    expect(all).toHaveAttribute('aria-checked', 'mixed');
    // Sorting is not a filter: kept.
    await user.click(screen.getByRole('columnheader', { name: /^Name/ }));
    await waitFor(() => expect(currentUrl().searchParams.get('sort')).toBe('DisplayName'));
    expect(within(bar()!).getByText('3 selected')).toBeInTheDocument();

    // The confirmation lists all three, also the one on the other page.
    await user.click(within(bar()!).getByRole('button', { name: 'Delete' }));
    const dialog = await findDialog('Delete 3 code configurations?');
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['item-13', 'item-12', 'item-02']);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Visibility filter' }));
    await user.click(await screen.findByTitle('Private'));
    await waitFor(() => expect(currentUrl().searchParams.get('visibility')).toBe('PRIVATE'));
    expect(bar()).toBeNull();
    await user.click(await findBox('item-13'));
    expect(within(bar()!).getByText('1 selected')).toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Search by name' }), 'item{Enter}');
    await waitFor(() => expect(currentUrl().searchParams.get('q')).toBe('item'));
    expect(bar()).toBeNull();
  });

  it('"every PUBLIC one of dev1, made private": filter by visibility and creator, select all on the page, Make private', async () => {
    const api = await serveInProcess('admin');
    const ids = await seed(api, [
      { name: 'dev-pub-1', by: 'dev', access: 'PUBLIC' },
      { name: 'dev-priv', by: 'dev', access: 'PRIVATE' },
      { name: 'dev2-pub', by: 'dev2', access: 'PUBLIC' },
      { name: 'dev-pub-2', by: 'dev', access: 'PUBLIC' },
      { name: 'admin-pub', by: 'admin', access: 'PUBLIC' },
    ]);
    const user = await render(api, 'admin', adminWorkspace);
    // The count filters too: "Public 4" shows only the public ones.
    const counts = await screen.findByRole('group', { name: /by visibility/ }, { timeout: 15_000 });
    await user.click(within(counts).getByRole('button', { name: 'Public 4' }));
    await waitFor(() => expect(currentUrl().searchParams.get('visibility')).toBe('PUBLIC'));
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Created by' }));
    await user.click(await screen.findByTitle('dev1'));
    await waitFor(() => expect(shownNames()).toEqual(['dev-pub-2', 'dev-pub-1']));
    await user.click(screen.getByRole('checkbox', { name: 'Select all on this page' }));
    await user.click(within(bar()!).getByRole('button', { name: 'Make private' }));
    const dialog = await findDialog('Make 2 code configurations private?');
    await user.click(within(dialog).getByRole('button', { name: 'Make private' }));
    expect(await screen.findByText('2 of 2 made private', {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(await screen.findByText('No matching code configurations')).toBeInTheDocument();
    expect(await accessOf(api, ids['dev-pub-1']!)).toBe('PRIVATE');
    expect(await accessOf(api, ids['dev-pub-2']!)).toBe('PRIVATE');
    expect(await accessOf(api, ids['dev2-pub']!)).toBe('PUBLIC');
    await waitFor(() => expect(within(counts).getByRole('button', { name: 'Public 2' })).toBeInTheDocument());
  });
});

describe('transfer owner', { timeout: 90_000 }, () => {
  async function openTransfer(user: ReturnType<typeof userEvent.setup>, name: string) {
    await user.click(await screen.findByRole('button', { name: `More actions for ${name}` }, { timeout: 15_000 }));
    await user.click(await screen.findByRole('menuitem', { name: 'Transfer owner…' }));
    return findDialog(`Transfer owner of "${name}"`);
  }
  const pick = async (user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement, title: string) => {
    fireEvent.mouseDown(await within(dialog).findByRole('combobox', { name: 'New owner' }));
    await user.click(await screen.findByTitle(title));
  };

  it('an admin hands a code source to a member; guests and the current owner cannot be picked, and say why', async () => {
    const api = await serveInProcess('admin');
    const ids = await seed(api, [{ name: 'orphan', by: 'dev', access: 'PRIVATE' }]);
    const user = await render(api, 'admin', adminWorkspace);
    const dialog = await openTransfer(user, 'orphan');
    expect(await within(dialog).findByText(/Owner now: dev1\./)).toBeInTheDocument();
    fireEvent.mouseDown(within(dialog).getByRole('combobox', { name: 'New owner' }));
    const option = async (title: string) => (await screen.findByTitle(title)).closest<HTMLElement>('.ant-select-item-option')!;
    expect(await option('gus')).toHaveAttribute('aria-disabled', 'true');
    expect(await option('gus')).toHaveTextContent('Guests cannot own code configurations');
    expect(await option('dev1')).toHaveAttribute('aria-disabled', 'true');
    expect(await option('dev1')).toHaveTextContent('owns it now');
    expect(await option('olga')).not.toHaveAttribute('aria-disabled', 'true');
    await user.click(await option('dev2'));
    await user.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    expect(await screen.findByText('"orphan" now belongs to dev2')).toBeInTheDocument();
    const sent = api.requests.find((r) => r.method === 'PUT' && r.url.pathname === apiPaths.owner(ids.orphan!))!;
    const read = api.requests.find((r) => r.method === 'GET' && r.url.pathname === apiPaths.codeSource(ids.orphan!))!;
    expect(sent.headers.get('if-match')).toBe(read.response!.headers.get('etag'));
    expect(sent.body).toEqual({ UserId: TEST_USERS.dev2.UserId });
    const now = (await (await api.t.as('admin').get(apiPaths.codeSource(ids.orphan!))).json()) as { UserName: string };
    expect(now.UserName).toBe('dev2');
    // The list shows the new creator (its column is not among the default ones: shown from the column settings).
    await user.click(screen.getByRole('button', { name: 'Columns' }));
    await user.click(await screen.findByRole('menuitemcheckbox', { name: 'Creator' }));
    await waitFor(() => expect(screen.getByRole('row', { name: /orphan/ })).toHaveTextContent('dev2'));
  });

  it('changed meanwhile: says so (412), reads it again, and the second try succeeds', async () => {
    const api = await serveInProcess('admin');
    const ids = await seed(api, [{ name: 'busy', by: 'dev', access: 'PUBLIC' }]);
    const user = await render(api, 'admin', adminWorkspace);
    const dialog = await openTransfer(user, 'busy');
    await within(dialog).findByText(/Owner now: dev1\./);
    expect((await api.t.as('dev').put(apiPaths.codeSource(ids.busy!), { Description: 'changed meanwhile' })).status).toBe(200);
    await pick(user, dialog, 'dev2');
    await user.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    expect(await within(dialog).findByText(/Someone else changed it in the meantime/)).toBeInTheDocument();
    const puts = () => api.requests.filter(requestTo('PUT', apiPaths.owner(ids.busy!)));
    expect(puts()[0]?.response?.status).toBe(412);
    await waitFor(() => expect(api.requests.filter(requestTo('GET', apiPaths.codeSource(ids.busy!))).length).toBeGreaterThan(1));
    await user.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    expect(await screen.findByText('"busy" now belongs to dev2')).toBeInTheDocument();
    expect(puts()[1]?.response?.status).toBe(200);
  });
});
