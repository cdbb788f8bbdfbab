import { randomBytes, timingSafeEqual } from 'node:crypto';
import { getCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import { CSRF_HEADER } from '@/shared/api-paths';
import type { Keyring } from './crypto';
import { AppError } from './errors';
import type { AppContext, AppEnv } from './http';
import type { IdentityRepository } from './identity.repository';
import { parseAuthorization, verifySignature, MAX_CLOCK_SKEW_MS } from './signature';

export const SESSION_COOKIE = 'cc_session';

/** Who is calling: established by `authenticate` from a signature or a session. */
export interface Caller {
  userId: string;
  userName: string;
}

export interface Sessions {
  /** A new session id (only its MAC is stored) and the CSRF token bound to it. */
  start(userId: string): { sessionId: string; csrfToken: string };
  csrfTokenOf(sessionMac: string): string;
  macOf(sessionId: string): string;
}

export function createSessions(identity: IdentityRepository, keyring: Keyring, clock: () => number, idleMs: number): Sessions {
  const macOf = (sessionId: string) => keyring.mac('session', sessionId);
  const csrfTokenOf = (sessionMac: string) => keyring.mac('csrf', sessionMac);
  return {
    start(userId) {
      const sessionId = randomBytes(32).toString('base64url');
      const mac = macOf(sessionId);
      // Sessions idle past the window are dead; drop them here rather than keep them until they are presented.
      identity.purgeSessions(clock() - idleMs);
      identity.createSession(mac, userId, clock());
      return { sessionId, csrfToken: csrfTokenOf(mac) };
    },
    csrfTokenOf,
    macOf,
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request's own origin, from its Host header. */
function ownOrigins(c: AppContext): string[] {
  const host = c.req.header('host') ?? '';
  return [`http://${host}`, `https://${host}`];
}

/**
 * Browser requests that change state must come from this origin (Origin / Sec-Fetch-Site) and carry the CSRF
 * token bound to the session: SameSite alone does not separate two ports on 127.0.0.1.
 */
export function checkCsrf(c: AppContext, expectedToken: string | undefined): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && !ownOrigins(c).includes(origin)) {
    throw new AppError('Forbidden.CsrfTokenInvalid', 'The request comes from another origin');
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError('Forbidden.CsrfTokenInvalid', 'The request comes from another site');
  }
  if (expectedToken === undefined) return;
  const given = c.req.header(CSRF_HEADER) ?? '';
  if (!sameText(given, expectedToken)) throw new AppError('Forbidden.CsrfTokenInvalid', `The ${CSRF_HEADER} header is missing or wrong; reload the page`);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Establishes the caller: an ACS3 signature (API clients) or a session cookie (the console). Routes that need a
 * caller call `requireCaller`; this only identifies, and rejects what is provably wrong.
 */
export function authenticate(deps: { identity: IdentityRepository; sessions: Sessions; clock: () => number; sessionIdleMs: number }): MiddlewareHandler<AppEnv> {
  const { identity, sessions, clock, sessionIdleMs } = deps;
  return async (c, next) => {
    c.set('caller', undefined);
    c.set('sessionMac', undefined);
    if (c.req.header('authorization') !== undefined) {
      const url = new URL(c.req.url);
      const request = {
        method: c.req.method,
        rawPath: url.pathname,
        query: url.searchParams,
        header: (name: string) => c.req.header(name),
        body: c.get('body'),
      };
      const now = clock();
      const auth = parseAuthorization(request, now);
      const key = identity.accessKey(auth.accessKeyId);
      if (!key) throw new AppError('InvalidAccessKeyId.NotFound', 'The AccessKeyId does not exist');
      verifySignature(request, auth, key.secret);
      // Only a correctly signed request may spend a nonce, so nobody can burn another client's nonces.
      if (!identity.rememberNonce(auth.accessKeyId, auth.nonce, now, MAX_CLOCK_SKEW_MS * 2)) {
        throw new AppError('SignatureNonceUsed', 'x-acs-signature-nonce was already used; every request needs a new one');
      }
      const user = identity.findUserById(key.userId);
      if (!user) throw new AppError('InvalidAccessKeyId.NotFound', 'The AccessKeyId does not exist');
      c.set('caller', { userId: user.userId, userName: user.userName });
      return next();
    }
    const sessionId = getCookie(c, SESSION_COOKIE);
    if (sessionId) {
      const mac = sessions.macOf(sessionId);
      const userId = identity.useSession(mac, clock(), sessionIdleMs);
      const user = userId === undefined ? undefined : identity.findUserById(userId);
      if (user) {
        c.set('caller', { userId: user.userId, userName: user.userName });
        c.set('sessionMac', mac);
        if (!SAFE_METHODS.has(c.req.method)) checkCsrf(c, sessions.csrfTokenOf(mac));
      }
    }
    return next();
  };
}

/** Failed sign-ins per user name and per client, in a sliding window; past the limit, 429 with Retry-After. */
export function createSignInThrottle(clock: () => number, { windowMs = 15 * 60_000, perUser = 5, perClient = 20 } = {}) {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const now = clock();
    const list = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const keysOf = (userName: string, client: string): [string, number][] => [
    [`user:${userName.toLowerCase()}`, perUser],
    [`client:${client}`, perClient],
  ];
  return {
    check(userName: string, client: string): void {
      for (const [key, limit] of keysOf(userName, client)) {
        const list = recent(key);
        if (list.length >= limit) {
          const retryAfter = Math.max(1, Math.ceil(((list[list.length - limit] ?? clock()) + windowMs - clock()) / 1000));
          throw new AppError('Throttling.SignIn', `Too many failed sign-ins; try again in ${retryAfter} seconds`, { headers: {
            'Retry-After': String(retryAfter),
          } });
        }
      }
    },
    fail(userName: string, client: string): void {
      for (const [key] of keysOf(userName, client)) failures.set(key, [...recent(key), clock()]);
    },
    succeed(userName: string): void {
      failures.delete(`user:${userName.toLowerCase()}`);
    },
  };
}
