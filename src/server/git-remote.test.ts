import fs from 'node:fs';
import net from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { GitCheckResponse, GitRefsResponse } from '@/shared/git-remote.schema';
import type { GitOptions } from './app';
import { startGitFixture, type GitFixture } from '@/testing/git-fixture';
import { createTestApp, type TestApp } from '@/testing/test-app';

/**
 * CheckGitRemote and ListGitRefs against a real Git smart-HTTP server (git http-backend behind Node https with a
 * certificate made by openssl for this run) on 127.0.0.1. Nothing here connects anywhere else: names resolve
 * through a table, and refused addresses are refused before any connection.
 */

let fixture: GitFixture;
let caPem: string;
const apps: TestApp[] = [];

beforeAll(async () => {
  fixture = await startGitFixture();
  caPem = fs.readFileSync(fixture.caFile, 'utf8');
}, 120_000);
afterAll(async () => {
  await fixture?.stop();
});
afterEach(() => {
  while (apps.length > 0) apps.pop()?.close();
});

/** Name resolution from a table: this machine's DNS resolver is not on loopback, so no test may use it. */
function tableResolve(table: Record<string, string[]>) {
  const calls: string[] = [];
  const resolve = (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(addresses.map((address) => ({ address, family: net.isIP(address) })));
  };
  return Object.assign(resolve, { calls });
}

async function app(git: Partial<GitOptions> = {}): Promise<TestApp> {
  const t = await createTestApp({
    git: { caPem, allowedNetworks: ['127.0.0.0/8'], timeoutMs: 4000, resolve: tableResolve({ localhost: ['127.0.0.1'] }), ...git },
  });
  apps.push(t);
  return t;
}

async function check(t: TestApp, body: Record<string, unknown>, user: 'admin' | 'dev' | 'dev2' | 'guest' | 'outsider' = 'dev') {
  const res = await t.as(user).post(apiPaths.gitCheck, { WorkspaceId: '2001', ...body });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as GitCheckResponse & { Code?: string; Field?: string; Rule?: string },
  };
}
async function refs(t: TestApp, body: Record<string, unknown>, user: 'admin' | 'dev' | 'dev2' = 'dev') {
  const res = await t.as(user).post(apiPaths.gitRefs, { WorkspaceId: '2001', ...body });
  return { status: res.status, body: (await res.json()) as GitRefsResponse & { Code?: string; Field?: string } };
}
const creds = () => ({ CodeRepoUserName: fixture.user, CodeRepoAccessToken: fixture.token });
const requestsTo = (path: string) => fixture.requests.filter((r) => r.path.includes(path)).length;

