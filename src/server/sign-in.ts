import { setCookie } from 'hono/cookie';
import type { SessionInfo, SignIn } from '@/shared/session.schema';
import { SESSION_COOKIE, type Sessions, type SignInThrottle } from './auth';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './crypto';
import { AppError } from './errors';
import type { AppContext } from './http';
import type { IdentityRepository } from './storage';

/**
 * `POST /session` after the body is parsed: throttles by (user name, client) and client, checks the password and
 * starts a session. A browser that already has a session gets a new one, and the old one ends on the server, so
 * switching user (or signing in again from a bookmark or a second tab) always works and leaves no live cookie
 * behind. A failed attempt leaves the current session as it was.
 */
export async function signInBrowser(
  c: AppContext,
  credentials: SignIn,
  deps: { identity: IdentityRepository; sessions: Sessions; throttle: SignInThrottle },
): Promise<SessionInfo> {
  const { identity, sessions, throttle } = deps;
  const { UserName, Password } = credentials;
  const client = c.get('client');
  const attempt = await throttle.attempt(UserName, client?.address ?? 'local');
  const user = await identity.findUserByName(UserName);
  // Verify against a dummy hash when the user is unknown: the answer takes as long either way.
  const ok = await verifyPassword(Password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !user.passwordHash || !ok)
    throw new AppError('Unauthenticated.InvalidCredentials', 'The user name or password is incorrect');
  await attempt.succeeded();
  const previous = c.get('sessionMac');
  if (previous) await identity.endSession(previous);
  const { sessionId, csrfToken } = await sessions.start(user.userId);
  setCookie(c, SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'Strict', path: '/', secure: client?.secure ?? false });
  return {
    SignedIn: true,
    Mode: 'Local',
    UserId: user.userId,
    UserName: user.userName,
    CsrfToken: csrfToken,
    RequestId: c.get('requestId'),
  };
}
