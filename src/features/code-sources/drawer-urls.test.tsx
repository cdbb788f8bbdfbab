import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, useSearchParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, renderRouter, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS } from '@/testing/test-seed';
import { CodeSourcesPage } from './code-sources-page';
import { drawerHref, drawerOf } from './drawer-route';

describe('drawer addresses', () => {
  const list = new URLSearchParams('workspace=2001&q=bert&page=2');
  it.each([
    [{ kind: 'none' } as const, '/code-sources?workspace=2001&q=bert&page=2'],
    [{ kind: 'details', id: 'code-1' } as const, '/code-sources/code-1?workspace=2001&q=bert&page=2'],
    [{ kind: 'create' } as const, '/code-sources/new?workspace=2001&q=bert&page=2'],
    [{ kind: 'duplicate', from: 'code-1' } as const, '/code-sources/new?from=code-1&workspace=2001&q=bert&page=2'],
    [{ kind: 'edit', id: 'code-1' } as const, '/code-sources/code-1/edit?workspace=2001&q=bert&page=2'],
  ])('%o is at %s and reads back as itself', (drawer, href) => {
    expect(drawerHref(drawer, list)).toBe(href);
    const url = new URL(href, 'http://localhost');
    expect(drawerOf(url.pathname, url.searchParams)).toEqual(drawer);
  });

  it('keeps the list parameters and drops the duplicate source when going elsewhere', () => {
    expect(drawerHref({ kind: 'none' }, new URLSearchParams('from=code-1&workspace=2001'))).toBe('/code-sources?workspace=2001');
    expect(drawerHref({ kind: 'edit', id: 'a/b' }, new URLSearchParams())).toBe('/code-sources/a%2Fb/edit');
  });

  it('reads anything else as no drawer', () => {
    for (const path of ['/activity', '/code-sources/a/b', '/code-sources/%E0%A4%A/edit', '/code-sources/new/edit']) {
      expect(drawerOf(path, new URLSearchParams())).toEqual({ kind: 'none' });
    }
  });
});

/** As the app does: the workspace comes from the URL; the page is one element for every drawer route. */
function Frame() {
  const [searchParams] = useSearchParams();
  const id = searchParams.get('workspace') ?? '';
  return <CodeSourcesPage key={id} workspaceId={id} workspace={adminWorkspace} userId={TEST_USERS.admin.UserId} />;
}

/** The page in a memory router at `url` (with the app's routes), so a test can go Back and "reload". */
async function renderAt(api: InProcessApi, url: string) {
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  const routes = ['/code-sources', '/code-sources/new', '/code-sources/:codeSourceId', '/code-sources/:codeSourceId/edit'];
  const router = createMemoryRouter(
    routes.map((path) => ({ path, element: <Frame /> })),
    { initialEntries: [url] },
  );
  const view = renderRouter(router, { queryClient });
  const where = () => router.state.location.pathname + router.state.location.search;
  return { router, where, view, user: userEvent.setup() };
}

const form = (name: string) => screen.findByRole('form', { name }, { timeout: 15_000 });

