import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { endpoints, LOCALE_COOKIE, pathPattern } from '@/shared/api-paths';
import { routes } from '@/shared/api-routes';
import { accessKeysRoutes } from './access-keys.routes';
import { apiReferenceAsset, apiReferenceRoutes } from './api-reference.routes';
import { authenticate, createSessions, createSignInThrottle, SESSION_COOKIE } from './auth';
import { codeSourcesRoutes } from './code-sources.routes';
import { createCodeSourcesService } from './code-sources.service';
import type { TrustProxy } from './client-address';
import type { Keyring } from './crypto';
import { AppError } from './errors';
import { UpstreamError, type Upstream } from './upstream/upstream';
import { upstreamCodeSourcesRoutes } from './upstream/upstream.routes';
import { createRouter, errorBody, hostIdOf, newRequestId, readBody, rejectRepeatedQuery, tableRoute, type AppEnv } from './http';
import { createAddressPolicy } from './git/address-policy';
import type { ResolveHost } from './git/git-http';
import { createGitRemote } from './git/git-remote';
import { gitRemoteRoutes } from './git-remote.routes';
import { createGitRemoteService } from './git-remote.service';
import type { Logger } from './logger';
import { sessionRoutes } from './session.routes';
import { encodedBody, loadStaticFiles, type ShellLocale, type StaticFile } from './static-files';
import { isDatabaseUnavailable, type Storage } from './storage';

export interface AppDeps {
  /** The database, SQLite or PostgreSQL (`sqlite-storage.ts`, `postgres/storage.ts`). */
  storage: Storage;
  keyring: Keyring;
  logger: Logger;
  sessionIdleMinutes?: number;
  /** The built console; without it only the API is served. */
  staticDir?: string;
  clock?: () => number;
  /** `TRUST_PROXY`: whose X-Forwarded-* headers count; without it they are ignored. */
  trustProxy?: TrustProxy | undefined;
  /** How Git remotes are checked: `GIT_ALLOWED_NETWORKS`, `GIT_CA_FILE`'s certificates, `GIT_CHECK_TIMEOUT_MS`. */
  git?: GitOptions;
  /** `PAI_ENDPOINT`: the code sources are PAI's, reached with each user's own AccessKey (`upstream/`). */
  upstream?: Upstream | undefined;
}

export interface GitOptions {
  allowedNetworks?: readonly string[];
  caPem?: string | undefined;
  timeoutMs?: number;
  maxBytes?: number;
  /** Name resolution (tests: a table, since this machine's resolver is not on loopback). */
  resolve?: ResolveHost;
}

/** Content-Security-Policy of the console: scripts only from here; antd's runtime styles need inline styles. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The list's addresses (with a drawer open or not), whose first screen has a static frame (scripts/app-shell.ts). */
const SHELL_PATH = /^\/(code-sources(\/[^/]+(\/edit)?)?)?\/?$/;
/** The language of that frame: the one last on screen (the console's cookie), else the browser's, as the console picks it. */
function shellLocale(c: Context<AppEnv>): ShellLocale {
  const chosen = getCookie(c, LOCALE_COOKIE);
  if (chosen === 'en' || chosen === 'zh-CN') return chosen;
  return /^\s*zh\b/i.test(c.req.header('accept-language') ?? '') ? 'zh-CN' : 'en';
}

/** Each route of the table as a path pattern, so a known path with the wrong method is a 405, not a 404. */
const ROUTE_PATTERNS = Object.values(routes).map((r) => ({
  method: r.method.toUpperCase(),
  pattern: pathPattern(r.path),
}));
function allowedMethods(path: string): string[] {
  const methods = ROUTE_PATTERNS.filter((r) => r.pattern.test(path)).map((r) => r.method);
  // Every GET route answers HEAD too (Hono runs the GET handler and drops the body).
  return methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
}

