import type { EventVia } from '@/shared/admin.schema';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { getCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import { CSRF_HEADER, endpoints } from '@/shared/api-paths';
import { clientAddress, forwardedRequest, type TrustProxy } from './client-address';
import type { Keyring } from './crypto';
import { ACCESS_KEY_USE_INTERVAL_MS } from './identity.repository';
import { AppError } from './errors';
import type { AppContext, AppEnv } from './http';
import type { IdentityRepository, Storage } from './storage';
import { parseAuthorization, verifySignature, MAX_CLOCK_SKEW_MS } from './signature';

export const SESSION_COOKIE = 'cc_session';

/** Who is calling: established by `authenticate` from a signature or a session. */
export interface Caller {
  userId: string;
  userName: string;
  /** How the request came, for the change history. */
  via: EventVia;
  accessKeyId?: string | undefined;
  /** The request's id, recorded with every change it makes. */
  requestId: string;
}

export interface Sessions {
  /** A new session id (only its MAC is stored) and the CSRF token bound to it. */
  start(userId: string): Promise<{ sessionId: string; csrfToken: string }>;
  csrfTokenOf(sessionMac: string): string;
  macOf(sessionId: string): string;
}

export function createSessions(identity: IdentityRepository, keyring: Keyring, clock: () => number, idleMs: number): Sessions {
  const macOf = (sessionId: string) => keyring.mac('session', sessionId);
  const csrfTokenOf = (sessionMac: string) => keyring.mac('csrf', sessionMac);
  return {
    async start(userId) {
      const sessionId = randomBytes(32).toString('base64url');
      const mac = macOf(sessionId);
      // Sessions idle past the window are dead; drop them here rather than keep them until they are presented.
      await identity.purgeSessions(clock() - idleMs);
      await identity.createSession(mac, userId, clock());
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

/** Who is asking and how the browser reached us, with `TRUST_PROXY` applied (see `client-address.ts`). */
export interface RequestClient {
  /** The client's address: the throttling key for sign-ins. */
  address: string;
  /** The browser used https (directly, or to a trusted proxy that says so): the session cookie is `Secure`. */
  secure: boolean;
  /** The origins a same-origin browser request may carry. */
  origins: string[];
}

/** The request's `RequestClient`: forwarded headers count only as far as `trust` allows. */
export function requestClient(c: AppContext, trust: TrustProxy | undefined): RequestClient {
  const peer = c.env?.incoming?.socket?.remoteAddress ?? 'local';
  const forwarded = forwardedRequest(peer, (name) => c.req.header(name), trust);
  const host = forwarded?.host ?? c.req.header('host') ?? '';
  const proto = forwarded?.proto ?? (new URL(c.req.url).protocol === 'https:' ? 'https' : undefined);
  return {
    address: clientAddress(peer, c.req.header('x-forwarded-for'), trust),
    secure: proto === 'https',
    // Without a trusted word on the scheme, the Host header alone is compared, on either scheme.
    origins: proto === undefined ? [`http://${host}`, `https://${host}`] : [`${proto}://${host}`],
  };
}

/**
 * Browser requests that change state must come from this origin (Origin / Sec-Fetch-Site) and carry the CSRF
 * token bound to the session: SameSite alone does not separate two ports on 127.0.0.1.
 */
export function checkCsrf(c: AppContext, expectedToken: string | undefined): void {
  const origin = c.req.header('origin');
  const origins = (c.get('client') ?? requestClient(c, undefined)).origins;
  if (origin !== undefined && !origins.includes(origin)) {
    throw new AppError('Forbidden.CsrfTokenInvalid', 'The request comes from another origin');
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError('Forbidden.CsrfTokenInvalid', 'The request comes from another site');
  }
  if (expectedToken === undefined) return;
  const given = c.req.header(CSRF_HEADER) ?? '';
  if (!sameText(given, expectedToken))
    throw new AppError('Forbidden.CsrfTokenInvalid', `The ${CSRF_HEADER} header is missing or wrong; reload the page`);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `POST /session` (signing in) does not need the current session's CSRF token: a sign-in replaces the session, and
 * a page that lost the token (another tab, a bookmark of /sign-in) must still be able to do it. The origin checks
 * still apply, so another site cannot sign the browser in or out.
 */
const isSignIn = (c: AppContext) =>
  c.req.method === endpoints.CreateSession.method.toUpperCase() && c.req.path.replace(/\/+$/, '') === endpoints.CreateSession.path;

/**
 * Establishes the caller: an ACS3 signature (API clients) or a session cookie (the console). Routes that need a
 * caller call `requireCaller`; this only identifies, and rejects what is provably wrong.
 */
export function authenticate(deps: {
  identity: IdentityRepository;
  sessions: Sessions;
  clock: () => number;
  sessionIdleMs: number;
  trustProxy?: TrustProxy | undefined;
}): MiddlewareHandler<AppEnv> {
  const { identity, sessions, clock, sessionIdleMs, trustProxy } = deps;
  return async (c, next) => {
    c.set('caller', undefined);
    c.set('sessionMac', undefined);
    c.set('client', requestClient(c, trustProxy));
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
      const key = await identity.accessKey(auth.accessKeyId);
      if (!key) throw new AppError('InvalidAccessKeyId.NotFound', 'The AccessKeyId does not exist');
      verifySignature(request, auth, key.secret);
      // Read from the row on every call (not the per-process cache), so a key disabled anywhere is refused at once.
      if (key.status !== 'Active') throw new AppError('InvalidAccessKeyId.Inactive', 'The AccessKey is disabled');
      // Only a correctly signed request may spend a nonce, so nobody can burn another client's nonces.
      if (!(await identity.rememberNonce(auth.accessKeyId, auth.nonce, now, MAX_CLOCK_SKEW_MS * 2))) {
        throw new AppError('SignatureNonceUsed', 'x-acs-signature-nonce was already used; every request needs a new one');
      }
      const user = await identity.findUserById(key.userId);
      if (!user) throw new AppError('InvalidAccessKeyId.NotFound', 'The AccessKeyId does not exist');
      // The last use, at most once a minute: the row just read says whether a write is due at all.
      if (key.lastUsedAt === null || key.lastUsedAt < now - ACCESS_KEY_USE_INTERVAL_MS) {
        await identity.touchAccessKey(auth.accessKeyId, now);
      }
      c.set('caller', {
        userId: user.userId,
        userName: user.userName,
        via: 'AccessKey',
        accessKeyId: auth.accessKeyId,
        requestId: c.get('requestId'),
      });
      return next();
    }
    const sessionId = getCookie(c, SESSION_COOKIE);
    if (sessionId) {
      const mac = sessions.macOf(sessionId);
      const userId = await identity.useSession(mac, clock(), sessionIdleMs);
      const user = userId === undefined ? undefined : await identity.findUserById(userId);
      if (user) {
        c.set('caller', { userId: user.userId, userName: user.userName, via: 'Console', requestId: c.get('requestId') });
        c.set('sessionMac', mac);
        if (!SAFE_METHODS.has(c.req.method)) checkCsrf(c, isSignIn(c) ? undefined : sessions.csrfTokenOf(mac));
      }
    }
    return next();
  };
}

/** Failed sign-ins a (user name, client) pair, and a client over all user names, may have before waits begin. */
export const FREE_FAILURES = { pair: 5, client: 20 } as const;
/** The longest wait between attempts, and how long a key is remembered after its last failure. */
export const MAX_SIGN_IN_DELAY_MS = 15 * 60_000;
export const SIGN_IN_FAILURE_MEMORY_MS = 24 * 3600_000;

/** After `free` failures, each further attempt waits 2, 4, 8 … seconds after the last failure, up to the cap. */
export function signInDelayMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_SIGN_IN_DELAY_MS, 1000 * 2 ** Math.min(30, failures - free + 1));
}

/**
 * Throttles password guessing without letting anyone lock an account: failures are counted per (user name,
 * client) and per client, never per user alone, so the rightful user on another client is never refused because
 * of someone else's guesses. Past the free failures the wait grows (`signInDelayMs`) instead of a hard lock-out.
 * The counters live in the database (keys stored only as MACs), so every process and replica shares them.
 */
export function createSignInThrottle(storage: Storage, keyring: Keyring, clock: () => number) {
  const keysOf = (userName: string, client: string) => ({
    pair: keyring.mac('sign-in-throttle', `pair\n${userName.normalize('NFC').toLowerCase()}\n${client}`),
    client: keyring.mac('sign-in-throttle', `client\n${client}`),
  });
  return {
    /**
     * Admits one sign-in attempt or throws 429 with `Retry-After`. The attempt counts as a failure from the start
     * (in the same write transaction as the check), so parallel guesses cannot slip past the count; `succeeded`
     * takes it back.
     */
    async attempt(userName: string, client: string): Promise<{ succeeded(): Promise<void> }> {
      const keys = keysOf(userName, client);
      // Forgotten counters go in a statement of their own: inside the transaction, the rows a purge locks (on
      // PostgreSQL) would be held while waiting for this attempt's keys, and two attempts could deadlock.
      await storage.identity.purgeSignInFailures(clock() - SIGN_IN_FAILURE_MEMORY_MS);
      await storage.transaction(async ({ identity }) => {
        await identity.lockSignInFailures([keys.pair, keys.client]);
        // Read after the locks: a wait for other replicas' attempts must not make this one's times stale.
        const now = clock();
        const rows = new Map((await identity.signInFailures([keys.pair, keys.client])).map((r) => [r.key, r]));
        let waitMs = 0;
        for (const kind of ['pair', 'client'] as const) {
          const row = rows.get(keys[kind]);
          if (row) waitMs = Math.max(waitMs, row.lastFailureAt + signInDelayMs(row.failures, FREE_FAILURES[kind]) - now);
        }
        if (waitMs > 0) {
          const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
          throw new AppError('Throttling.SignIn', `Too many failed sign-ins; try again in ${retryAfter} seconds`, {
            headers: { 'Retry-After': String(retryAfter) },
          });
        }
        await identity.addSignInFailure(keys.pair, now);
        await identity.addSignInFailure(keys.client, now);
      });
      return {
        async succeeded() {
          // The pair starts afresh; the client only gets this attempt back, so signing in to one's own account
          // does not wipe the count of guesses made at others.
          await storage.transaction(async ({ identity }) => {
            await identity.lockSignInFailures([keys.pair, keys.client]);
            await identity.forgetSignInFailures(keys.pair);
            await identity.takeBackSignInFailure(keys.client);
          });
        },
      };
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