describe('the form drawers at their own URLs', { timeout: 90_000 }, () => {
  it('/code-sources/new opens the create form directly; Cancel shows the list with its parameters', async () => {
    const api = await serveInProcess('admin');
    const { where, user } = await renderAt(api, `/code-sources/new?workspace=${WS}&q=bert`);
    const create = await form('Create Code Configuration');
    await user.click(within(create).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(where()).toBe(`/code-sources?workspace=${WS}&q=bert`));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Create Code Configuration' })).toBeNull());
  });

  it('"Create" is a navigation: Back closes the form; after saving, one navigation shows the new row on the first page', async () => {
    const api = await serveInProcess('admin');
    const { router, where, user } = await renderAt(api, `/code-sources?workspace=${WS}&q=zzz&page=1`);
    await user.click(await screen.findByRole('button', { name: /Create Code Configuration/ }, { timeout: 15_000 }));
    await waitFor(() => expect(where()).toBe(`/code-sources/new?workspace=${WS}&q=zzz&page=1`));
    await form('Create Code Configuration');
    await act(() => router.navigate(-1));
    expect(where()).toBe(`/code-sources?workspace=${WS}&q=zzz&page=1`);
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Create Code Configuration' })).toBeNull());

    await user.click(screen.getByRole('button', { name: /Create Code Configuration/ }));
    const create = await form('Create Code Configuration');
    await user.type(within(create).getByLabelText('Name'), 'url-made');
    await user.type(within(create).getByLabelText('Git Address'), 'git@github.com:org/url-made.git');
    expect(router.state.historyAction).toBe('PUSH');
    await user.click(within(create).getByRole('button', { name: 'Create' }));
    // The search is gone (the new row would not match it), the workspace stays, and the form's entry was replaced.
    await waitFor(() => expect(where()).toBe(`/code-sources?workspace=${WS}`));
    expect(router.state.historyAction).toBe('REPLACE');
    expect(await screen.findByRole('link', { name: 'url-made' }, { timeout: 15_000 })).toBeInTheDocument();
    await act(() => router.navigate(-1));
    expect(where()).toBe(`/code-sources?workspace=${WS}&q=zzz&page=1`);
  });

  it('/code-sources/:id/edit loads the saved values (as after a reload); saving goes back to where it was opened', async () => {
    const api = await serveInProcess('admin');
    const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'edit-by-url', Description: 'saved before' }));
    const { where, user } = await renderAt(api, `/code-sources/${id}/edit?workspace=${WS}`);
    const edit = await form('Edit Code Configuration');
    expect(await screen.findByText('Edit edit-by-url')).toBeInTheDocument();
    await waitFor(() => expect(within(edit).getByLabelText('Description')).toHaveValue('saved before'));
    await user.clear(within(edit).getByLabelText('Description'));
    await user.type(within(edit).getByLabelText('Description'), 'saved after');
    await user.click(within(edit).getByRole('button', { name: 'Save' }));
    // Opened by its address (no page of ours before it): it gives way to the list in place.
    await waitFor(() => expect(where()).toBe(`/code-sources?workspace=${WS}`));
    const res = await api.t.as('admin').get(apiPaths.codeSource(id!));
    expect(((await res.json()) as { Description: string }).Description).toBe('saved after');
  });

  it('Edit from the details drawer: Back returns to the details', async () => {
    const api = await serveInProcess('admin');
    const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'from-details' }));
    const { router, where, user } = await renderAt(api, `/code-sources/${id}?workspace=${WS}`);
    const edit = await screen.findByRole('button', { name: 'Edit' }, { timeout: 15_000 });
    await waitFor(() => expect(edit).toBeEnabled());
    await user.click(edit);
    await waitFor(() => expect(where()).toBe(`/code-sources/${id}/edit?workspace=${WS}`));
    await form('Edit Code Configuration');
    await act(() => router.navigate(-1));
    expect(where()).toBe(`/code-sources/${id}?workspace=${WS}`);
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit Code Configuration' })).toBeNull());
  });

  it('/code-sources/new?from=:id loads the original and pre-fills the copy', async () => {
    const api = await serveInProcess('admin');
    const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'original', CodeBranch: 'release/1' }));
    await renderAt(api, `/code-sources/new?from=${id}&workspace=${WS}`);
    const create = await form('Create Code Configuration');
    expect(await screen.findByText('Duplicate original')).toBeInTheDocument();
    await waitFor(() => expect(within(create).getByLabelText('Name')).toHaveValue('original-copy'));
    expect(within(create).getByLabelText('Code Branch')).toHaveValue('release/1');
  });

  it.each([
    ['edit', (id: string) => `/code-sources/${id}/edit?workspace=${WS}`],
    ['duplicate', (id: string) => `/code-sources/new?from=${id}&workspace=${WS}`],
  ])('%s of an unknown or invisible id says so, and offers the list', async (_kind, url) => {
    const api = await serveInProcess('admin');
    // The server answers 404 alike for a missing id and one the caller may not see.
    const { where, user } = await renderAt(api, url('code-doesnotexist'));
    expect(await screen.findByText('Code configuration not found', {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByText('It does not exist, was deleted, or is private to someone else.')).toBeInTheDocument();
    expect(screen.queryByRole('form')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Back to the list' }));
    await waitFor(() => expect(where()).toBe(`/code-sources?workspace=${WS}`));
  });
});