describe('CheckGitRemote: what the remote answers', () => {
  it('reads a public repository: its default branch (not master), its branches and the tip', async () => {
    const t = await app();
    const { status, body } = await check(t, { CodeRepo: fixture.repos.public.url });
    expect(status).toBe(200);
    expect(body.Result).toBe('Ok');
    expect(body.DefaultBranch).toBe(fixture.repos.public.defaultBranch);
    expect(body.DefaultBranch).not.toBe('master');
    expect(body.RefCount).toBe(Object.keys(fixture.repos.public.branches).length);
    expect(body.BranchCommit).toBe(fixture.repos.public.branches[fixture.repos.public.defaultBranch]);
    expect(Date.parse(body.CheckedAt)).not.toBeNaN();
  });

  it('a private repository: AuthFailed without or with a wrong token, Ok with the right one', async () => {
    const t = await app();
    const url = fixture.repos.private.url;
    expect((await check(t, { CodeRepo: url })).body.Result).toBe('AuthFailed');
    const wrong = await check(t, { CodeRepo: url, CodeRepoUserName: fixture.user, CodeRepoAccessToken: 'not-the-token' });
    expect(wrong.body.Result).toBe('AuthFailed');
    expect(wrong.body.Message).toMatch(/refused the credentials/);
    const right = await check(t, { CodeRepo: url, ...creds() });
    expect(right.body.Result).toBe('Ok');
    expect(right.body.DefaultBranch).toBe(fixture.repos.private.defaultBranch);
  });

  it('a branch: its tip when it exists, BranchNotFound naming the default branch when not', async () => {
    const t = await app();
    const repo = fixture.repos.public;
    const slashed = Object.keys(repo.branches).find((b) => b.includes('/')) as string;
    const found = await check(t, { CodeRepo: repo.url, CodeBranch: slashed });
    expect(found.body).toMatchObject({ Result: 'Ok', BranchCommit: repo.branches[slashed] });
    const missing = await check(t, { CodeRepo: repo.url, CodeBranch: 'no-such-branch' });
    expect(missing.body.Result).toBe('BranchNotFound');
    expect(missing.body.Message).toContain(repo.defaultBranch);
  });

  it('a commit: found at a tip, found in history (asked of the remote for that one object), CommitNotFound when absent', async () => {
    const t = await app();
    const repo = fixture.repos.public;
    const tip = repo.branches[repo.defaultBranch] as string;
    expect((await check(t, { CodeRepo: repo.url, CodeCommit: tip })).body).toMatchObject({ Result: 'Ok', CommitStatus: 'Found' });
    const before = requestsTo('/public.git/git-upload-pack');
    expect((await check(t, { CodeRepo: repo.url, CodeCommit: repo.olderCommit })).body).toMatchObject({
      Result: 'Ok',
      CommitStatus: 'Found',
    });
    expect(requestsTo('/public.git/git-upload-pack')).toBeGreaterThan(before);
    const absent = await check(t, { CodeRepo: repo.url, CodeCommit: 'deadbeef'.repeat(5) });
    expect(absent.body).toMatchObject({ Result: 'CommitNotFound', CommitStatus: 'NotFound' });
    // An abbreviated id that is no tip cannot be asked for: said honestly, not called missing.
    const short = await check(t, { CodeRepo: repo.url, CodeCommit: repo.olderCommit.slice(0, 10) });
    expect(short.body).toMatchObject({ Result: 'Ok', CommitStatus: 'Unverified' });
    expect(short.body.Message).toMatch(/could not be verified/);
  });

  it('a server without protocol v2: refs still read; a commit in history is Unverified, not missing', async () => {
    const t = await app();
    const repo = fixture.repos.v0;
    expect((await check(t, { CodeRepo: repo.url })).body).toMatchObject({ Result: 'Ok', DefaultBranch: repo.defaultBranch });
    expect((await check(t, { CodeRepo: repo.url, CodeCommit: repo.olderCommit })).body).toMatchObject({
      Result: 'Ok',
      CommitStatus: 'Unverified',
    });
  });

  it('an empty repository is Empty (a warning), a missing one NotFound', async () => {
    const t = await app();
    expect((await check(t, { CodeRepo: fixture.repos.empty.url })).body.Result).toBe('Empty');
    expect((await check(t, { CodeRepo: fixture.urls.missing })).body.Result).toBe('NotFound');
  });

  it('names what is not a Git server: a sign-in page, a 500, a 403, a redirect (named, not followed)', async () => {
    const t = await app();
    expect((await check(t, { CodeRepo: fixture.urls.html })).body.Result).toBe('NotGitServer');
    expect((await check(t, { CodeRepo: fixture.urls.serverError })).body.Result).toBe('Unreachable');
    expect((await check(t, { CodeRepo: fixture.urls.forbidden })).body.Result).toBe('AuthFailed');
    const publicBefore = requestsTo('/public.git');
    const redirected = await check(t, { CodeRepo: fixture.urls.redirect });
    expect(redirected.body.Result).toBe('Redirected');
    expect(redirected.body.RedirectLocation).toContain('/public.git');
    expect(requestsTo('/public.git')).toBe(publicBefore);
  });

  it('an untrusted certificate is TlsError; a closed port Unreachable; an unknown name HostNotFound', async () => {
    const t = await app({ resolve: tableResolve({ localhost: ['127.0.0.1'] }) });
    expect((await check(t, { CodeRepo: `${fixture.untrustedOrigin}/public.git` })).body.Result).toBe('TlsError');
    const port = await closedPort();
    expect((await check(t, { CodeRepo: `https://127.0.0.1:${port}/public.git` })).body.Result).toBe('Unreachable');
    expect((await check(t, { CodeRepo: 'https://git.nowhere.invalid/repo.git' })).body.Result).toBe('HostNotFound');
    // Without GIT_CA_FILE the fixture's own certificate is not trusted either.
    const noCa = await app({ caPem: undefined });
    expect((await check(noCa, { CodeRepo: fixture.repos.public.url })).body.Result).toBe('TlsError');
  });

  it('a remote that never answers is Timeout, and the connection is closed (the work really ends)', async () => {
    const t = await app({ timeoutMs: 1500 });
    const { body } = await check(t, { CodeRepo: fixture.urls.hang });
    expect(body.Result).toBe('Timeout');
    await expect.poll(() => fixture.openHangs(), { timeout: 5000 }).toBe(0);
  });

  it('a remote that sends without end is cut off: TooLarge', async () => {
    const t = await app({ maxBytes: 2 * 1024 * 1024 });
    expect((await check(t, { CodeRepo: fixture.urls.huge })).body.Result).toBe('TooLarge');
  });

  it('SSH addresses are Unsupported (no key is held), without contacting anything', async () => {
    const t = await app();
    const { body } = await check(t, { CodeRepo: 'git@github.com:example/repo.git' });
    expect(body.Result).toBe('Unsupported');
    expect(body.Message).toMatch(/SSH/);
  });
});

