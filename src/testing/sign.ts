import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * A hand-written ACS3-HMAC-SHA256 signer that mirrors `@alicloud/openapi-client` (0.4.15) `doRequest` +
 * `@alicloud/openapi-util` `getAuthorization`, so tests can build requests the client would send and then change
 * one thing. Kept independent of src/server/signature.ts on purpose: it must not share the server's mistakes.
 */
export const ALGORITHM = 'ACS3-HMAC-SHA256';
export const API_VERSION = '2021-02-04';

export interface SignInput {
  method: string;
  /** The path, as the client's `params.pathname`. */
  pathname: string;
  query?: Record<string, string>;
  /** A JSON body; serialized with JSON.stringify, as the client's `reqBodyType: 'json'` does. */
  body?: unknown;
  action: string;
  accessKeyId: string;
  accessKeySecret: string;
  host?: string;
  /** `x-acs-date`; now by default. */
  date?: Date;
  /** `x-acs-signature-nonce`; 32 random hex characters by default. */
  nonce?: string;
  /** Extra headers; lower-case `x-acs-*`, `host` and `content-type` ones are signed, as the client signs them. */
  headers?: Record<string, string>;
  /** Headers to leave out of `SignedHeaders` (still sent): for incomplete-signature tests. */
  unsigned?: string[];
}

export interface SignedRequest {
  method: string;
  /** Path plus query string, as the client puts it on the wire. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  canonicalRequest: string;
}

/** `encodeURIComponent` that also escapes `! ' ( ) *` (openapi-util `encode`). */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string) => createHash('sha256').update(Buffer.from(data, 'utf8')).digest('hex');

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC (openapi-util `getTimestamp`). */
export function acsDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The `Authorization` value for a canonical request. */
export function authorizationFor(canonicalRequest: string, signedHeaders: string[], accessKeyId: string, secret: string): string {
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', secret).update(stringToSign).digest('hex');
  return `${ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}

/** The canonical request the client builds from a request's parts (openapi-util `getAuthorization`). */
export function canonicalRequestOf(
  method: string,
  pathname: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  unsigned: string[] = [],
) {
  const canonicalUri = pathname.replace('+', '%20').replace('*', '%2A').replace('%7E', '~');
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${k}=${acsEncode(query[k] ?? '')}`)
    .join('&');
  const signed = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (unsigned.includes(lower)) continue;
    if (lower.startsWith('x-acs-') || lower === 'host' || lower === 'content-type')
      signed.set(lower, [...(signed.get(lower) ?? []), value.trim()]);
  }
  const signedHeaders = [...signed.keys()].sort();
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(signed.get(h) ?? []).sort().join(',')}\n`).join('');
  const canonicalRequest = [
    method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    headers['x-acs-content-sha256'] ?? '',
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** Headers, URL and body exactly as the client would send them, signed with the given AccessKey pair. */
export function signRequest(input: SignInput): SignedRequest {
  const query = input.query ?? {};
  const body = input.body === undefined ? undefined : JSON.stringify(input.body);
  const headers: Record<string, string> = {
    host: input.host ?? 'localhost',
    'x-acs-version': API_VERSION,
    'x-acs-action': input.action,
    'x-acs-date': acsDate(input.date ?? new Date()),
    'x-acs-signature-nonce': input.nonce ?? randomBytes(16).toString('hex'),
    accept: 'application/json',
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    ...input.headers,
  };
  headers['x-acs-content-sha256'] = sha256Hex(body ?? '');
  const { canonicalRequest, signedHeaders } = canonicalRequestOf(input.method, input.pathname, query, headers, input.unsigned);
  headers.authorization = authorizationFor(canonicalRequest, signedHeaders, input.accessKeyId, input.accessKeySecret);
  // The client's querystring.stringify leaves `! ' ( ) *` raw on the wire; the server must rebuild, not copy.
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return { method: input.method, url: qs ? `${input.pathname}?${qs}` : input.pathname, headers, body, canonicalRequest };
}
