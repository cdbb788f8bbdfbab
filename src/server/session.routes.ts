import { deleteCookie } from 'hono/cookie';
import { routes } from '@/shared/api-routes';
import { isAdmin, canCreate, ROLES, type Role } from '@/shared/roles';
import { accessKeySignInSchema, signInSchema, type SessionInfo } from '@/shared/session.schema';
import type { z } from 'zod';
import { validationError } from './errors';
import { createRouter, requireCaller, tableRoute, type AppContext } from './http';
import type { IdentityRepository } from './storage';
import { checkCsrf, SESSION_COOKIE, type Sessions, type SignInThrottle } from './auth';
import { signInBrowser } from './sign-in';
import { sessionCredential, signInUpstream, upstreamIdentity, type Json, type Upstream } from './upstream/upstream';

/** The body checked against the pair this server's mode takes, so a missing field is named as such. */
function parsed<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw validationError(result.error, body);
  return result.data;
}

/** Browser sign-in (`/session`) and who the caller is (`/me`, `/workspaces`). */
export function sessionRoutes(deps: {
  identity: IdentityRepository;
  sessions: Sessions;
  throttle: SignInThrottle;
  /** PAI's API, with `PAI_ENDPOINT` set: sign-in takes an AccessKey and workspaces are PAI's. */
  upstream?: Upstream | undefined;
}) {
  const { identity, sessions, throttle, upstream } = deps;
  const app = createRouter();
  const mode: Pick<SessionInfo, 'Mode' | 'UpstreamEndpoint'> = upstream
    ? { Mode: 'Upstream', UpstreamEndpoint: upstream.endpoint }
    : { Mode: 'Local' };

  app.openapi(tableRoute(routes.GetSession), async (c) => {
    const caller = c.get('caller');
    const mac = c.get('sessionMac');
    // Upstream, a session is someone at PAI only with its AccessKey (one left from local mode has none: signed out).
    const upstreamWho = upstream && mac ? await identity.upstreamCredential(mac) : undefined;
    const who = upstream ? upstreamWho && upstreamIdentity(upstreamWho) : caller && { UserId: caller.userId, UserName: caller.userName };
    const info: SessionInfo = who
      ? {
          SignedIn: true,
          ...mode,
          ...who,
          ...(mac ? { CsrfToken: sessions.csrfTokenOf(mac) } : {}),
          RequestId: c.get('requestId'),
        }
      : { SignedIn: false, ...mode, RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.CreateSession), async (c) => {
    // No session yet, so no token: the origin checks still stop a cross-site sign-in (login CSRF).
    checkCsrf(c, undefined);
    const body = c.req.valid('json');
    const signedIn = upstream
      ? await signInUpstream(c, parsed(accessKeySignInSchema, body), { identity, sessions, throttle, upstream })
      : await signInBrowser(c, parsed(signInSchema, body), { identity, sessions, throttle });
    return c.json({ ...signedIn, ...mode }, 200);
  });

  app.openapi(tableRoute(routes.DeleteSession), async (c) => {
    const mac = c.get('sessionMac');
    if (mac) await identity.endSession(mac);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    const info: SessionInfo = { SignedIn: false, ...mode, RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.GetCurrentUser), async (c) => {
    const caller = requireCaller(c);
    const who = upstream ? upstreamIdentity(await sessionCredential(c, identity)) : { UserId: caller.userId, UserName: caller.userName };
    return c.json({ ...who, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListWorkspaces), async (c) => {
    const caller = requireCaller(c);
    if (upstream) return c.json(await upstreamWorkspaces(c, upstream, identity), 200);
    const workspaces = (await identity.memberships(caller.userId)).map((m) => ({
      WorkspaceId: m.workspaceId,
      WorkspaceName: m.workspaceName,
      Roles: m.roles,
      IsAdmin: isAdmin(m.roles),
      CanCreate: canCreate(m.roles),
    }));
    return c.json({ Workspaces: workspaces, TotalCount: workspaces.length, RequestId: c.get('requestId') }, 200);
  });

  return app;
}

/** PAI's ListWorkspaces pages through at most this many at once. */
const UPSTREAM_WORKSPACE_PAGE = 100;

/**
 * The caller's workspaces from PAI's ListWorkspaces, in the shape this service answers (PAI's field names).
 * PAI says nothing of the caller's roles there: without `Roles`, the console offers writes (PAI decides on each one)
 * and no admin-only views.
 */
async function upstreamWorkspaces(c: AppContext, upstream: Upstream, identity: IdentityRepository) {
  const answer = await upstream.call(await sessionCredential(c, identity), 'ListWorkspaces', {
    query: { PageNumber: '1', PageSize: String(UPSTREAM_WORKSPACE_PAGE) },
  });
  const items = Array.isArray(answer.Workspaces) ? (answer.Workspaces as Json[]) : [];
  const workspaces = items.map((w) => {
    const roles = Array.isArray(w.Roles) ? (w.Roles as unknown[]).filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
    return {
      WorkspaceId: String(w.WorkspaceId ?? ''),
      WorkspaceName: String(w.WorkspaceName ?? w.DisplayName ?? w.WorkspaceId ?? ''),
      Roles: roles,
      IsAdmin: roles.length > 0 ? isAdmin(roles) : false,
      CanCreate: roles.length > 0 ? canCreate(roles) : true,
    };
  });
  return { Workspaces: workspaces, TotalCount: workspaces.length, RequestId: String(answer.RequestId ?? c.get('requestId')) };
}
