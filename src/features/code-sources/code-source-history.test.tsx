import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { serveInProcess, type InProcessApi } from '@/testing/in-process-api';
import { adminWorkspace, renderConsole, testQueryClient } from '@/testing/render-console';
import { signRequest } from '@/testing/sign';
import { TEST_USERS, WS } from '@/testing/test-seed';
import { CodeSourcesPage } from './code-sources-page';

/** The details drawer at its own URL, as the app renders it. */
async function openDetails(api: InProcessApi, id: string) {
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  const page = <CodeSourcesPage workspaceId={WS} workspace={adminWorkspace} userId={TEST_USERS.admin.UserId} />;
  renderConsole(
    <Routes>
      <Route path="/code-sources" element={page} />
      <Route path="/code-sources/:codeSourceId" element={page} />
    </Routes>,
    { url: `/code-sources/${id}?workspace=${WS}`, queryClient },
  );
  // (jsdom gives antd's drawers one shared title id, so the dialog is found by its title text.)
  const title = await screen.findByText('hist-a', { selector: '.drawer-title' }, { timeout: 15_000 });
  return title.closest<HTMLElement>('[role="dialog"]')!;
}

const historyRequests = (api: InProcessApi, id: string) => api.requests.filter((r) => r.url.pathname === apiPaths.codeSourceEvents(id));
const entries = (drawer: HTMLElement) => within(within(drawer).getByRole('list', { name: 'Change history' })).getAllByRole('article');
/** What a line of the changes reads, as text (the arrow's spoken "to" included). */
const lines = (entry: HTMLElement) =>
  within(within(entry).getByRole('list', { name: 'Changes' }))
    .getAllByRole('listitem')
    .map((li) => li.textContent?.replace(/\s+/g, ' ').trim());

