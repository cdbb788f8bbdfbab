import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { serveInProcess } from '@/testing/in-process-api';
import { renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS } from '@/testing/test-seed';
import AccessKeysPage from './access-keys-page';

const ORIGIN = new URL('https://console.example.test:8443');

async function renderPage() {
  const api = await serveInProcess('dev');
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  renderConsole(<AccessKeysPage workspaceId={WS} origin={ORIGIN} />, { url: '/access-keys', queryClient });
  // After userEvent's setup, which puts a clipboard stub of its own in place.
  const user = userEvent.setup();
  const writeText = vi.fn(() => Promise.resolve());
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return { api, user, writeText };
}

/** The table's data rows as "id status". */
const rows = () =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => {
      const cells = within(row).getAllByRole('cell');
      return `${cells[0]?.textContent} ${cells[1]?.textContent}`;
    });

describe('the AccessKeys page against the real server', { timeout: 60_000 }, () => {
  it('creates a key and shows its secret once with copy buttons; the limit of 2 disables the button with the reason', async () => {
    const { api, user, writeText } = await renderPage();
    await waitFor(() => expect(rows()).toEqual([`${TEST_USERS.dev.AccessKeyId} Active`]));
    expect(screen.getByText(/at most 2 AccessKeys/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /Create AccessKey/ }));
    const dialog = await screen.findByRole('dialog', { name: 'AccessKey created' });
    const create = api.requests.find((r) => r.method === 'POST' && r.url.pathname === apiPaths.accessKeys);
    const pair = create?.response?.body as { AccessKeyId: string; AccessKeySecret: string };
    expect(within(dialog).getByText(pair.AccessKeyId)).toBeInTheDocument();
    expect(within(dialog).getByText(pair.AccessKeySecret)).toBeInTheDocument();
    expect(within(dialog).getByText(/will not be shown again/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Copy AccessKey Secret' }));
    expect(writeText).toHaveBeenLastCalledWith(pair.AccessKeySecret);
    await user.click(within(dialog).getByRole('button', { name: 'Copy AccessKey ID' }));
    expect(writeText).toHaveBeenLastCalledWith(pair.AccessKeyId);

    await user.click(within(dialog).getByRole('button', { name: 'I have saved the secret' }));
    await waitFor(() => expect(screen.queryByText(pair.AccessKeySecret)).not.toBeInTheDocument());
    // (Oldest first; the seeded key's time is the test database's making, so the order is not asserted here.)
    await waitFor(() => expect(rows().sort()).toEqual([`${TEST_USERS.dev.AccessKeyId} Active`, `${pair.AccessKeyId} Active`].sort()));
    // The secret is nowhere on the page any more, and no list answer carried it.
    expect(document.body.textContent).not.toContain(pair.AccessKeySecret);
    for (const r of api.requests.filter((x) => x.method === 'GET'))
      expect(JSON.stringify(r.response?.body)).not.toContain(pair.AccessKeySecret);

    const button = screen.getByRole('button', { name: /Create AccessKey/ });
    expect(button).toHaveAttribute('aria-disabled');
    expect(button).toHaveAccessibleDescription(/already have 2 AccessKeys/);
    const posts = api.requests.filter((r) => r.method === 'POST').length;
    await user.click(button);
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(posts);
  });

  it('disables, enables and deletes a key after a confirmation naming it', async () => {
    const { api, user } = await renderPage();
    const id = TEST_USERS.dev.AccessKeyId;
    await waitFor(() => expect(rows()).toEqual([`${id} Active`]));

    await user.click(screen.getByRole('button', { name: `Disable ${id}` }));
    const confirm = await screen.findByRole('dialog', { name: `Disable AccessKey ${id}?` });
    await user.click(within(confirm).getByRole('button', { name: 'Disable' }));
    await waitFor(() => expect(rows()).toEqual([`${id} Disabled`]));
    expect(api.requests.find((r) => r.method === 'PUT')?.body).toEqual({ Status: 'Inactive' });

    await user.click(screen.getByRole('button', { name: `Enable ${id}` }));
    await user.click(
      within(await screen.findByRole('dialog', { name: `Enable AccessKey ${id}?` })).getByRole('button', { name: 'Enable' }),
    );
    await waitFor(() => expect(rows()).toEqual([`${id} Active`]));

    await user.click(screen.getByRole('button', { name: `Delete ${id}` }));
    const del = await screen.findByRole('dialog', { name: `Delete AccessKey ${id}?` });
    await user.click(within(del).getByRole('button', { name: 'Cancel' }));
    expect(api.requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: `Delete ${id}` }));
    await user.click(
      within(await screen.findByRole('dialog', { name: `Delete AccessKey ${id}?` })).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(screen.getByText('You have no AccessKeys yet.')).toBeInTheDocument());
    expect((await api.t.as('dev').get(apiPaths.accessKeys)).status).toBe(200);
  });

  it('the Node snippet targets this server with the key id and reads the secret from the environment', async () => {
    await renderPage();
    await waitFor(() => expect(rows()).toHaveLength(1));
    const snippet = screen.getByLabelText('Node.js snippet that lists code configurations').textContent ?? '';
    expect(snippet).toContain(`accessKeyId: '${TEST_USERS.dev.AccessKeyId}'`);
    expect(snippet).toContain('accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    expect(snippet).toContain("endpoint: 'console.example.test:8443'");
    expect(snippet).toContain("protocol: 'https'");
    expect(snippet).toContain(`WorkspaceId: '${WS}'`);
    expect(snippet).not.toContain(TEST_USERS.dev.AccessKeySecret);
  });
});
