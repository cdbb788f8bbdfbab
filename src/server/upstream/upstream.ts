import { createHash } from 'node:crypto';
import { setCookie } from 'hono/cookie';
import { API_VERSION, endpoints, fillPath, type OperationName } from '@/shared/api-paths';
import type { AccessKeySignIn, SessionInfo } from '@/shared/session.schema';
import { SESSION_COOKIE, type Sessions, type SignInThrottle } from '@/server/auth';
import { AppError } from '@/server/errors';
import type { AppContext } from '@/server/http';
import type { Logger } from '@/server/logger';
import type { IdentityRepository } from '@/server/storage';
import type { UpstreamSession } from '@/server/identity.repository';
import { Client, Config, OpenApiRequest, Params, RuntimeOptions } from '@/server/alicloud-sdk';

/** A PAI AccessKey: the signed-in user's own, kept sealed in their session (never in the browser or a log). */
export interface UpstreamCredential {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface UpstreamRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: object;
}

export type Json = Record<string, unknown>;

/** PAI's API at `PAI_ENDPOINT`: each call is one operation of the route table, signed with the caller's AccessKey. */
export interface Upstream {
  readonly endpoint: string;
  call(credential: UpstreamCredential, operation: OperationName, request?: UpstreamRequest): Promise<Json>;
}

/**
 * An error PAI answered with, passed through as PAI said it: its HTTP status, `Code`, `Message` and `RequestId`.
 * (Our own codes are `AppError`s; these are PAI's, which the console shows as they come.)
 */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The client's error for a 4xx/5xx: `data` is PAI's body plus `statusCode`. Transport failures have no `data`. */
interface ClientFailure {
  code?: string;
  name?: string;
  message?: string;
  data?: { statusCode?: number; Code?: string; Message?: string; RequestId?: string };
}

/** Seconds to wait after PAI throttled a call: PAI does not say, so a short, honest hint. */
const THROTTLE_RETRY_AFTER_S = 2;

const text = (...values: unknown[]) => values.find((v): v is string => typeof v === 'string' && v !== '');

/** What a failed call becomes: PAI's own error, or 502/504 naming the endpoint. Never a secret in it. */
export function upstreamFailure(error: unknown, endpoint: string): Error {
  const e = (error ?? {}) as ClientFailure & { data?: { code?: unknown; message?: unknown; requestId?: unknown } };
  const status = e.data?.statusCode;
  if (typeof status === 'number') {
    const code = text(e.data?.Code, e.data?.code) ?? `HTTP${status}`;
    const message = text(e.data?.Message, e.data?.message) ?? `PAI answered HTTP ${status}`;
    const requestId = text(e.data?.RequestId, e.data?.requestId);
    if (code.startsWith('Throttling') || status === 429) {
      return new UpstreamError(429, code, `${message} (PAI throttled the call; retry in ${THROTTLE_RETRY_AFTER_S} seconds)`, requestId, {
        'Retry-After': String(THROTTLE_RETRY_AFTER_S),
      });
    }
    // A 5xx of PAI's stays a 5xx to our caller; its code and message still pass through.
    return new UpstreamError(status, code, message, requestId);
  }
  // The client could not read the answer as JSON: an HTML page of a proxy, an empty body, a redirect.
  if (e.name === 'SyntaxError') {
    return new AppError('Upstream.Unavailable', `PAI's endpoint ${endpoint} answered with something other than PAI's JSON`);
  }
  // Judged by the error's name and code only: its message may quote what the endpoint sent.
  if (
    /timeout/i.test(`${e.name ?? ''} ${e.code ?? ''}`) ||
    e.code === 'ETIMEDOUT' ||
    /^ReadTimeout|^ConnectTimeout/.test(e.message ?? '')
  ) {
    return new AppError('Upstream.Timeout', `PAI's endpoint ${endpoint} did not answer in time`);
  }
  return new AppError('Upstream.Unavailable', `PAI's endpoint ${endpoint} could not be reached (${transportReason(e)})`);
}

/** An AccessKey id for a log line: enough to tell keys apart, not the whole id. */
export const maskedKeyId = (accessKeyId: string) =>
  accessKeyId.length <= 8 ? '****' : `${accessKeyId.slice(0, 4)}****${accessKeyId.slice(-3)}`;

/** A transport failure in a few words, from its error code only (a message could echo a header). */
function transportReason(e: ClientFailure): string {
  const code = /^E[A-Z_]+$/.test(e.code ?? '') ? e.code : /^E[A-Z_]+/.exec(e.message ?? '')?.[0];
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'name not resolved';
    default:
      return code ?? 'network error';
  }
}

