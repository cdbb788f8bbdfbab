import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS } from '@/testing/test-seed';
import { serveUpstream, type UpstreamApi } from '@/testing/upstream-api';
import { CodeSourcesPage } from './code-sources-page';

const NO_UNPUBLISH = 'PAI cannot make a public code configuration private again.';
const NO_HISTORY = "History is not available for PAI's code configurations.";
const LAST_WRITER = /^Last writer wins: PAI does not detect concurrent edits/;

/** Two code sources of the admin's: one public, one private (the private one newest, so on top). */
async function seed(api: InProcessApi): Promise<{ pub: string; priv: string }> {
  const [pub, priv] = await api.seedCodeSources(2, (i) => ({
    DisplayName: i === 0 ? 'shared-repo' : 'own-repo',
    Accessibility: i === 0 ? 'PUBLIC' : 'PRIVATE',
  }));
  return { pub: pub!, priv: priv! };
}

/** The admin's page (an admin, so that only the mode decides what is missing), signed in as the server says. */
async function render(api: InProcessApi, url = `/code-sources?workspace=${WS}`) {
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  renderConsole(<CodeSourcesPage workspaceId={WS} workspace={adminWorkspace} userId={TEST_USERS.admin.UserId} />, { url, queryClient });
  return userEvent.setup();
}

const findDialog = async (title: string) =>
  (await screen.findByText(title, {}, { timeout: 10_000 })).closest<HTMLElement>('[role="dialog"]')!;
const openMenu = async (user: ReturnType<typeof userEvent.setup>, name: string) => {
  await user.click(await screen.findByRole('button', { name: `More actions for ${name}` }, { timeout: 15_000 }));
  // (antd keeps a closed menu in the page, hidden: the one just opened is the last.)
  return (await screen.findAllByRole('menu')).at(-1)!;
};
const accessOf = async (api: InProcessApi, id: string) =>
  ((await (await api.t.as('admin').get(apiPaths.codeSource(id))).json()) as { Accessibility: string }).Accessibility;