describe('CheckGitRemote: the server is no way into its own network', () => {
  it('refuses loopback without GIT_ALLOWED_NETWORKS, in every spelling, before connecting', async () => {
    const t = await app({ allowedNetworks: [] });
    const port = new URL(fixture.origin).port;
    const before = fixture.requests.length;
    for (const host of ['127.0.0.1', '127.1', '2130706433', '0x7f000001', '[::ffff:127.0.0.1]', '[::1]', 'localhost']) {
      const { body } = await check(t, { CodeRepo: `https://${host}:${port}/public.git` });
      expect(body.Result, host).toBe('AddressNotAllowed');
    }
    expect(fixture.requests.length).toBe(before);
  });

  it('checks every address a name resolves to, at connect time: one private address among them is refused', async () => {
    const port = new URL(fixture.origin).port;
    // Data only: 10.0.0.5 is never connected to — the check refuses before any socket opens.
    const resolve = tableResolve({ 'mixed.test': ['127.0.0.1', '10.0.0.5'], 'meta.test': ['100.100.100.200'] });
    const t = await app({ resolve });
    const before = fixture.requests.length;
    const mixed = await check(t, { CodeRepo: `https://mixed.test:${port}/public.git` });
    expect(mixed.body.Result).toBe('AddressNotAllowed');
    expect(mixed.body.Message).toContain('10.0.0.5');
    expect((await check(t, { CodeRepo: `https://meta.test:${port}/public.git` })).body.Result).toBe('AddressNotAllowed');
    expect(fixture.requests.length).toBe(before);
    expect(resolve.calls).toEqual(expect.arrayContaining(['mixed.test', 'meta.test']));
  });

  it('a name that answers differently on each lookup is checked on each connection (no rebinding)', async () => {
    const port = new URL(fixture.origin).port;
    let n = 0;
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    const resolve = (hostname: string): Promise<LookupAddress[]> =>
      hostname === 'rebind.test'
        ? Promise.resolve((answers[Math.min(n++, 1)] as string[]).map((address) => ({ address, family: 4 })))
        : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    const t = await app({ resolve });
    // The first lookup is allowed (the TLS name does not match the certificate, so it ends there) ...
    expect((await check(t, { CodeRepo: `https://rebind.test:${port}/public.git` })).body.Result).toBe('TlsError');
    // ... the next connection resolves again and is refused, with no cached address reused.
    const before = fixture.requests.length;
    expect((await check(t, { CodeRepo: `https://rebind.test:${port}/public.git`, CodeBranch: 'x' })).body.Result).toBe('AddressNotAllowed');
    expect(fixture.requests.length).toBe(before);
  });

  it('http:// and other transports are refused by the contract (400 naming the field)', async () => {
    const t = await app();
    for (const repo of [`http://127.0.0.1:${new URL(fixture.origin).port}/public.git`, 'file:///etc/passwd', 'ext::sh -c id']) {
      const { status, body } = await check(t, { CodeRepo: repo });
      expect(status, repo).toBe(400);
      expect(body.Field).toBe('CodeRepo');
    }
  });
});

