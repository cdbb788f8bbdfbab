import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { codeSourceKeys, codeSourceListQuery } from '@/features/code-sources/code-sources.queries';
import { DEFAULT_LIST_PARAMS } from '@/features/code-sources/list-params';
import { sessionKeys, workspacesQuery } from '@/lib/session.api';
import { serveInProcess } from '@/testing/in-process-api';
import { currentUrl, renderConsole, testQueryClient } from '@/testing/render-console';
import { TEST_USERS, WS } from '@/testing/test-seed';
import { SignInPage } from './sign-in-page';

const returnTo = `/code-sources?workspace=${WS}&q=bert`;
const url = `/sign-in?returnTo=${encodeURIComponent(returnTo)}`;

/** A browser signed in as dev1 (a real session on the in-process server), with dev1's data in the cache. */
async function signedInAsDev1() {
  const api = await serveInProcess('dev');
  const [id] = await api.seedCodeSources(1, () => ({ DisplayName: 'bert-of-dev1' }));
  const queryClient = testQueryClient();
  await api.signIn(queryClient);
  await queryClient.fetchQuery(workspacesQuery());
  await queryClient.fetchQuery(codeSourceListQuery({ ...DEFAULT_LIST_PARAMS, workspaceId: WS, userId: TEST_USERS.dev.UserId }));
  expect(id).toBeTruthy();
  return { api, queryClient };
}

describe('the sign-in page with a live session', () => {
  it('continues as the signed-in user to the return path, without signing in again', async () => {
    const { api, queryClient } = await signedInAsDev1();
    renderConsole(<SignInPage />, { url, queryClient });
    const user = userEvent.setup();
    expect(await screen.findByText('You are signed in as dev1.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Continue as dev1' }));
    await waitFor(() => expect(currentUrl().pathname + currentUrl().search).toBe(returnTo));
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(queryClient.getQueryCache().findAll({ queryKey: codeSourceKeys.all })).toHaveLength(1);
  });

  it('signing in as another user replaces the session and forgets everything cached for the previous one', async () => {
    const { api, queryClient } = await signedInAsDev1();
    renderConsole(<SignInPage />, { url, queryClient });
    const user = userEvent.setup();
    await screen.findByText('You are signed in as dev1.');
    await user.type(screen.getByLabelText('User name'), TEST_USERS.dev2.UserName);
    await user.type(screen.getByLabelText('Password'), TEST_USERS.dev2.Password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(currentUrl().pathname + currentUrl().search).toBe(returnTo));
    const signIn = api.requests.find((r) => r.method === 'POST');
    expect(signIn?.body).toEqual({ UserName: 'dev2', Password: TEST_USERS.dev2.Password });
    expect(signIn?.response?.status).toBe(200);
    expect(queryClient.getQueryCache().findAll({ queryKey: codeSourceKeys.all })).toHaveLength(0);
    expect(queryClient.getQueryData(sessionKeys.workspaces())).toBeUndefined();
    expect(queryClient.getQueryData(sessionKeys.session())).toMatchObject({ UserName: 'dev2' });
  });
});
