import dns from 'node:dns';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { SecureContext } from 'node:tls';
import type { GitCheckResult } from '@/shared/git-remote.schema';
import type { AddressPolicy } from './address-policy';
import { literalAddressOf } from './address-policy';

/** A failed conversation with a remote, already named as the `Result` the API answers with. */
export class GitRemoteError extends Error {
  constructor(
    readonly result: Exclude<GitCheckResult, 'Ok' | 'Empty' | 'BranchNotFound' | 'CommitNotFound'>,
    message: string,
    readonly redirectLocation?: string,
  ) {
    super(message);
    this.name = 'GitRemoteError';
  }
}

/** `dns.lookup` with `all: true`, or a table in tests (this machine's resolver is not on loopback). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;
export const systemResolve: ResolveHost = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export interface GitHttpOptions {
  policy: AddressPolicy;
  /** The system's CAs plus `GIT_CA_FILE`. */
  secureContext: SecureContext;
  resolve: ResolveHost;
  /** Ends every request of this conversation: the time limit. */
  signal: AbortSignal;
  /** Bytes this conversation may read from the remote, all responses together. */
  maxBytes: number;
  /** Basic credentials, sent with every request (only ever over TLS). */
  authorization: string | undefined;
}

export interface GitHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  message: IncomingMessage;
}

const NETWORK_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
]);
const HOST_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL', 'ENODATA']);

/** Names a transport failure without echoing anything the remote (or the caller) sent. */
export function classifyNetworkError(error: unknown, signal: AbortSignal, host: string): GitRemoteError {
  if (error instanceof GitRemoteError) return error;
  if (signal.aborted) return new GitRemoteError('Timeout', `${host} did not answer in time`);
  const code = (error as { code?: unknown } | undefined)?.code;
  const name = typeof code === 'string' ? code : '';
  if (HOST_NOT_FOUND.has(name)) return new GitRemoteError('HostNotFound', `The host name ${host} does not resolve (${name})`);
  if (NETWORK_UNREACHABLE.has(name)) return new GitRemoteError('Unreachable', `${host} could not be reached (${name})`);
  if (name === 'ETIMEDOUT') return new GitRemoteError('Timeout', `${host} did not answer in time (${name})`);
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_|ERR_OSSL)/.test(name) || name === 'EPROTO') {
    return new GitRemoteError('TlsError', `${host}'s TLS certificate is not trusted or the TLS handshake failed (${name})`);
  }
  return new GitRemoteError('Unreachable', `${host} could not be reached${name ? ` (${name})` : ''}`);
}

/** The redirect target as something safe to show: no user info, no query, bounded. */
export function describeLocation(location: string | undefined, base: URL): string {
  if (!location) return '(no Location header)';
  try {
    const target = new URL(location, base);
    target.username = '';
    target.password = '';
    target.search = '';
    target.hash = '';
    return target.toString().slice(0, 300);
  } catch {
    return '(an invalid Location header)';
  }
}

/**
 * One conversation with one Git remote over HTTPS: the address check at connect time, no redirects, a byte budget
 * and a time limit for all its requests. Keeps one connection for the conversation's requests.
 */
