import { deleteCookie, setCookie } from 'hono/cookie';
import { routes } from '@/shared/api-routes';
import { isAdmin, canCreate } from '@/shared/roles';
import type { SessionInfo } from '@/shared/session.schema';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './crypto';
import { AppError } from './errors';
import { createRouter, requireCaller, tableRoute, type AppContext } from './http';
import type { IdentityRepository } from './identity.repository';
import { checkCsrf, SESSION_COOKIE, type Sessions, type createSignInThrottle } from './auth';

const clientOf = (c: AppContext) => c.env?.incoming?.socket?.remoteAddress ?? 'local';

/** Browser sign-in (`/session`) and who the caller is (`/me`, `/workspaces`). */
export function sessionRoutes(deps: { identity: IdentityRepository; sessions: Sessions; throttle: ReturnType<typeof createSignInThrottle> }) {
  const { identity, sessions, throttle } = deps;
  const app = createRouter();

  app.openapi(tableRoute(routes.GetSession), (c) => {
    const caller = c.get('caller');
    const mac = c.get('sessionMac');
    const info: SessionInfo = caller
      ? { SignedIn: true, UserId: caller.userId, UserName: caller.userName, ...(mac ? { CsrfToken: sessions.csrfTokenOf(mac) } : {}), RequestId: c.get('requestId') }
      : { SignedIn: false, RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.CreateSession), async (c) => {
    // No session yet, so no token: the origin checks still stop a cross-site sign-in (login CSRF).
    checkCsrf(c, undefined);
    const { UserName, Password } = c.req.valid('json');
    const client = clientOf(c);
    throttle.check(UserName, client);
    const user = identity.findUserByName(UserName);
    // Verify against a dummy hash when the user is unknown: the answer takes as long either way.
    const ok = await verifyPassword(Password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !user.passwordHash || !ok) {
      throttle.fail(UserName, client);
      throw new AppError('Unauthenticated.InvalidCredentials', 'The user name or password is incorrect');
    }
    throttle.succeed(UserName);
    const { sessionId, csrfToken } = sessions.start(user.userId);
    setCookie(c, SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
    });
    const info: SessionInfo = { SignedIn: true, UserId: user.userId, UserName: user.userName, CsrfToken: csrfToken, RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.DeleteSession), (c) => {
    const mac = c.get('sessionMac');
    if (mac) identity.endSession(mac);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    const info: SessionInfo = { SignedIn: false, RequestId: c.get('requestId') };
    return c.json(info, 200);
  });

  app.openapi(tableRoute(routes.GetCurrentUser), (c) => {
    const caller = requireCaller(c);
    return c.json({ UserId: caller.userId, UserName: caller.userName, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListWorkspaces), (c) => {
    const caller = requireCaller(c);
    const workspaces = identity.memberships(caller.userId).map((m) => ({
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
