import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { sessionKeys } from '@/lib/session.api';
import { apiPaths } from '@/shared/api-paths';
import { serveInProcess } from '@/testing/in-process-api';
import { renderConsole, testQueryClient } from '@/testing/render-console';
import { WS } from '@/testing/test-seed';
import { serveUpstream, TEST_ENDPOINT } from '@/testing/upstream-api';
import { AppRoutes } from './app';
import SessionExpiredDialog from './session-expired-dialog';

describe('the frame in upstream mode', { timeout: 90_000 }, () => {
  it("names PAI's endpoint in the header and offers no Activity", async () => {
    const api = await serveUpstream('admin');
    await api.seedCodeSources(1, () => ({ DisplayName: 'from-pai' }));
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    renderConsole(<AppRoutes />, { url: `/code-sources?workspace=${WS}`, queryClient });
    expect(await screen.findByRole('link', { name: 'from-pai' }, { timeout: 15_000 })).toBeInTheDocument();
    const header = screen.getByRole('banner');
    expect(within(header).getByText(`PAI: ${TEST_ENDPOINT}`)).toBeInTheDocument();
    expect(within(header).queryByRole('link', { name: 'Activity' })).toBeNull();
    expect(api.unsupportedCalls()).toEqual([]);
  });

  it('a bookmarked activity address says there is none, and asks PAI for nothing it lacks', async () => {
    const api = await serveUpstream('admin');
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    renderConsole(<AppRoutes />, { url: `/activity?workspace=${WS}`, queryClient });
    expect(await screen.findByText('Activity is not available', {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(api.unsupportedCalls()).toEqual([]);
    expect(api.attempted.some((r) => r.url.pathname === apiPaths.workspaceEvents(WS))).toBe(false);
  });
});

describe('the session-expired dialog in upstream mode', () => {
  it('asks for the AccessKey again (never prefilled), with the endpoint', async () => {
    const queryClient = testQueryClient();
    queryClient.setQueryData(sessionKeys.session(), {
      SignedIn: true,
      Mode: 'Upstream',
      UpstreamEndpoint: TEST_ENDPOINT,
      UserId: '1234',
      UserName: 'ram-user',
      RequestId: 'r-1',
    });
    renderConsole(<SessionExpiredDialog userName="ram-user" onSignedIn={vi.fn()} />, { queryClient });
    expect(await screen.findByLabelText('AccessKey ID')).toHaveValue('');
    expect(screen.getByLabelText('AccessKey secret')).toHaveAttribute('type', 'password');
    expect(screen.queryByLabelText('User name')).toBeNull();
    expect(screen.getByText(new RegExp(`^Signing in to PAI at ${TEST_ENDPOINT.replaceAll('.', '\\.')}\\.`))).toBeInTheDocument();
  });
});

describe('the frame in local mode', { timeout: 90_000 }, () => {
  it('is unchanged: no PAI tag, the Activity link is there', async () => {
    const api = await serveInProcess('admin');
    const queryClient = testQueryClient();
    await api.signIn(queryClient);
    renderConsole(<AppRoutes />, { url: `/code-sources?workspace=${WS}`, queryClient });
    const header = await screen.findByRole('banner', {}, { timeout: 15_000 });
    expect(await within(header).findByRole('link', { name: 'Activity' }, { timeout: 15_000 })).toBeInTheDocument();
    expect(within(header).queryByText(/^PAI: /)).toBeNull();
  });
});
