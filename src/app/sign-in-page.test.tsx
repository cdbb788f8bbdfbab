import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { codeSourceKeys } from '@/features/code-sources/code-sources.queries';
import { sessionKeys } from '@/lib/session.api';
import { on, stubFetch } from '@/testing/fetch-stub';
import { adminWorkspace, codeSourceFixture, currentUrl, renderConsole, testQueryClient } from '@/testing/render-console';
import { SignInPage } from './sign-in-page';

const returnTo = '/code-sources?workspace=2001&q=bert';
const url = `/sign-in?returnTo=${encodeURIComponent(returnTo)}`;

/** A browser that is signed in as dev1, with dev1's workspaces and code sources in the cache. */
function signedInAsDev1() {
  const queryClient = testQueryClient();
  queryClient.setQueryData(sessionKeys.workspaces(), [adminWorkspace]);
  queryClient.setQueryData([...codeSourceKeys.lists('2001'), 'page-1'], { CodeSources: [codeSourceFixture()], TotalCount: 1 });
  queryClient.setQueryData(codeSourceKeys.detail('2001', 'code-1'), codeSourceFixture());
  const stub = stubFetch(
    on('GET', apiPaths.session, () => ({ body: { SignedIn: true, UserId: '300002', UserName: 'dev1', CsrfToken: 'a'.repeat(64), RequestId: 'r' } })),
    on('POST', apiPaths.session, () => ({ body: { SignedIn: true, UserId: '300003', UserName: 'dev2', CsrfToken: 'b'.repeat(64), RequestId: 'r' } })),
  );
  return { queryClient, ...stub };
}

describe('the sign-in page with a live session', () => {
  it('continues as the signed-in user to the return path, without signing in again', async () => {
    const { queryClient, requests } = signedInAsDev1();
    renderConsole(<SignInPage />, { url, queryClient });
    const user = userEvent.setup();
    expect(await screen.findByText('You are signed in as dev1.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Continue as dev1' }));
    await waitFor(() => expect(currentUrl().pathname + currentUrl().search).toBe(returnTo));
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(queryClient.getQueryCache().findAll({ queryKey: codeSourceKeys.all })).toHaveLength(2);
  });

  it('signing in as another user forgets everything cached for the previous one', async () => {
    const { queryClient, requests } = signedInAsDev1();
    renderConsole(<SignInPage />, { url, queryClient });
    const user = userEvent.setup();
    await screen.findByText('You are signed in as dev1.');
    await user.type(screen.getByLabelText('User name'), 'dev2');
    await user.type(screen.getByLabelText('Password'), 'dev2-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(currentUrl().pathname + currentUrl().search).toBe(returnTo));
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ UserName: 'dev2', Password: 'dev2-password' });
    expect(queryClient.getQueryCache().findAll({ queryKey: codeSourceKeys.all })).toHaveLength(0);
    expect(queryClient.getQueryData(sessionKeys.workspaces())).toBeUndefined();
    expect(queryClient.getQueryData(sessionKeys.session())).toMatchObject({ UserName: 'dev2' });
  });
});
