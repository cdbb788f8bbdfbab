import { queryOptions } from '@tanstack/react-query';
import { apiPaths } from '@/shared/api-paths';
import type { Role } from '@/shared/roles';
import type { SessionInfo, SignIn } from '@/shared/session.schema';
import { apiRequest, setCsrfToken } from './api-client';

/** One workspace of the signed-in user, as GET /api/v1/workspaces lists it. */
export interface Workspace {
  WorkspaceId: string;
  WorkspaceName: string;
  Roles: Role[];
  IsAdmin: boolean;
  CanCreate: boolean;
}

/** GET /api/v1/session — who is signed in (or `SignedIn: false`). */
export async function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  const { data } = await apiRequest<SessionInfo>(apiPaths.session, { signal });
  setCsrfToken(data.CsrfToken);
  return data;
}

/** POST /api/v1/session — sign in with user name and password. */
export async function signIn(body: SignIn): Promise<SessionInfo> {
  const { data } = await apiRequest<SessionInfo>(apiPaths.session, { method: 'POST', body, skipUnauthenticatedEvent: true });
  setCsrfToken(data.CsrfToken);
  return data;
}

/** DELETE /api/v1/session — sign out; the server ends the session. */
export async function signOut(): Promise<void> {
  await apiRequest<SessionInfo>(apiPaths.session, { method: 'DELETE', skipUnauthenticatedEvent: true });
  setCsrfToken(undefined);
}

/** GET /api/v1/workspaces — the caller's workspaces and roles. */
export async function listWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
  const { data } = await apiRequest<{ Workspaces: Workspace[] }>(apiPaths.workspaces, { signal });
  return data.Workspaces;
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
