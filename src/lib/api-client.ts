import { CSRF_HEADER } from '@/shared/api-paths';
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

let csrfToken: string | undefined;
/** Remembers the session's CSRF token; every state-changing request sends it. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();
/** Called when any request answers 401 — the session expired or was ended elsewhere. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** The sign-in call answers 401 for a wrong password; that is not an expired session. */
  skipUnauthenticatedEvent?: boolean;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

/** The one way the console talks to the API: JSON in and out, CSRF header on writes, ApiError on failure. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const url = search.size > 0 ? `${path}?${search.toString()}` : path;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, { Message: error instanceof Error ? error.message : 'Network error' });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !options.skipUnauthenticatedEvent) for (const listener of unauthenticatedListeners) listener();
    throw new ApiError(response.status, json as Partial<ApiErrorBody> | undefined);
  }
  return { data: json as T, headers: response.headers };
}
