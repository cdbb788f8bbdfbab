import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { ApiErrorBody } from '@/shared/error-codes';
import type { Caller, RequestClient } from './auth';
import { AppError, validationError } from './errors';

export const MAX_BODY_BYTES = 64 * 1024;

/** What the middleware chain puts on each request. */
export interface AppVariables {
  requestId: string;
  caller: Caller | undefined;
  /** The raw body bytes, read once with the 64 KiB limit (also for chunked bodies). */
  body: Uint8Array;
  /** The JSON body as sent, before validation (set by `jsonBodyGate`). */
  rawBody: unknown;
  /** Set when the request came with a browser session: the session id's MAC. */
  sessionMac: string | undefined;
  /** The client's address and how the browser reached us (set by `authenticate` on /api). */
  client: RequestClient | undefined;
}
export type AppEnv = { Bindings: Partial<HttpBindings>; Variables: AppVariables };
export type AppContext = Context<AppEnv>;

/** PAI's request ids look like `473469C7-AA6F-4DC5-B3DB-A3xxxxxxxxxx`. */
export const newRequestId = () => randomUUID().toUpperCase();

const HOST_ID = /^[A-Za-z0-9.:[\]-]{1,255}$/;
export function hostIdOf(host: string | undefined): string {
  return host && HOST_ID.test(host) ? host : 'localhost';
}

export function errorBody(requestId: string, host: string | undefined, error: AppError): ApiErrorBody {
  const body: ApiErrorBody = { RequestId: requestId, HostId: hostIdOf(host), Code: error.code, Message: error.message };
  if (error.field !== undefined) body.Field = error.field;
  if (error.rule !== undefined) body.Rule = error.rule;
  return body;
}

/**
 * Reads the body up to the limit; beyond it, 413 without reading the rest into memory. `incoming` is Node's request
 * when the app runs behind the Node server: a body framed by `Content-Length` (already checked against the limit)
 * cannot be longer than declared there, since Node's HTTP parser ends the body at that length, so it is read in one
 * go without building a web `Request` and its stream. Anything else (chunked, or an in-process `Request`) is read
 * through the stream, counting as it goes.
 */
export async function readBody(request: Request, incoming?: IncomingMessage): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  if (incoming && declared !== null && incoming.headers['transfer-encoding'] === undefined) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
    return bytes;
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
const tooLarge = () => new AppError('PayloadTooLarge', `The request body must be at most ${MAX_BODY_BYTES / 1024} KiB`);

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/;

/**
 * Route middleware for a route that takes a JSON body: anything but `application/json` is a 415, anything but a
 * UTF-8 JSON object a 400. The parsed object is kept as `rawBody` (the ClientToken compares the body as sent).
 * `required: false` lets body-less operations (publish, delete) take no body at all.
 */
export function jsonBodyGate({ required }: { required: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bytes = c.get('body');
    let value: unknown = {};
    let text = '';
    if (bytes.byteLength === 0) {
      if (required) throw new AppError('MalformedJSON', 'The request body must be a JSON object');
    } else {
      const type = (c.req.header('content-type') ?? '').toLowerCase();
      if (!JSON_TYPE.test(type)) throw new AppError('UnsupportedMediaType', 'The request body must be sent as application/json');
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        value = JSON.parse(text);
      } catch {
        throw new AppError('MalformedJSON', 'The request body is not valid UTF-8 JSON');
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new AppError('MalformedJSON', 'The request body must be a JSON object');
      }
    }
    c.set('rawBody', value);
    if (bytes.byteLength > 0) {
      // The route's JSON validator (`c.req.json()`) takes the text read here from Hono's body cache rather than read
      // the request again. Hono keeps the promise of the text there (its declaration types the resolved value).
      (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    } else {
      // No body: a request without one, and without a content type, so the validators take the absent body as `{}`
      // and the media-type check finds nothing to refuse.
      const raw = c.req.raw;
      const headers = new Headers(raw.headers);
      headers.delete('content-type');
      c.req.raw = new Request(raw.url, { method: raw.method, headers, body: null, signal: raw.signal });
    }
    await next();
  };
}

/** A repeated query parameter is a 400, never a silent pick. */
export const rejectRepeatedQuery: MiddlewareHandler<AppEnv> = async (c, next) => {
  const seen = new Set<string>();
  for (const key of new URL(c.req.url).searchParams.keys()) {
    if (seen.has(key)) throw new AppError('InvalidParameter', `${key} is given more than once`, { field: key, rule: 'duplicate_query' });
    seen.add(key);
  }
  await next();
};

export function requireCaller(c: AppContext): Caller {
  const caller = c.get('caller');
  if (!caller) throw new AppError('Unauthenticated', 'Sign in, or sign the request with an AccessKey');
  return caller;
}

/** A router whose validation failures become the API's 400s (`Field`, `Rule`, PAI `Code`). */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result) => {
      // The validator hands the hook the value it checked too (absent from its type).
      if (!result.success) throw validationError(result.error, (result as { data?: unknown }).data);
    },
  });
}

/**
 * A route of the table, ready for `app.openapi`: a route that needs a caller checks for one first; a route with a
 * JSON body then goes through `jsonBodyGate`, so content type and JSON syntax fail with the API's own codes before
 * the schema is checked.
 */
export function tableRoute<R extends RouteConfig>(route: R) {
  const body = route.request?.body;
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  // A route with a security requirement needs a caller before anything about the request is judged.
  if (route.security && route.security.length > 0) middleware.push(callerRequired);
  if (body?.content['application/json'] !== undefined) middleware.push(jsonBodyGate({ required: body.required === true }));
  return createRoute({ ...route, middleware });
}

const callerRequired: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireCaller(c);
  await next();
};