export function createUpstream(options: { endpoint: string; protocol: 'https' | 'http'; timeoutMs: number; logger: Logger }): Upstream {
  const { endpoint, protocol, timeoutMs, logger } = options;
  const runtime = new RuntimeOptions({
    autoretry: false,
    readTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 5_000),
  });
  return {
    endpoint,
    async call(credential, operation, request = {}) {
      const { method, path } = endpoints[operation];
      const client = new Client(
        new Config({ accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, protocol, endpoint }),
      );
      const params = new Params({
        action: operation,
        version: API_VERSION,
        protocol: protocol.toUpperCase(),
        pathname: fillPath(path, request.params),
        method: method.toUpperCase(),
        authType: 'AK',
        style: 'ROA',
        reqBodyType: 'json',
        bodyType: 'json',
      });
      const started = performance.now();
      // The client's own timeouts cover connect and read; this one covers everything else, so no call hangs.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AppError('Upstream.Timeout', `PAI's endpoint ${endpoint} did not answer in time`)),
          timeoutMs + 1_000,
        );
      });
      try {
        const answer = (await Promise.race([
          client.callApi(params, new OpenApiRequest({ query: request.query, body: request.body }), runtime),
          deadline,
        ])) as { body: Json };
        return answer.body ?? {};
      } catch (error) {
        const failure = error instanceof AppError ? error : upstreamFailure(error, endpoint);
        logger.info('upstream call failed', {
          operation,
          accessKeyId: maskedKeyId(credential.accessKeyId),
          status: failure instanceof UpstreamError ? failure.status : (failure as AppError).status,
          code: failure instanceof UpstreamError ? failure.code : (failure as AppError).code,
          durationMs: Math.round(performance.now() - started),
        });
        throw failure;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The local user row of a PAI identity, one per AccessKey (sessions need a user). Its id and name are made from a hash
 * of the exact key id, so two ids differing only in case cannot collide under the case-insensitive name index.
 */
export function upstreamUser(accessKeyId: string): { userId: string; userName: string } {
  const digest = createHash('sha256').update(accessKeyId).digest('hex').slice(0, 24);
  return { userId: `pai:${digest}`, userName: `pai:${digest}` };
}

/**
 * `POST /session` in upstream mode: the AccessKey pair is verified with one signed call to PAI (ListWorkspaces); on
 * success the pair is kept sealed with a new session and every call of that session is signed with it. Every failed
 * attempt counts against the same throttle as password sign-ins (keyed by the AccessKey id and the client).
 */
export async function signInUpstream(
  c: AppContext,
  credentials: AccessKeySignIn,
  deps: { identity: IdentityRepository; sessions: Sessions; throttle: SignInThrottle; upstream: Upstream },
): Promise<Omit<SessionInfo, 'Mode'>> {
  const { identity, sessions, throttle, upstream } = deps;
  const credential = { accessKeyId: credentials.AccessKeyId, accessKeySecret: credentials.AccessKeySecret };
  const client = c.get('client');
  const attempt = await throttle.attempt(`pai:${credential.accessKeyId}`, client?.address ?? 'local');
  await upstream.call(credential, 'ListWorkspaces', { query: { PageNumber: '1', PageSize: '1' } });
  await attempt.succeeded();
  const who = await whoAtUpstream(upstream, credential);
  const local = upstreamUser(credential.accessKeyId);
  await identity.upsertUpstreamUser(local.userId, local.userName);
  const previous = c.get('sessionMac');
  if (previous) await identity.endSession(previous);
  const { sessionId, csrfToken } = await sessions.start(local.userId);
  await identity.saveUpstreamCredential(sessions.macOf(sessionId), { ...credential, ...who });
  setCookie(c, SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'Strict', path: '/', secure: client?.secure ?? false });
  return {
    SignedIn: true,
    ...upstreamIdentity({ ...who, accessKeyId: credential.accessKeyId }),
    CsrfToken: csrfToken,
    RequestId: c.get('requestId'),
  };
}

/**
 * The session's `UserId`/`UserName` upstream: PAI's id of the person when the endpoint said it (the items' `UserId`
 * compare to it), else the local row's id, which matches no item.
 */
export function upstreamIdentity(who: { upstreamUserId: string | undefined; displayName: string; accessKeyId: string }): {
  UserId: string;
  UserName: string;
} {
  return { UserId: who.upstreamUserId ?? upstreamUser(who.accessKeyId).userId, UserName: who.displayName };
}

/**
 * Who the key belongs to: PAI's API has no "who am I" among these operations, so the name is the AccessKey id, with
 * the user's name and id when the endpoint answers GetCurrentUser (this service does).
 */
async function whoAtUpstream(
  upstream: Upstream,
  credential: UpstreamCredential,
): Promise<{ upstreamUserId: string | undefined; displayName: string }> {
  try {
    const me = await upstream.call(credential, 'GetCurrentUser');
    const name = typeof me.UserName === 'string' && me.UserName.length > 0 && me.UserName.length <= 64 ? me.UserName : undefined;
    const id = typeof me.UserId === 'string' && /^[\w.:-]{1,64}$/.test(me.UserId) ? me.UserId : undefined;
    if (name) return { upstreamUserId: id, displayName: `${name} (${credential.accessKeyId})` };
  } catch {
    // Not every endpoint has it; the key id alone is enough.
  }
  return { upstreamUserId: undefined, displayName: credential.accessKeyId };
}

/** The session's PAI credential; a session without one (it was started before upstream mode) must sign in again. */
export async function sessionCredential(c: AppContext, identity: IdentityRepository): Promise<UpstreamSession> {
  const mac = c.get('sessionMac');
  const credential = mac ? await identity.upstreamCredential(mac) : undefined;
  if (!credential) throw new AppError('Unauthenticated', 'Sign in with your PAI AccessKey');
  return credential;
}