describe('the History tab of the details drawer, against the real server', { timeout: 90_000 }, () => {
  it('lists every change newest first: who, how, when, what, before → after; the token only in words', async () => {
    const api = await serveInProcess('admin');
    const step = async (res: Promise<Response> | Response) => {
      expect((await res).status).toBe(200);
      api.t.clock.now += 60_000;
    };
    const [id] = await api.seedCodeSources(
      1,
      () => ({ DisplayName: 'hist-a', CodeBranch: 'main', CodeRepoAccessToken: 'ghp_secret_one', Description: '' }),
      { as: 'dev', stepMs: 60_000 },
    );
    const dev = api.t.as('dev');
    await step(dev.put(apiPaths.codeSource(id!), { CodeBranch: 'develop', Description: 'now with docs' }));
    await step(dev.put(apiPaths.codeSource(id!), { CodeRepoAccessToken: 'ghp_secret_two' }));
    // Made public with dev1's AccessKey, as Alibaba Cloud's client would.
    const signed = signRequest({
      method: 'PUT',
      pathname: apiPaths.publish(id!),
      action: 'PublishCodeSource',
      accessKeyId: TEST_USERS.dev.AccessKeyId,
      accessKeySecret: TEST_USERS.dev.AccessKeySecret,
      date: new Date(api.t.clock.now),
    });
    await step(api.t.app.request(signed.url, { method: 'PUT', headers: signed.headers }));
    await step(api.t.as('admin').post(apiPaths.batch, { WorkspaceId: WS, Action: 'Unpublish', CodeSourceIds: [id] }));
    await step(api.t.as('admin').put(apiPaths.owner(id!), { UserId: TEST_USERS.dev2.UserId }));
    await step(api.t.as('admin').put(apiPaths.codeSource(id!), { CodeRepoAccessToken: '' }));
    const expected = (await (await api.t.as('admin').get(apiPaths.codeSourceEvents(id!))).json()) as {
      Events: { GmtCreateTime: string; BatchId?: string }[];
    };

    const drawer = await openDetails(api, id!);
    const user = userEvent.setup();
    // Lazy: nothing of the history is asked for until its tab opens.
    expect(within(drawer).getByRole('tab', { name: 'Details' })).toHaveAttribute('aria-selected', 'true');
    expect(historyRequests(api, id!)).toHaveLength(0);
    await user.click(within(drawer).getByRole('tab', { name: 'History' }));
    await waitFor(() => expect(entries(drawer)).toHaveLength(7), { timeout: 15_000 });
    expect(historyRequests(api, id!)).toHaveLength(1);

    const list = entries(drawer);
    expect(list.map((e) => e.getAttribute('aria-label'))).toEqual([
      'Updated by ada',
      'Owner transferred by ada',
      'Made private by ada',
      'Made public by dev1',
      'Updated by dev1',
      'Updated by dev1',
      'Created by dev1',
    ]);
    const [removed, transfer, unpublish, publish, changed, update, created] = list as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    // How each came: a console session, dev1's AccessKey; the bulk action is marked, the others are not.
    expect(within(removed).getByText('in the console')).toBeInTheDocument();
    expect(within(publish).getByText(`with AccessKey ${TEST_USERS.dev.AccessKeyId}`)).toBeInTheDocument();
    expect(within(unpublish).getByText('Bulk action')).toBeInTheDocument();
    expect(list.filter((e) => within(e).queryByText('Bulk action'))).toEqual([unpublish]);
    // When: the local time of the moment the server recorded, newest first.
    expect(list.map((e) => e.querySelector('time')?.getAttribute('datetime'))).toEqual(expected.Events.map((e) => e.GmtCreateTime));
    // What changed, before → after; empty is a dash; values in words where the console has words for them.
    expect(lines(update)).toEqual(['Description: — → to now with docs', 'Code Branch: main → to develop']);
    expect(lines(publish)).toEqual(['Visibility: Private → to Public']);
    expect(lines(unpublish)).toEqual(['Visibility: Public → to Private']);
    expect(lines(transfer)).toEqual([`Owner ID: ${TEST_USERS.dev.UserId} → to ${TEST_USERS.dev2.UserId}`, 'Owner: dev1 → to dev2']);
    expect(lines(created)).toEqual(
      expect.arrayContaining(['Name: — → to hist-a', 'Code Branch: — → to main', 'Visibility: — → to Private', 'Access Token: set']),
    );
    // The token: only what happened to it.
    expect(lines(changed)).toEqual(['Access Token: changed']);
    expect(lines(removed)).toEqual(['Access Token: removed']);
    expect(drawer.textContent).not.toMatch(/ghp_secret/);
    expect(within(drawer).getByText('Showing 7 of 7 changes, newest first')).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('pages with "Load more": 20 at a time, then the rest, each event once', async () => {
    const api = await serveInProcess('admin');
    const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'hist-a' }));
    for (let i = 1; i <= 24; i++) {
      expect((await api.t.as('admin').put(apiPaths.codeSource(id!), { Description: `edit ${i}` })).status).toBe(200);
      api.t.clock.now += 1000;
    }
    const drawer = await openDetails(api, id!);
    const user = userEvent.setup();
    await user.click(within(drawer).getByRole('tab', { name: 'History' }));
    await waitFor(() => expect(entries(drawer)).toHaveLength(20), { timeout: 15_000 });
    expect(within(drawer).getByText('Showing 20 of 25 changes, newest first')).toBeInTheDocument();
    expect(lines(entries(drawer)[0]!)).toEqual(['Description: edit 23 → to edit 24']);
    expect(historyRequests(api, id!).map((r) => Object.fromEntries(r.url.searchParams))).toEqual([{ PageNumber: '1', PageSize: '20' }]);
    // Meanwhile someone changes it again: the next page (by offset) overlaps the first by one, shown once.
    expect((await api.t.as('admin').put(apiPaths.codeSource(id!), { Description: 'edit 25' })).status).toBe(200);
    await user.click(within(drawer).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(drawer).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument(), { timeout: 15_000 });
    expect(historyRequests(api, id!).at(-1)?.url.searchParams.get('PageNumber')).toBe('2');
    const shown = entries(drawer);
    expect(shown.at(-1)?.getAttribute('aria-label')).toBe('Created by ada');
    expect(shown).toHaveLength(25);
    expect(lines(shown[0]!)).toEqual(['Description: edit 23 → to edit 24']);
  });
});