describe('ListGitRefs', () => {
  it('branches: the default first, then by name; a substring search on the server', async () => {
    const t = await app();
    const repo = fixture.repos.public;
    const { body } = await refs(t, { CodeRepo: repo.url });
    expect(body.Result).toBe('Ok');
    expect(body.DefaultBranch).toBe(repo.defaultBranch);
    expect(body.Refs[0]).toEqual({ Name: repo.defaultBranch, Commit: repo.branches[repo.defaultBranch] });
    expect(body.TotalCount).toBe(Object.keys(repo.branches).length);
    expect(Object.fromEntries(body.Refs.map((r) => [r.Name, r.Commit]))).toEqual(repo.branches);
    const slashed = Object.keys(repo.branches).find((b) => b.includes('/')) as string;
    const searched = await refs(t, { CodeRepo: repo.url, Search: slashed.slice(1, 5).toUpperCase() });
    expect(searched.body.Refs.map((r) => r.Name)).toContain(slashed);
    expect(searched.body.Refs.every((r) => r.Name.toLowerCase().includes(slashed.slice(1, 5).toLowerCase()))).toBe(true);
  });

  it('tags: annotated tags peeled to their commit', async () => {
    const t = await app();
    const repo = fixture.repos.public;
    const { body } = await refs(t, { CodeRepo: repo.url, Kind: 'Tag' });
    expect(Object.fromEntries(body.Refs.map((r) => [r.Name, r.Commit]))).toEqual(repo.tags);
  });

  it('20,000 tags: one page of at most Limit, the total, and searches served from one fetch', async () => {
    const t = await app();
    const repo = fixture.repos.manyTags;
    const first = await refs(t, { CodeRepo: repo.url, Kind: 'Tag' });
    expect(first.body.Refs).toHaveLength(50);
    expect(first.body.TotalCount).toBe(20_000);
    const fetches = requestsTo('/many-tags.git');
    const some = Object.keys(repo.tags)[1234] as string;
    const searched = await refs(t, { CodeRepo: repo.url, Kind: 'Tag', Search: some, Limit: 100 });
    expect(searched.body.Refs.map((r) => r.Name)).toContain(some);
    expect(searched.body.Refs.length).toBeLessThanOrEqual(100);
    expect(requestsTo('/many-tags.git')).toBe(fetches);
  });

  it('Limit is 1 to 100', async () => {
    const t = await app();
    for (const Limit of [0, 101, 1.5]) {
      const { status, body } = await refs(t, { CodeRepo: fixture.repos.public.url, Limit });
      expect(status).toBe(400);
      expect(body.Field).toBe('Limit');
    }
  });

  it('a failure is a Result with no refs', async () => {
    const t = await app();
    const { body } = await refs(t, { CodeRepo: fixture.repos.private.url });
    expect(body).toMatchObject({ Result: 'AuthFailed', Refs: [], TotalCount: 0 });
  });
});

describe('the stored token (CodeSourceId)', () => {
  async function stored(t: TestApp) {
    const res = await t.as('dev').post(apiPaths.codeSources, {
      WorkspaceId: '2001',
      DisplayName: 'private-repo',
      CodeRepo: fixture.repos.private.url,
      ...creds(),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
  }

  it('is used for its creator and for an admin; the browser never sends it', async () => {
    const t = await app();
    const id = await stored(t);
    expect((await check(t, { CodeRepo: fixture.repos.private.url, CodeSourceId: id })).body.Result).toBe('Ok');
    expect((await check(t, { CodeRepo: fixture.repos.private.url, CodeSourceId: id }, 'admin')).body.Result).toBe('Ok');
    expect((await refs(t, { CodeRepo: fixture.repos.private.url, CodeSourceId: id })).body.Result).toBe('Ok');
  });

  it('is not lent to someone who may not edit the code source: the same 404 as a missing one', async () => {
    const t = await app();
    const id = await stored(t);
    const other = await check(t, { CodeRepo: fixture.repos.private.url, CodeSourceId: id }, 'dev2');
    expect(other.status).toBe(404);
    expect(other.body.Code).toBe('201400002');
    const missing = await check(t, { CodeRepo: fixture.repos.private.url, CodeSourceId: 'code-20260101000000-000000000000' }, 'dev2');
    expect(missing.status).toBe(404);
    expect(missing.body.Code).toBe(other.body.Code);
  });

  it('is sent only to the same scheme, host and port as the stored address', async () => {
    const t = await app();
    const id = await stored(t);
    const before = fixture.requests.length;
    const elsewhere = await check(t, { CodeRepo: `${fixture.untrustedOrigin}/private.git`, CodeSourceId: id });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ Field: 'CodeSourceId', Rule: 'other_host' });
    expect(fixture.requests.length).toBe(before);
    // A code source with an SSH address: checked as Unsupported, nothing contacted, no error.
    const ssh = await t
      .as('dev')
      .post(apiPaths.codeSources, { WorkspaceId: '2001', DisplayName: 'ssh-repo', CodeRepo: 'git@github.com:o/r.git' });
    const sshId = ((await ssh.json()) as { CodeSourceId: string }).CodeSourceId;
    expect((await check(t, { CodeRepo: 'git@github.com:o/r.git', CodeSourceId: sshId })).body.Result).toBe('Unsupported');
    // The same host, another repository: allowed (that is what editing the address is).
    expect((await check(t, { CodeRepo: fixture.repos.public.url, CodeSourceId: id })).status).toBe(200);
  });
});