/** Builds the whole HTTP application; `main.ts` only reads the environment and listens. */
export function createApp(deps: AppDeps) {
  const clock = deps.clock ?? Date.now;
  const { storage, keyring, logger } = deps;
  const { identity, codeSources } = storage;
  const service = createCodeSourcesService({ codeSources, identity, keyring });
  const sessionIdleMs = (deps.sessionIdleMinutes ?? 60) * 60_000;
  const sessions = createSessions(identity, keyring, clock, sessionIdleMs);
  const throttle = createSignInThrottle(storage, keyring, clock);
  const gitTimeoutMs = deps.git?.timeoutMs ?? 10_000;
  const gitRemote = createGitRemote({
    policy: createAddressPolicy(deps.git?.allowedNetworks ?? []),
    extraCaPem: deps.git?.caPem,
    timeoutMs: gitTimeoutMs,
    maxBytes: deps.git?.maxBytes,
    resolve: deps.git?.resolve,
  });
  const gitService = createGitRemoteService({
    remote: gitRemote,
    identity,
    codeSources,
    keyring,
    logger,
    clock,
    timeoutMs: gitTimeoutMs,
  });
  const staticFiles = deps.staticDir ? loadStaticFiles(deps.staticDir) : undefined;

  const app = createRouter();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = newRequestId();
    c.set('requestId', requestId);
    c.set('caller', undefined);
    c.set('body', new Uint8Array());
    await next();
    c.header('x-acs-request-id', requestId);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/healthz')) c.header('Cache-Control', 'no-store');
    // The path only: a query string may carry a search text, never worth a log line.
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      requestId,
      userId: c.get('caller')?.userId,
    });
  });

  const errorResponse = (c: Context<AppEnv>, error: unknown) => {
    const requestId = c.get('requestId') ?? newRequestId();
    const host = c.req.header('host');
    // Hono's own refusals (e.g. an unsupported media type found by a validator) in the API's shape.
    if (error instanceof HTTPException && error.status < 500) {
      error =
        error.status === 415
          ? new AppError('UnsupportedMediaType', 'The request body must be sent as application/json')
          : new AppError('BadRequest', error.message || 'The request could not be understood');
    }
    if (!(error instanceof AppError) && isDatabaseUnavailable(error)) {
      logger.warn('the database does not answer', { requestId, engine: storage.engine, error: (error as Error).message });
      error = new AppError(
        'ServiceUnavailable.Database',
        `The database cannot be reached; quote RequestId ${requestId} when reporting it`,
        {
          headers: { 'Retry-After': '2' },
        },
      );
    }
    if (error instanceof AppError) {
      for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
      return c.json(errorBody(requestId, host, error), error.status as 400);
    }
    if (error instanceof UpstreamError) {
      // PAI's own answer, as PAI gave it: its code, its message, its RequestId (ours is in x-acs-request-id).
      for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
      const status = error.status >= 400 && error.status <= 599 ? error.status : 502;
      return c.json(
        {
          RequestId: error.requestId ?? requestId,
          HostId: deps.upstream?.endpoint ?? hostIdOf(host),
          Code: error.code,
          Message: error.message,
        },
        status as 400,
      );
    }
    logger.error('unhandled error', {
      requestId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown',
      stack: error instanceof Error ? error.stack : undefined,
    });
    return c.json(
      errorBody(
        requestId,
        host,
        new AppError('InternalError', `An internal error occurred; quote RequestId ${requestId} when reporting it`),
      ),
      500,
    );
  };
  app.onError((error, c) => errorResponse(c, error));

  app.openapi(tableRoute(routes.CheckHealth), async (c) => {
    try {
      await storage.ping();
    } catch (error) {
      logger.warn('health check: the database does not answer', { engine: storage.engine, error: (error as Error).message });
      throw new AppError('ServiceUnavailable.Database', 'The database cannot be reached', { headers: { 'Retry-After': '2' } });
    }
    return c.json({ Status: 'ok' as const, Database: storage.engine, RequestId: c.get('requestId') }, 200);
  });

  app.use('/api/*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') c.set('body', await readBody(c.req.raw, c.env?.incoming));
    await next();
  });
  app.use('/api/*', rejectRepeatedQuery);
  app.use('/api/*', authenticate({ identity, sessions, clock, sessionIdleMs, trustProxy: deps.trustProxy }));
  app.route('/', sessionRoutes({ identity, sessions, throttle, upstream: deps.upstream }));
  if (deps.upstream) {
    // In front of PAI the AccessKeys are PAI's own (RAM); this service's keys would sign nothing PAI accepts.
    app.use(`${endpoints.ListAccessKeys.path}*`, () => {
      throw new AppError(
        'OperationNotSupported.Upstream',
        "In front of PAI, AccessKeys are PAI's: manage them in Alibaba Cloud's RAM console",
      );
    });
  }
  app.route('/', accessKeysRoutes({ identity, clock }));
  app.route('/', deps.upstream ? upstreamCodeSourcesRoutes({ upstream: deps.upstream, identity }) : codeSourcesRoutes(service));
  app.route('/', gitRemoteRoutes(gitService));
  app.route('/', apiReferenceRoutes(app));

  app.notFound((c) => {
    try {
      return serveFallback(c);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  function serveFallback(c: Context<AppEnv>) {
    const path = c.req.path;
    const allowed = allowedMethods(path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      const allow = allowed.join(', ');
      throw new AppError('MethodNotAllowed', `${c.req.method} is not allowed on ${path}; use ${allow}`, { headers: { Allow: allow } });
    }
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
    const asset = reading ? apiReferenceAsset(path) : undefined;
    if (asset) return sendFile(c, asset);
    if (path.startsWith('/api/') || path === '/api' || !reading || !staticFiles?.index) {
      throw new AppError('NotFound', `No route for ${c.req.method} ${path}`);
    }
    const found = staticFiles.get(path);
    // An asset that does not exist is a 404, not the app shell (a stale chunk must fail loudly).
    if (!found && /\.[a-z0-9]+$/i.test(path)) throw new AppError('NotFound', `No file ${path}`);
    if (found) return sendFile(c, found);
    // A signed-in browser opening the list gets its static frame in the page, painted before any script runs.
    const shell = SHELL_PATH.test(path) && getCookie(c, SESSION_COOKIE) ? staticFiles.indexWithShell(shellLocale(c)) : undefined;
    c.header('Vary', 'Accept-Encoding, Cookie, Accept-Language');
    return sendFile(c, shell ?? staticFiles.index);
  }

  function sendFile(c: Context<AppEnv>, file: StaticFile) {
    const { body, encoding } = encodedBody(file, c.req.header('accept-encoding'));
    c.header('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (!c.res.headers.has('Vary')) c.header('Vary', 'Accept-Encoding');
    if (encoding) c.header('Content-Encoding', encoding);
    return c.body(new Uint8Array(body), 200, { 'Content-Type': file.type });
  }

  return { app, identity, codeSources, service, sessions };
}
