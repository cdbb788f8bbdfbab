import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors';

/** Headers Alibaba Cloud's client always signs; a signature that leaves one out is incomplete. */
export const REQUIRED_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-content-sha256',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-version',
];
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const ALGORITHM = 'ACS3-HMAC-SHA256';

export interface SignedRequest {
  method: string;
  /** The path as sent on the wire, without the query. */
  rawPath: string;
  query: URLSearchParams;
  header: (name: string) => string | undefined;
  body: Uint8Array;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
  date: number;
  nonce: string;
}

/** encodeURIComponent plus `! ' ( ) *`, as the client's canonical query does. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` and checks what needs no secret. */
export function parseAuthorization(request: SignedRequest, nowMs: number): ParsedAuthorization {
  const header = request.header('authorization') ?? '';
  if (!header.startsWith(`${ALGORITHM} `)) {
    throw new AppError('IncompleteSignature', `Only ${ALGORITHM} signatures are accepted`);
  }
  const parts = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders')?.split(';') ?? [];
  const signature = parts.get('Signature');
  if (!accessKeyId || !signature || signedHeaders.length === 0) {
    throw new AppError('IncompleteSignature', 'Authorization needs Credential, SignedHeaders and Signature');
  }
  const required = request.body.byteLength > 0 ? [...REQUIRED_SIGNED_HEADERS, 'content-type'] : REQUIRED_SIGNED_HEADERS;
  const missing = required.find((h) => !signedHeaders.includes(h) || request.header(h) === undefined);
  if (missing) throw new AppError('IncompleteSignature', `The signature must cover the ${missing} header`);
  const dateText = request.header('x-acs-date') ?? '';
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(dateText) || Number.isNaN(Date.parse(dateText))) {
    throw new AppError('InvalidTimeStamp.Format', 'x-acs-date must be a UTC time as YYYY-MM-DDTHH:mm:ssZ');
  }
  const date = Date.parse(dateText);
  if (Math.abs(nowMs - date) > MAX_CLOCK_SKEW_MS) {
    throw new AppError('InvalidTimeStamp.Expired', 'x-acs-date is more than 15 minutes away from the server time');
  }
  const nonce = request.header('x-acs-signature-nonce') ?? '';
  if (!/^[\x21-\x7e]{8,128}$/.test(nonce))
    throw new AppError('IncompleteSignature', 'x-acs-signature-nonce must be 8-128 printable characters');
  return { accessKeyId, signedHeaders, signature, date, nonce };
}

/** The canonical request of the V3 scheme, rebuilt from what arrived. */
export function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const canonicalUri = (request.rawPath || '/').replace('+', '%20').replace('*', '%2A').replace('%7E', '~');
  const keys = [...new Set(request.query.keys())].sort();
  const canonicalQuery = keys.map((k) => `${k}=${percentEncode(request.query.get(k) ?? '')}`).join('&');
  const sorted = [...signedHeaders].sort();
  const canonicalHeaders = sorted.map((h) => `${h}:${(request.header(h) ?? '').trim()}\n`).join('');
  return [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    sorted.join(';'),
    request.header('x-acs-content-sha256') ?? '',
  ].join('\n');
}

/** Checks the body hash and the signature with the AccessKey secret; throws SignatureDoesNotMatch otherwise. */
export function verifySignature(request: SignedRequest, auth: ParsedAuthorization, secret: string): void {
  const declaredHash = request.header('x-acs-content-sha256') ?? '';
  const actualHash = sha256Hex(request.body);
  const expected = signRequest(canonicalRequest(request, auth.signedHeaders), secret);
  const given = Buffer.from(auth.signature, 'utf8');
  const ok = declaredHash === actualHash && given.length === expected.length && timingSafeEqual(given, Buffer.from(expected, 'utf8'));
  if (!ok)
    throw new AppError('SignatureDoesNotMatch', 'The request signature does not match; check the AccessKey secret and what was signed');
}

export function signRequest(canonical: string, secret: string): string {
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonical)}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}