export function createGitHttp(options: GitHttpOptions) {
  const { policy, secureContext, resolve, signal } = options;
  let budget = options.maxBytes;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 2, secureContext });

  /** Every address the name resolves to is checked when the socket connects, so a rebinding DNS cannot slip past. */
  const lookup = (
    hostname: string,
    lookupOptions: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          return callback(Object.assign(new Error('no addresses'), { code: 'ENOTFOUND' }), '', 0);
        }
        for (const a of addresses) {
          const verdict = policy.check(a.address);
          if (!verdict.allowed) {
            return callback(
              new GitRemoteError(
                'AddressNotAllowed',
                `${hostname} resolves to ${a.address}, a ${verdict.range} address; the server does not connect there (GIT_ALLOWED_NETWORKS)`,
              ),
              '',
              0,
            );
          }
        }
        if (lookupOptions.all) return callback(null, addresses);
        const first = addresses[0] as LookupAddress;
        return callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as Error, '', 0),
    );
  };

  async function send(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body?: Uint8Array): Promise<GitHttpResponse> {
    if (url.protocol !== 'https:') throw new GitRemoteError('Unsupported', 'Only https:// remotes can be checked');
    if (signal.aborted) throw classifyNetworkError(undefined, signal, url.host);
    const literal = literalAddressOf(url.hostname);
    if (literal !== null) {
      const verdict = policy.check(literal);
      if (!verdict.allowed) {
        throw new GitRemoteError(
          'AddressNotAllowed',
          `${url.hostname} is a ${verdict.range} address; the server does not connect there (GIT_ALLOWED_NETWORKS)`,
        );
      }
    }
    const requestHeaders: Record<string, string> = { 'User-Agent': 'git/2.39 (code-configuration-console)', ...headers };
    if (options.authorization) requestHeaders.Authorization = options.authorization;
    if (body) requestHeaders['Content-Length'] = String(body.byteLength);
    return await new Promise<GitHttpResponse>((resolvePromise, reject) => {
      const request = https.request(
        {
          protocol: 'https:',
          host: literal ?? url.hostname,
          servername: literal === null ? url.hostname : undefined,
          port: url.port === '' ? 443 : Number(url.port),
          path: url.pathname + url.search,
          method,
          headers: requestHeaders,
          agent,
          lookup: literal === null ? (lookup as never) : undefined,
          signal,
        },
        (message) => {
          const responseHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers)) if (typeof v === 'string') responseHeaders[k] = v;
          resolvePromise({ statusCode: message.statusCode ?? 0, headers: responseHeaders, message });
        },
      );
      request.on('error', (error) => reject(classifyNetworkError(error, signal, url.host)));
      request.end(body);
    });
  }

  /** Reads a whole body within the conversation's budget; beyond it the connection is dropped: TooLarge. */
  async function readAll(response: GitHttpResponse, host: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response.message as AsyncIterable<Buffer>) {
        budget -= chunk.byteLength;
        if (budget < 0) {
          response.message.destroy();
          throw new GitRemoteError(
            'TooLarge',
            `${host} sent more than ${Math.round(options.maxBytes / 1024 / 1024)} MiB; the check stopped`,
          );
        }
        chunks.push(chunk);
      }
    } catch (error) {
      throw classifyNetworkError(error, signal, host);
    }
    return Buffer.concat(chunks);
  }

  /** Reads chunks until `enough` says it has seen enough (then drops the connection), within the budget. */
  async function readUntil(response: GitHttpResponse, host: string, enough: (soFar: Buffer) => boolean): Promise<Buffer> {
    let soFar = Buffer.alloc(0);
    try {
      for await (const chunk of response.message as AsyncIterable<Buffer>) {
        budget -= chunk.byteLength;
        if (budget < 0) throw new GitRemoteError('TooLarge', `${host} sent more than the check reads; the check stopped`);
        soFar = Buffer.concat([soFar, chunk]);
        if (enough(soFar)) break;
      }
    } catch (error) {
      throw classifyNetworkError(error, signal, host);
    } finally {
      response.message.destroy();
    }
    return soFar;
  }

  /** Turns what the remote answered into a Result when it is not a Git answer. */
  async function expectGit(response: GitHttpResponse, url: URL, contentType: string): Promise<void> {
    const status = response.statusCode;
    const host = url.host;
    if (status >= 300 && status < 400) {
      response.message.destroy();
      const location = describeLocation(response.headers.location, url);
      throw new GitRemoteError(
        'Redirected',
        `${host} redirects (HTTP ${status}) to ${location}; use that address if it is right`,
        location,
      );
    }
    if (status === 401 || status === 403) {
      response.message.destroy();
      throw new GitRemoteError('AuthFailed', `${host} refused the credentials (HTTP ${status})`);
    }
    if (status === 404) {
      response.message.destroy();
      throw new GitRemoteError('NotFound', `${host} has no such repository, or these credentials have no access to it (HTTP 404)`);
    }
    if (status !== 200) {
      response.message.destroy();
      throw new GitRemoteError('Unreachable', `${host} answered HTTP ${status}; the server may be down or failing`);
    }
    const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== contentType) {
      response.message.destroy();
      throw new GitRemoteError(
        'NotGitServer',
        `${host} answered with ${type || 'no content type'}, not Git's smart HTTP protocol (a web or sign-in page?)`,
      );
    }
  }

  return {
    send,
    readAll,
    readUntil,
    expectGit,
    close: () => agent.destroy(),
  };
}
export type GitHttp = ReturnType<typeof createGitHttp>;
