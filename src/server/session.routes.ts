import { deleteCookie } from 'hono/cookie';
import { routes } from '@/shared/api-routes';
import { isAdmin, canCreate } from '@/shared/roles';
import { signInSchema, type SessionInfo } from '@/shared/session.schema';
import { validationError } from './errors';
import { createRouter, requireCaller, tableRoute } from './http';
import type { IdentityRepository } from './storage';
import { checkCsrf, SESSION_COOKIE, type Sessions, type SignInThrottle } from './auth';
import { signInBrowser } from './sign-in';

/** Browser sign-in (`/session`) and who the caller is (`/me`, `/workspaces`). */
export function sessionRoutes(deps: { identity: IdentityRepository; sessions: Sessions; throttle: SignInThrottle }) {
  const { identity, sessions, throttle } = deps;
  const app = createRouter();

  app.openapi(tableRoute(routes.GetSession), (c) => {
    const caller = c.get('caller');
    const mac = c.get('sessionMac');
    const info: SessionInfo = caller
      ? {
          SignedIn: true,
          Mode: 'Local',
          UserId: caller.userId,
          UserName: caller.userName,
          ...(mac ? { CsrfToken: sessions.csrfTokenOf(mac) } : {}),
          RequestId: c.get('requestId'),
        }
      : { SignedIn: false, Mode: 'Local', RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.CreateSession), async (c) => {
    // No session yet, so no token: the origin checks still stop a cross-site sign-in (login CSRF).
    checkCsrf(c, undefined);
    const body = c.req.valid('json');
    const credentials = signInSchema.safeParse(body);
    if (!credentials.success) throw validationError(credentials.error, body);
    return c.json(await signInBrowser(c, credentials.data, { identity, sessions, throttle }), 200);
  });

  app.openapi(tableRoute(routes.DeleteSession), async (c) => {
    const mac = c.get('sessionMac');
    if (mac) await identity.endSession(mac);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    const info: SessionInfo = { SignedIn: false, Mode: 'Local', RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.GetCurrentUser), (c) => {
    const caller = requireCaller(c);
    return c.json({ UserId: caller.userId, UserName: caller.userName, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListWorkspaces), async (c) => {
    const caller = requireCaller(c);
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
