import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { AccessKeySignIn, SessionInfo, SignIn, Workspace } from '@/shared/session.schema';
import { callApi, setCsrfTokenSource } from './api-client';

export type { Workspace };

/** GET /api/v1/session — who is signed in (or `SignedIn: false`). */
export async function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  return (await callApi('GetSession', { signal })).data;
}

/**
 * POST /api/v1/session — sign in with user name and password, or upstream with the user's PAI AccessKey (replaces a
 * session the browser has).
 */
export async function signIn(body: SignIn | AccessKeySignIn): Promise<SessionInfo> {
  return (await callApi('CreateSession', { body })).data;
}

/** DELETE /api/v1/session — sign out; the server ends the session. */
export async function signOut(): Promise<void> {
  await callApi('DeleteSession', {});
}

/** GET /api/v1/workspaces — the caller's workspaces and roles. */
export async function listWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
  return (await callApi('ListWorkspaces', { signal })).data.Workspaces;
}

/** Keys of the session and the caller's workspaces; clearing `all` forgets everything of the signed-in user. */
export const sessionKeys = {
  all: ['session'] as const,
  session: () => [...sessionKeys.all, 'current'] as const,
  workspaces: () => [...sessionKeys.all, 'workspaces'] as const,
};

export const sessionQuery = () =>
  queryOptions({ queryKey: sessionKeys.session(), queryFn: ({ signal }) => getSession(signal), staleTime: Infinity });

export const workspacesQuery = () =>
  queryOptions({ queryKey: sessionKeys.workspaces(), queryFn: ({ signal }) => listWorkspaces(signal), staleTime: 5 * 60_000 });

/**
 * The CSRF token is the one in the cached session: set by the session query and by a sign-in (which puts its
 * answer in the cache), gone when the cache is cleared at sign-out. Called once per QueryClient.
 */
export function connectCsrfToken(queryClient: QueryClient): QueryClient {
  setCsrfTokenSource(() => queryClient.getQueryData(sessionQuery().queryKey)?.CsrfToken);
  return queryClient;
}
