import type { z } from 'zod';
import { CSRF_HEADER, endpoints, fillPath, type OperationName } from '@/shared/api-paths';
import type { Routes } from '@/shared/api-routes';
import type { ApiErrorBody } from '@/shared/error-codes';

/** A failed API call: the HTTP status and PAI's error body (Code, Message, RequestId, and Field/Rule for a field). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly field: string | undefined;
  readonly rule: string | undefined;

  constructor(status: number, body: Partial<ApiErrorBody> | undefined) {
    super(body?.Message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.Code ?? (status === 0 ? 'NetworkError' : `HTTP${status}`);
    this.requestId = body?.RequestId;
    this.field = body?.Field;
    this.rule = body?.Rule;
  }
}

/** True for an error the server answered with a 4xx: retrying the same request cannot help. */
export function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

let csrfTokenSource: () => string | undefined = () => undefined;
/** Where the session's CSRF token comes from (the session query); every state-changing request sends it. */
export function setCsrfTokenSource(source: () => string | undefined): void {
  csrfTokenSource = source;
}

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();
/** Called when any request answers 401 — the session expired or was ended elsewhere. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

// Types of each operation, read from the route table (types only: the schemas stay out of the bundle).
type JsonSchemaOf<T> = T extends { content: { 'application/json': { schema: infer S extends z.ZodType } } } ? S : never;
type RequestOf<N extends OperationName> = Routes[N] extends { request: infer Q } ? Q : object;
type Part<N extends OperationName, K extends string, Key extends string> =
  RequestOf<N> extends Record<K, infer S extends z.ZodType> ? Record<Key, z.input<S>> : object;
type BodyPart<N extends OperationName> =
  RequestOf<N> extends { body: infer B }
    ? B extends { required: true }
      ? { body: z.input<JsonSchemaOf<B>> }
      : { body?: z.input<JsonSchemaOf<B>> }
    : object;

/** What a call of operation `N` takes: its path parameters, query, body and headers as the table declares them. */
export type ApiInput<N extends OperationName> = Part<N, 'params', 'params'> &
  Part<N, 'query', 'query'> &
  Partial<Part<N, 'headers', 'headers'>> &
  BodyPart<N> & { signal?: AbortSignal };
/** What operation `N` answers on success. */
export type ApiOutput<N extends OperationName> = z.output<JsonSchemaOf<Routes[N]['responses'][200]>>;

export interface ApiResponse<N extends OperationName> {
  data: ApiOutput<N>;
  headers: Headers;
}

/** Operations whose 401 means "wrong password", not "the session expired". */
const OWN_401: ReadonlySet<OperationName> = new Set(['CreateSession', 'DeleteSession']);

/**
 * The one way the console talks to the API: operation `name` of the route table, JSON in and out, the CSRF header
 * on writes, `ApiError` on failure. In development builds and tests every answer is checked against the table's
 * schema for its status, so the console and the server cannot drift apart unnoticed.
 */
export async function callApi<N extends OperationName>(name: N, input: ApiInput<N>): Promise<ApiResponse<N>> {
  const { method, path } = endpoints[name];
  const {
    params,
    query,
    body,
    headers: extraHeaders,
    signal,
  } = input as {
    params?: Record<string, string>;
    query?: Record<string, string | undefined>;
    body?: unknown;
    headers?: Record<string, string | undefined>;
    signal?: AbortSignal;
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') search.set(key, value);
  const target = fillPath(path, params) + (search.size > 0 ? `?${search.toString()}` : '');
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [key, value] of Object.entries(extraHeaders ?? {})) if (value !== undefined) headers[key] = value;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrfToken = csrfTokenSource();
  if (method !== 'get' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(target, {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, { Message: error instanceof Error ? error.message : 'Network error' });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (import.meta.env.DEV) await checkAgainstTable(name, response.status, json);
  if (!response.ok) {
    if (response.status === 401 && !OWN_401.has(name)) for (const listener of unauthenticatedListeners) listener();
    throw new ApiError(response.status, isErrorBody(json) ? json : undefined);
  }
  // Production builds trust the server here, as the type says; development builds and tests checked it above.
  return { data: json as ApiOutput<N>, headers: response.headers };
}

function isErrorBody(value: unknown): value is Partial<ApiErrorBody> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Development and tests only (Vite drops it from production builds, with the schemas it loads). */
async function checkAgainstTable(name: OperationName, status: number, json: unknown): Promise<void> {
  const { routes, apiErrorBodySchema } = await import('@/shared/api-routes');
  const documented = (routes[name].responses as Record<number, { content?: { 'application/json'?: { schema: z.ZodType } } }>)[status];
  if (!documented) throw new Error(`${name} answered ${status}, which the route table does not document`);
  const schema = status >= 400 ? apiErrorBodySchema : documented.content?.['application/json']?.schema;
  if (!schema) return;
  const result = schema.safeParse(json);
  if (!result.success) throw new Error(`${name} ${status}: the answer does not match the route table: ${result.error.message}`);
}