describe('who may check, how often, and what is remembered', () => {
  it('guests, non-members and anonymous callers are refused', async () => {
    const t = await app();
    expect((await check(t, { CodeRepo: fixture.repos.public.url }, 'guest')).status).toBe(403);
    expect((await check(t, { CodeRepo: fixture.repos.public.url }, 'outsider')).status).toBe(403);
    expect((await t.anonymous.post(apiPaths.gitCheck, { WorkspaceId: '2001', CodeRepo: fixture.repos.public.url })).status).toBe(401);
  });

  it('at most 10 remote checks a minute per user (429 + Retry-After); cached answers are free; other users unaffected', async () => {
    const t = await app();
    // One conversation for the branch list (cached from then on), then one per commit looked up on the remote.
    expect((await check(t, { CodeRepo: fixture.repos.public.url })).status).toBe(200);
    for (let i = 1; i < 10; i++) {
      const { status, body } = await check(t, { CodeRepo: fixture.repos.public.url, CodeCommit: `${'a'.repeat(39)}${i}` });
      expect(status).toBe(200);
      expect(body.Result).toBe('CommitNotFound');
    }
    const limited = await check(t, { CodeRepo: fixture.repos.public.url, CodeCommit: 'b'.repeat(40) });
    expect(limited.status).toBe(429);
    expect(limited.body.Code).toBe('Throttling.GitCheck');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Asked before: answered from the cache, no remote contact needed.
    expect((await check(t, { CodeRepo: fixture.repos.public.url })).status).toBe(200);
    expect((await check(t, { CodeRepo: fixture.repos.public.url }, 'admin')).status).toBe(200);
    t.clock.now += 61_000;
    expect((await check(t, { CodeRepo: fixture.repos.public.url, CodeCommit: 'b'.repeat(40) })).status).toBe(200);
  });

  it('at most 2 at once per user', async () => {
    const t = await app({ timeoutMs: 3000 });
    const slow = [check(t, { CodeRepo: fixture.urls.hang }), check(t, { CodeRepo: `${fixture.urls.hang}/other` })];
    await expect.poll(() => fixture.openHangs(), { timeout: 5000 }).toBe(2);
    const third = await check(t, { CodeRepo: fixture.repos.public.url });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
    await Promise.all(slow);
  });

  it('answers are cached per user and credentials, never per address alone', async () => {
    const t = await app();
    const url = fixture.repos.private.url;
    expect((await check(t, { CodeRepo: url, ...creds() })).body.Result).toBe('Ok');
    const count = requestsTo('/private.git');
    expect((await check(t, { CodeRepo: url, ...creds() })).body.Result).toBe('Ok');
    expect(requestsTo('/private.git')).toBe(count);
    // Same address, other credentials, or another user: the remote is asked again.
    expect((await check(t, { CodeRepo: url, CodeRepoUserName: fixture.user, CodeRepoAccessToken: 'wrong' })).body.Result).toBe(
      'AuthFailed',
    );
    expect((await check(t, { CodeRepo: url }, 'admin')).body.Result).toBe('AuthFailed');
    expect(requestsTo('/private.git')).toBeGreaterThan(count);
  });

  it('the token appears in no response, no log line and no request line the remote saw', async () => {
    const t = await app();
    const bodies: string[] = [];
    for (const CodeRepo of [fixture.repos.private.url, fixture.urls.redirect, fixture.urls.html, fixture.urls.missing]) {
      const res = await t.as('dev').post(apiPaths.gitCheck, { WorkspaceId: '2001', CodeRepo, ...creds() });
      bodies.push(await res.text(), JSON.stringify([...res.headers]));
      const r = await t.as('dev').post(apiPaths.gitRefs, { WorkspaceId: '2001', CodeRepo, ...creds() });
      bodies.push(await r.text());
    }
    const everything = [...bodies, ...t.logs, ...fixture.requests.map((r) => r.path)].join('\n');
    expect(everything).not.toContain(fixture.token);
    expect(everything).not.toContain(Buffer.from(`${fixture.user}:${fixture.token}`).toString('base64'));
    expect(t.logs.some((l) => l.includes('git remote'))).toBe(true);
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
