import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { listServerRefs, type GitHttpRequest, type GitHttpResponse as IsoGitResponse, type HttpClient } from 'isomorphic-git';
import type { AddressPolicy } from './address-policy';
import { classifyNetworkError, createGitHttp, GitRemoteError, systemResolve, type GitHttp, type ResolveHost } from './git-http';

/**
 * Talks to Git remotes over HTTPS, in this process: isomorphic-git speaks the protocol (v2 `ls-refs`, or the v0
 * advertisement of older servers) through our own HTTP client (`git-http.ts`), which checks every address at
 * connect time, follows no redirect, reads a bounded number of bytes and stops at the time limit. No `git`
 * process is started, so no token can show up in a process's arguments or survive a killed parent.
 */

export interface GitRemoteConfig {
  policy: AddressPolicy;
  /** PEM certificates trusted in addition to the system's (`GIT_CA_FILE`). */
  extraCaPem?: string | undefined;
  timeoutMs: number;
  maxBytes?: number;
  resolve?: ResolveHost;
}

export interface RemoteAccess {
  url: string;
  userName: string;
  token: string;
}

export interface RemoteRef {
  name: string;
  commit: string;
}

export interface RefListing {
  /** The branch HEAD points at; '' when the remote does not say (or the repository is empty). */
  defaultBranch: string;
  refs: RemoteRef[];
}

export type CommitProbe = { status: 'Found' } | { status: 'NotFound' } | { status: 'Unverified'; reason: string };

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Basic credentials as git sends them; a token without a user name goes with a placeholder user name. */
export function basicAuthorization(userName: string, token: string): string | undefined {
  if (!userName && !token) return undefined;
  return `Basic ${Buffer.from(`${userName || 'x-access-token'}:${token}`, 'utf8').toString('base64')}`;
}

function pktLine(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((body.byteLength + 4).toString(16).padStart(4, '0'), 'ascii'), body]);
}

/** The pkt-lines in `data` (complete ones only); `null` entries are flush/delim/end packets. */
export function parsePktLines(data: Buffer): (string | null)[] {
  const lines: (string | null)[] = [];
  let offset = 0;
  while (offset + 4 <= data.byteLength) {
    const length = Number.parseInt(data.subarray(offset, offset + 4).toString('ascii'), 16);
    if (!Number.isFinite(length)) break;
    if (length < 4) {
      lines.push(null);
      offset += 4;
      continue;
    }
    if (offset + length > data.byteLength) break;
    lines.push(data.subarray(offset + 4, offset + length).toString('utf8'));
    offset += length;
  }
  return lines;
}

