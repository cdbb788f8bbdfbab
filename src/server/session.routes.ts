import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { signInSchema, type SessionInfo } from '@/shared/session.schema';
import { isAdmin, canCreate } from '@/shared/roles';
import { validationError } from './errors';
import { jsonBody, requireCaller, type AppEnv } from './http';
import type { IdentityRepository } from './identity.repository';
import { checkCsrf, SESSION_COOKIE, type Sessions, type SignInThrottle } from './auth';
import { signInBrowser } from './sign-in';

/** Browser sign-in (`/session`) and who the caller is (`/me`, `/workspaces`). */
export function sessionRoutes(deps: { identity: IdentityRepository; sessions: Sessions; throttle: SignInThrottle }) {
  const { identity, sessions, throttle } = deps;
  const app = new Hono<AppEnv>();

  app.get('/session', (c) => {
    const caller = c.get('caller');
    const mac = c.get('sessionMac');
    const info: SessionInfo = caller
      ? { SignedIn: true, UserId: caller.userId, UserName: caller.userName, ...(mac ? { CsrfToken: sessions.csrfTokenOf(mac) } : {}), RequestId: c.get('requestId') }
      : { SignedIn: false, RequestId: c.get('requestId') };
    return c.json(info);
  });

  app.post('/session', async (c) => {
    // No session yet, so no token: the origin checks still stop a cross-site sign-in (login CSRF).
    checkCsrf(c, undefined);
    const body = jsonBody(c);
    const parsed = signInSchema.safeParse(body);
    if (!parsed.success) throw validationError(parsed.error, body);
    return c.json(await signInBrowser(c, parsed.data, { identity, sessions, throttle }));
  });

  app.delete('/session', (c) => {
    const mac = c.get('sessionMac');
    if (mac) identity.endSession(mac);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    const info: SessionInfo = { SignedIn: false, RequestId: c.get('requestId') };
    return c.json(info);
  });

  app.get('/me', (c) => {
    const caller = requireCaller(c);
    return c.json({ UserId: caller.userId, UserName: caller.userName, RequestId: c.get('requestId') });
  });

  app.get('/workspaces', (c) => {
    const caller = requireCaller(c);
    const workspaces = identity.memberships(caller.userId).map((m) => ({
      WorkspaceId: m.workspaceId,
      WorkspaceName: m.workspaceName,
      Roles: m.roles,
      IsAdmin: isAdmin(m.roles),
      CanCreate: canCreate(m.roles),
    }));
    return c.json({ Workspaces: workspaces, TotalCount: workspaces.length, RequestId: c.get('requestId') });
  });

  return app;
}