describe('upstream (PAI): the list degrades visibly and never asks for what PAI lacks', { timeout: 90_000 }, () => {
  it('no counts, creator filter, Make private or transfer; a line says why; Make public says it is one-way', async () => {
    const api: UpstreamApi = await serveUpstream('admin');
    const { pub, priv } = await seed(api);
    const user = await render(api);
    expect(await screen.findByRole('link', { name: 'shared-repo' }, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByText(/^You are working on PAI's code configurations\./)).toBeInTheDocument();
    // No member list, no counts, and PAI's ListCodeSources filters by name only: no other filter is offered.
    expect(screen.queryByRole('combobox', { name: 'Created by' })).toBeNull();
    expect(screen.queryByRole('group', { name: /by visibility/ })).toBeNull();
    expect(screen.queryByRole('combobox', { name: 'Visibility filter' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Created by me' })).toBeNull();

    // The public row: no Make private and no transfer, and the menu says why.
    let menu = await openMenu(user, 'shared-repo');
    expect(within(menu).queryByRole('menuitem', { name: 'Make private' })).toBeNull();
    expect(within(menu).queryByRole('menuitem', { name: /Transfer owner/ })).toBeNull();
    expect(within(menu).getByText(NO_UNPUBLISH)).toBeInTheDocument();
    await user.keyboard('{Escape}');

    // The private row: Make public, with a confirmation that says it cannot be undone; it goes through.
    menu = await openMenu(user, 'own-repo');
    expect(within(menu).queryByText(NO_UNPUBLISH)).toBeNull();
    await user.click(within(menu).getByRole('menuitem', { name: 'Make public' }));
    const dialog = await findDialog('Make "own-repo" public?');
    expect(within(dialog).getByText(/This cannot be undone: PAI cannot make it private again\./)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Make public' }));
    await waitFor(async () => expect(await accessOf(api, priv)).toBe('PUBLIC'));
    expect(await accessOf(api, pub)).toBe('PUBLIC');

    // The bulk bar: no Make private, and the line in its place; Make public's confirmation says it is one-way.
    await user.click(screen.getByRole('checkbox', { name: 'Select shared-repo' }));
    const bar = screen.getByRole('toolbar', { name: 'Bulk actions' });
    expect(within(bar).queryByRole('button', { name: 'Make private' })).toBeNull();
    expect(within(bar).getByText(NO_UNPUBLISH)).toBeInTheDocument();
    await user.click(within(bar).getByRole('button', { name: 'Make public' }));
    const bulk = await findDialog('Make "shared-repo" public?');
    expect(within(bulk).getByText(/This cannot be undone: PAI cannot make them private again\./)).toBeInTheDocument();
    await user.click(within(bulk).getByRole('button', { name: 'Cancel' }));

    // Nothing asked PAI for what it does not have.
    expect(api.unsupportedCalls()).toEqual([]);
    expect(api.attempted.some((r) => r.url.pathname === apiPaths.codeSources)).toBe(true);
  });

  it('details: the visibility says why it stays public, no Make private or transfer, history is a line, nothing asked', async () => {
    const api = await serveUpstream('admin');
    const { pub } = await seed(api);
    const user = await render(api, `/code-sources/${pub}?workspace=${WS}`);
    const drawer = (await screen.findByText(NO_UNPUBLISH, {}, { timeout: 15_000 })).closest<HTMLElement>('[role="dialog"]')!;
    expect(within(drawer).getByRole('button', { name: 'Edit' })).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: 'Make private' })).toBeNull();
    expect(within(drawer).queryByRole('button', { name: /Transfer owner/ })).toBeNull();
    await user.click(within(drawer).getByRole('tab', { name: 'History' }));
    expect(await within(drawer).findByText(NO_HISTORY)).toBeInTheDocument();
    expect(api.unsupportedCalls()).toEqual([]);
  });

  it('edit: says the last writer wins and sends no If-Match; the change is saved', async () => {
    const api = await serveUpstream('admin');
    const { pub } = await seed(api);
    const user = await render(api, `/code-sources/${pub}/edit?workspace=${WS}`);
    expect(await screen.findByText(LAST_WRITER, {}, { timeout: 15_000 })).toBeInTheDocument();
    const description = await screen.findByLabelText('Description');
    await user.type(description, 'changed upstream');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(async () => {
      const res = await api.t.as('admin').get(apiPaths.codeSource(pub));
      expect(((await res.json()) as { Description: string }).Description).toBe('changed upstream');
    });
    const put = api.attempted.find((r) => r.method === 'PUT' && r.url.pathname === apiPaths.codeSource(pub));
    expect(put?.headers.has('if-match')).toBe(false);
    expect(api.unsupportedCalls()).toEqual([]);
  });
});

describe('local mode is unchanged', { timeout: 90_000 }, () => {
  it('the admin keeps counts, the creator filter, Make private, transfer, history and If-Match, and sees no PAI lines', async () => {
    const api = await serveInProcess('admin');
    const { pub } = await seed(api);
    const user = await render(api, `/code-sources/${pub}?workspace=${WS}`);
    expect(await screen.findByRole('group', { name: /by visibility/ }, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Created by' })).toBeInTheDocument();
    const drawer = (await screen.findByRole('button', { name: 'Make private' }, { timeout: 15_000 })).closest<HTMLElement>(
      '[role="dialog"]',
    )!;
    expect(within(drawer).getByRole('button', { name: /Transfer owner/ })).toBeInTheDocument();
    expect(screen.queryByText(NO_UNPUBLISH)).toBeNull();
    expect(screen.queryByText(/You are working on PAI's code configurations/)).toBeNull();
    await user.click(within(drawer).getByRole('tab', { name: 'History' }));
    await waitFor(() => expect(api.requests.some((r) => r.url.pathname === apiPaths.codeSourceEvents(pub))).toBe(true));
    expect(screen.queryByText(NO_HISTORY)).toBeNull();
    await user.click(within(drawer).getByRole('button', { name: 'Edit' }));
    expect(await screen.findByLabelText('Description')).toBeInTheDocument();
    expect(screen.queryByText(LAST_WRITER)).toBeNull();
    await user.type(screen.getByLabelText('Description'), 'changed locally');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'PUT' && r.url.pathname === apiPaths.codeSource(pub))).toBe(true));
    const put = api.requests.find((r) => r.method === 'PUT' && r.url.pathname === apiPaths.codeSource(pub))!;
    expect(put.headers.get('if-match')).toBe('"v1"');
  });
});
