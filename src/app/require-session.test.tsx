import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { codeSourceKeys } from '@/features/code-sources/code-sources.queries';
import { serveInProcess } from '@/testing/in-process-api';
import { currentUrl, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS } from '@/testing/test-seed';
import { AppRoutes } from './app';

/** The console's routes at an edit form, signed in as ada; the session then ends (idle past 60 minutes). */
async function editingWhenTheSessionEnds() {
  const api = await serveInProcess('admin');
  const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'kept-form', Description: 'saved' }));
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  renderConsole(<AppRoutes />, { url: `/code-sources/${id}/edit?workspace=${WS}`, queryClient });
  const user = userEvent.setup();
  const form = await screen.findByRole('form', { name: 'Edit Code Configuration' }, { timeout: 15_000 });
  const description = within(form).getByLabelText('Description');
  await waitFor(() => expect(description).toHaveValue('saved'));
  await user.clear(description);
  await user.type(description, 'typed before it ended');
  api.t.clock.now += 61 * 60_000;
  await user.click(within(form).getByRole('button', { name: 'Save' }));
  // (jsdom gives antd's dialogs one shared title id, so the dialog is found by its title text.)
  const title = await screen.findByText('Your session has ended', { selector: '.ant-modal-title' }, { timeout: 15_000 });
  const dialog = title.closest<HTMLElement>('[role="dialog"]')!;
  return { api, id: id!, queryClient, user, form, dialog };
}

describe('a session that ends while the user edits', { timeout: 90_000 }, () => {
  it('asks to sign in over the page; the form keeps its values, and Save then goes through', async () => {
    const { api, id, user, form, dialog } = await editingWhenTheSessionEnds();
    expect(api.requests.find((r) => r.method === 'PUT')?.response?.status).toBe(401);
    // Still the same page and the same form, with what was typed.
    expect(currentUrl().pathname).toBe(`/code-sources/${id}/edit`);
    expect(within(form).getByLabelText('Description')).toHaveValue('typed before it ended');
    expect(within(dialog).getByLabelText('User name')).toHaveValue(TEST_USERS.admin.UserName);
    // The refused save is said above the form while the user is signed out…
    expect(screen.getByText('Could not save')).toBeInTheDocument();

    await user.type(within(dialog).getByLabelText('Password'), TEST_USERS.admin.Password);
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.queryByText('Your session has ended')).toBeNull());
    // …and no longer once signed in again: Save now goes through.
    await waitFor(() => expect(screen.queryByText('Could not save')).toBeNull());
    expect(within(form).getByLabelText('Description')).toHaveValue('typed before it ended');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.requests.filter((r) => r.method === 'PUT').at(-1)?.response?.status).toBe(200));
    const saves = api.requests.filter((r) => r.method === 'PUT');
    expect(saves.map((r) => r.response?.status)).toEqual([401, 200]);
    expect(saves[1]?.body).toEqual({ Description: 'typed before it ended' });
    // Saved: the form, opened by its address, gives way to the list. (The test client signs with the app's clock,
    // which has moved past its date window, so what was saved is read from the request the server answered 200.)
    await waitFor(() => expect(currentUrl().pathname).toBe('/code-sources'));
  });

  it('another user signing in there starts from their own view: the form and the cached data are gone', async () => {
    const { api, id, queryClient, user, dialog } = await editingWhenTheSessionEnds();
    await user.clear(within(dialog).getByLabelText('User name'));
    await user.type(within(dialog).getByLabelText('User name'), TEST_USERS.dev2.UserName);
    await user.type(within(dialog).getByLabelText('Password'), TEST_USERS.dev2.Password);
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit Code Configuration' })).toBeNull());
    expect(screen.queryByText('Your session has ended')).toBeNull();
    expect(screen.queryByDisplayValue('typed before it ended')).toBeNull();
    await waitFor(() => expect(currentUrl().pathname).toBe('/code-sources'));
    // Nothing of ada's cached code sources is kept for dev2 (what is cached now was asked for by dev2).
    const adaDetail = queryClient.getQueryData(codeSourceKeys.detail(WS, id));
    expect(adaDetail).toBeUndefined();
    expect(api.requests.filter((r) => r.method === 'PUT').map((r) => r.response?.status)).toEqual([401]);
  });
});

describe("the server's static frame of the first screen (app-shell.ts)", { timeout: 60_000 }, () => {
  const addShell = () => {
    const shell = document.createElement('div');
    shell.id = 'app-shell';
    shell.textContent = 'Static frame';
    document.body.prepend(shell);
  };

  it('gives way to the sign-in page when the session it was sent for has ended', async () => {
    const api = await serveInProcess('admin');
    api.t.clock.now += 61 * 60_000; // the cookie's session has been idle past its window: "not signed in"
    addShell();
    renderConsole(<AppRoutes />, { url: `/code-sources?workspace=${WS}` });
    expect(await screen.findByLabelText('User name', {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(currentUrl().pathname).toBe('/sign-in');
    expect(document.getElementById('app-shell')).toBeNull();
  });

  it('stays until the console draws its own frame, then is gone', async () => {
    const api = await serveInProcess('admin');
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    addShell();
    renderConsole(<AppRoutes />, { url: `/code-sources?workspace=${WS}`, queryClient });
    expect(await screen.findByRole('heading', { level: 1, name: 'Code Configuration' }, { timeout: 15_000 })).toBeInTheDocument();
    expect(document.getElementById('app-shell')).toBeNull();
    // Never both at once: while the shell was there, the console drew nothing of its own.
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
  });
});
