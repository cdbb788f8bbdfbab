import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { ApiErrorBody } from '@/shared/error-codes';
import type { RequestClient } from './auth';
import type { Caller } from './code-sources.service';
import { AppError } from './errors';

export const MAX_BODY_BYTES = 64 * 1024;

/** What the middleware chain puts on each request. */
export interface AppVariables {
  requestId: string;
  caller: Caller | undefined;
  /** The raw body bytes, read once with the 64 KiB limit (also for chunked bodies). */
  body: Uint8Array;
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

/** Reads the body stream up to the limit; beyond it, 413 without reading the rest into memory. */
export async function readBody(request: Request): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
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

/**
 * The body as a JSON object. `allowEmpty` lets body-less operations (publish, delete) take no body at all.
 * Anything but `application/json` is a 415; anything but an object is a 400.
 */
export function jsonBody(c: AppContext, { allowEmpty = false } = {}): Record<string, unknown> {
  const bytes = c.get('body');
  if (bytes.byteLength === 0) {
    if (allowEmpty) return {};
    throw new AppError('MalformedJSON', 'The request body must be a JSON object');
  }
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/.test(type)) {
    throw new AppError('UnsupportedMediaType', 'The request body must be sent as application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('MalformedJSON', 'The request body is not valid UTF-8 JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('MalformedJSON', 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The query as single values; a repeated parameter is a 400, never a silent pick. */
export function singleQuery(c: AppContext): Record<string, string> {
  const params = new URL(c.req.url).searchParams;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of params) {
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw new AppError('InvalidParameter', `${key} is given more than once`, key, 'duplicate_query');
    }
    out[key] = value;
  }
  return { ...out };
}

export function requireCaller(c: AppContext): Caller {
  const caller = c.get('caller');
  if (!caller) throw new AppError('Unauthenticated', 'Sign in, or sign the request with an AccessKey');
  return caller;
}