export function createGitRemote(config: GitRemoteConfig) {
  const secureContext: SecureContext = createSecureContext({
    ca: config.extraCaPem ? [...rootCertificates, config.extraCaPem] : [...rootCertificates],
  });
  const resolve = config.resolve ?? systemResolve;
  const maxBytes = config.maxBytes ?? DEFAULT_MAX_BYTES;

  /** Runs one conversation with the remote under the time limit; every failure comes out as a GitRemoteError. */
  async function converse<T>(access: RemoteAccess, work: (http: GitHttp, base: URL) => Promise<T>): Promise<T> {
    const base = new URL(access.url);
    if (base.protocol !== 'https:') throw new GitRemoteError('Unsupported', 'Only https:// remotes can be checked');
    const signal = AbortSignal.timeout(config.timeoutMs);
    const http = createGitHttp({
      policy: config.policy,
      secureContext,
      resolve,
      signal,
      maxBytes,
      authorization: basicAuthorization(access.userName, access.token),
    });
    try {
      return await work(http, base);
    } catch (error) {
      if (error instanceof GitRemoteError) throw error;
      const isoCode = (error as { code?: string }).code;
      if (isoCode === 'SmartHttpError' || isoCode === 'ParseError') {
        throw new GitRemoteError('NotGitServer', `${base.host} did not answer in Git's smart HTTP protocol`);
      }
      throw classifyNetworkError(error, signal, base.host);
    } finally {
      http.close();
    }
  }

  /** isomorphic-git's HTTP plugin on top of our client: only Git answers reach it, whole and within the budget. */
  function isoHttp(http: GitHttp): HttpClient {
    return {
      async request(req: GitHttpRequest): Promise<IsoGitResponse> {
        const url = new URL(req.url);
        const method = req.method === 'POST' ? 'POST' : 'GET';
        let body: Buffer | undefined;
        if (req.body) {
          const parts: Uint8Array[] = [];
          for await (const part of req.body as AsyncIterable<Uint8Array>) parts.push(part);
          body = Buffer.concat(parts);
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers ?? {})) if (k.toLowerCase() !== 'authorization') headers[k] = v;
        const response = await http.send(url, method, headers, body);
        const service = url.pathname.endsWith('/info/refs') ? 'advertisement' : 'result';
        await http.expectGit(response, url, `application/x-git-upload-pack-${service}`);
        const data = await http.readAll(response, url.host);
        return {
          url: req.url,
          method,
          statusCode: 200,
          statusMessage: 'OK',
          // isomorphic-git compares the content type exactly; it was checked above, parameters and all.
          headers: { ...response.headers, 'content-type': `application/x-git-upload-pack-${service}` },
          body: (async function* () {
            yield new Uint8Array(data);
          })(),
        };
      },
    };
  }

  async function listing(http: GitHttp, access: RemoteAccess, kind: 'heads' | 'tags'): Promise<RefListing> {
    const client = isoHttp(http);
    const url = access.url.replace(/\/+$/, '');
    // One after the other on the conversation's connection: HEAD's target, then the refs of this kind.
    const head = await listServerRefs({ http: client, url, prefix: 'HEAD', symrefs: true });
    const refs = await listServerRefs({ http: client, url, prefix: `refs/${kind}/`, peelTags: kind === 'tags' });
    const target = head.find((r) => r.ref === 'HEAD')?.target ?? '';
    const defaultBranch = target.startsWith('refs/heads/') ? target.slice('refs/heads/'.length) : '';
    const prefix = `refs/${kind}/`;
    const out: RemoteRef[] = [];
    for (const r of refs) {
      if (!r.ref.startsWith(prefix) || r.ref.endsWith('^{}')) continue;
      out.push({ name: r.ref.slice(prefix.length), commit: r.peeled ?? r.oid });
    }
    return { defaultBranch, refs: out };
  }

  /**
   * Whether the remote has this commit, asked with protocol v2's `fetch` for that one object (depth 1, no trees
   * when the server can filter): the answer's first section header says yes, an `ERR` says no; the pack itself
   * is never downloaded — the connection is dropped as soon as the answer is known.
   */
  async function probe(http: GitHttp, access: RemoteAccess, commit: string): Promise<CommitProbe> {
    const url = access.url.replace(/\/+$/, '');
    const advertisementUrl = new URL(`${url}/info/refs?service=git-upload-pack`);
    const advertised = await http.send(advertisementUrl, 'GET', { 'Git-Protocol': 'version=2' });
    await http.expectGit(advertised, advertisementUrl, 'application/x-git-upload-pack-advertisement');
    const lines = parsePktLines(await http.readAll(advertised, advertisementUrl.host)).filter((l): l is string => l !== null);
    const capabilities = lines.map((l) => l.replace(/\n$/, ''));
    if (!capabilities.includes('version 2')) {
      return { status: 'Unverified', reason: 'the server does not speak Git protocol v2, which is needed to ask for one commit' };
    }
    const fetchFeatures = (capabilities.find((c) => c.startsWith('fetch')) ?? '').replace(/^fetch=?/, '').split(' ');
    const objectFormat = capabilities.find((c) => c.startsWith('object-format='));
    const request = Buffer.concat([
      pktLine('command=fetch\n'),
      ...(objectFormat ? [pktLine(`${objectFormat}\n`)] : []),
      Buffer.from('0001', 'ascii'),
      pktLine(`want ${commit}\n`),
      ...(fetchFeatures.includes('shallow') ? [pktLine('deepen 1\n')] : []),
      ...(fetchFeatures.includes('filter') ? [pktLine('filter tree:0\n')] : []),
      pktLine('no-progress\n'),
      pktLine('done\n'),
      Buffer.from('0000', 'ascii'),
    ]);
    const fetchUrl = new URL(`${url}/git-upload-pack`);
    const answered = await http.send(
      fetchUrl,
      'POST',
      {
        'Git-Protocol': 'version=2',
        'Content-Type': 'application/x-git-upload-pack-request',
        Accept: 'application/x-git-upload-pack-result',
      },
      request,
    );
    await http.expectGit(answered, fetchUrl, 'application/x-git-upload-pack-result');
    const decided = (lines: (string | null)[]) =>
      lines.some((l) => l !== null && (l.startsWith('ERR ') || /^(shallow-info|packfile|acknowledgments|wanted-refs)\n?$/.test(l)));
    const head = await http.readUntil(answered, fetchUrl.host, (soFar) => decided(parsePktLines(soFar)));
    const answer = parsePktLines(head).filter((l): l is string => l !== null);
    if (answer.some((l) => l.startsWith('ERR '))) return { status: 'NotFound' };
    if (decided(answer)) return { status: 'Found' };
    return { status: 'Unverified', reason: 'the server ended the answer before saying whether it has the commit' };
  }

  return {
    /** The branches (`heads`) or tags of the remote, and its default branch. */
    listRefs(access: RemoteAccess, kind: 'heads' | 'tags'): Promise<RefListing> {
      return converse(access, (http) => listing(http, access, kind));
    },
    /** Whether the remote has this full commit id. */
    probeCommit(access: RemoteAccess, commit: string): Promise<CommitProbe> {
      if (!FULL_OID.test(commit)) {
        return Promise.resolve({ status: 'Unverified', reason: 'only a full commit id can be looked up on the remote' });
      }
      return converse(access, (http) => probe(http, access, commit));
    },
  };
}
export type GitRemote = ReturnType<typeof createGitRemote>;
