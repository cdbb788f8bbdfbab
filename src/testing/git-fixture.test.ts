import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_ADVERTISEMENT_BYTES, startGitFixture, type FixtureRepo, type GitFixture } from './git-fixture';

/** The fixture against the real git CLI (spawned async: the fixture serves from this process) and plain https. */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GIT_GUARD_MS = 25_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in its own process group (git-remote-https outlives a killed git); the whole group dies on the guard. */
function runDetached(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, GIT_GUARD_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

interface GitOptions {
  caFile: string;
  /** Sent as `http.extraHeader: Authorization: Basic …` through GIT_CONFIG_COUNT (never argv). */
  credentials?: { user: string; token: string };
}

let home = '';

function git(args: string[], options: GitOptions): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C',
    GIT_SSL_CAINFO: options.caFile,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '0',
  };
  const config: [string, string][] = [['http.followRedirects', 'false']];
  if (options.credentials) {
    const basic = Buffer.from(`${options.credentials.user}:${options.credentials.token}`).toString('base64');
    config.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
  }
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(config.length);
  return runDetached('git', args, env);
}

interface LsRemote {
  head: string | undefined;
  refs: Map<string, string>;
}

function parseLsRemote(stdout: string): LsRemote {
  const refs = new Map<string, string>();
  let head: string | undefined;
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [left = '', name = ''] = line.split('\t');
    if (left.startsWith('ref: ')) {
      if (name === 'HEAD') head = left.slice('ref: '.length);
    } else {
      refs.set(name, left);
    }
  }
  return { head, refs };
}

function branchesOf(refs: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, sha] of refs) if (name.startsWith('refs/heads/')) out[name.slice('refs/heads/'.length)] = sha;
  return out;
}

/** Tag name → the commit it points at (an annotated tag's `^{}` line when there is one). */
function peeledTagsOf(refs: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, sha] of refs) {
    if (!name.startsWith('refs/tags/') || name.endsWith('^{}')) continue;
    out[name.slice('refs/tags/'.length)] = refs.get(`${name}^{}`) ?? sha;
  }
  return out;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  ca?: string | undefined;
  rejectUnauthorized?: boolean;
}

function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, rejectUnauthorized: options.rejectUnauthorized ?? true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Processes (not zombies) whose process group is one of `groups`, from /proc. */
function livingInGroups(groups: number[]): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state = '', , pgrp = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z' && groups.includes(Number(pgrp))) found.push(Number(entry));
  }
  return found;
}

function pkt(payload: string): string {
  return (Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0') + payload;
}

beforeAll(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'git-fixture-test-home-'));
});
afterAll(async () => {
  await fsp.rm(home, { recursive: true, force: true });
});

describe('the git fixture served to the real git CLI', () => {
  let fixture: GitFixture;
  let ca: string;
  beforeAll(async () => {
    fixture = await startGitFixture();
    ca = await fsp.readFile(fixture.caFile, 'utf8');
  });
  afterAll(() => fixture.stop());

  function expectListing(listing: LsRemote, repo: FixtureRepo): void {
    expect(listing.head).toBe(`refs/heads/${repo.defaultBranch}`);
    expect(listing.refs.get('HEAD')).toBe(repo.branches[repo.defaultBranch]);
    expect(branchesOf(listing.refs)).toEqual(repo.branches);
    expect(peeledTagsOf(listing.refs)).toEqual(repo.tags);
    for (const name of repo.annotatedTags) {
      // The tag object is what refs/tags/<name> names; the fixture reports the commit behind it.
      expect(listing.refs.get(`refs/tags/${name}`)).not.toBe(repo.tags[name]);
      expect(listing.refs.get(`refs/tags/${name}^{}`)).toBe(repo.tags[name]);
    }
    expect([...listing.refs.values()]).not.toContain(repo.olderCommit);
  }

  it('public: ls-remote --symref lists its branches (one with a slash), tags (annotated ones peeled) and HEAD → trunk, over protocol v2', async () => {
    const repo = fixture.repos.public;
    expect(repo.defaultBranch).toBe('trunk');
    expect(Object.keys(repo.branches)).toContain('feature/login');
    expect(repo.annotatedTags.length).toBeGreaterThan(0);
    expect(Object.keys(repo.tags).length).toBeGreaterThan(repo.annotatedTags.length);

    const result = await git(['ls-remote', '--symref', repo.url], { caFile: fixture.caFile });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectListing(parseLsRemote(result.stdout), repo);
    expect(fixture.requests).toContainEqual({
      method: 'GET',
      path: '/public.git/info/refs',
      authorized: false,
      gitProtocol: 'version=2',
      server: 'trusted',
    });
  });

  it('private: lists with the Basic credentials; without them, or with a wrong token, git fails on authentication', async () => {
    const repo = fixture.repos.private;
    expect(repo.defaultBranch).not.toBe('master');
    const credentials = { user: fixture.user, token: fixture.token };
    const ok = await git(['ls-remote', '--symref', repo.url], { caFile: fixture.caFile, credentials });
    expect(ok.code).toBe(0);
    expectListing(parseLsRemote(ok.stdout), repo);

    const anonymous = await git(['ls-remote', repo.url], { caFile: fixture.caFile });
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stdout).toBe('');
    expect(anonymous.stderr).toMatch(/could not read Username|Authentication failed/);

    const wrong = await git(['ls-remote', repo.url], {
      caFile: fixture.caFile,
      credentials: { user: fixture.user, token: `${fixture.token}x` },
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it('private over plain https: 401 with the Basic challenge unless the credentials match', async () => {
    const refsUrl = `${fixture.repos.private.url}/info/refs?service=git-upload-pack`;
    const basic = (token: string) => ({ Authorization: `Basic ${Buffer.from(`${fixture.user}:${token}`).toString('base64')}` });
    for (const headers of [{}, basic('wrong'), basic(''), { Authorization: 'Bearer whatever' }]) {
      const reply = await request(refsUrl, { ca, headers });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Basic realm="fixture"');
      expect(reply.body.toString()).not.toContain(fixture.token);
    }
    const ok = await request(refsUrl, { ca, headers: basic(fixture.token) });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/x-git-upload-pack-advertisement');
    expect(ok.body.toString()).toContain(`${fixture.repos.private.branches.main} refs/heads/main`);
  });

  it('v0: the public repository without protocol v2, still with HEAD → trunk', async () => {
    const repo = fixture.repos.v0;
    expect(repo.url).toBe(`${fixture.origin}/v0/public.git`);
    const result = await git(['ls-remote', '--symref', repo.url], { caFile: fixture.caFile });
    expect(result.code).toBe(0);
    expectListing(parseLsRemote(result.stdout), repo);

    const headers = { 'Git-Protocol': 'version=2' };
    const v2 = await request(`${fixture.repos.public.url}/info/refs?service=git-upload-pack`, { ca, headers });
    expect(v2.body.toString()).toContain('version 2');
    expect(v2.body.toString()).toMatch(/fetch=.*filter/);
    const v0 = await request(`${repo.url}/info/refs?service=git-upload-pack`, { ca, headers });
    expect(v0.status).toBe(200);
    expect(v0.body.toString()).not.toContain('version 2');
    expect(v0.body.toString()).toContain('symref=HEAD:refs/heads/trunk');
  });

  it('a commit that is no ref tip can be fetched by id with --depth=1 into a bare repository', async () => {
    const repo = fixture.repos.public;
    const target = await fsp.mkdtemp(path.join(os.tmpdir(), 'git-fixture-fetch-'));
    try {
      const options = { caFile: fixture.caFile };
      expect((await git(['init', '--quiet', '--bare', target], options)).code).toBe(0);
      const fetched = await git(['-C', target, 'fetch', '--quiet', '--depth=1', repo.url, repo.olderCommit], options);
      expect(fetched.stderr).toBe('');
      expect(fetched.code).toBe(0);
      expect((await git(['-C', target, 'rev-parse', 'FETCH_HEAD'], options)).stdout.trim()).toBe(repo.olderCommit);
      expect((await git(['-C', target, 'cat-file', '-t', repo.olderCommit], options)).stdout.trim()).toBe('commit');

      const privateRepo = fixture.repos.private;
      const credentials = { user: fixture.user, token: fixture.token };
      const fetchedPrivate = await git(['-C', target, 'fetch', '--quiet', '--depth=1', privateRepo.url, privateRepo.olderCommit], {
        ...options,
        credentials,
      });
      expect(fetchedPrivate.code).toBe(0);
      expect((await git(['-C', target, 'rev-parse', 'FETCH_HEAD'], options)).stdout.trim()).toBe(privateRepo.olderCommit);
    } finally {
      await fsp.rm(target, { recursive: true, force: true });
    }
  });

  it('empty: ls-remote lists nothing and succeeds', async () => {
    const result = await git(['ls-remote', '--symref', fixture.repos.empty.url], { caFile: fixture.caFile });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('manyTags: 20,000 tags, as the fixture reports them', async () => {
    const repo = fixture.repos.manyTags;
    expect(Object.keys(repo.tags)).toHaveLength(20_000);
    const result = await git(['ls-remote', '--symref', repo.url], { caFile: fixture.caFile });
    expect(result.code).toBe(0);
    expectListing(parseLsRemote(result.stdout), repo);
  });

  it('the untrusted server fails TLS verification with caFile, and serves the same repositories', async () => {
    const url = `${fixture.untrustedOrigin}/public.git`;
    expect(fixture.untrustedOrigin).not.toBe(fixture.origin);
    const result = await git(['ls-remote', url], { caFile: fixture.caFile });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/certificate/i);
    await expect(request(`${url}/info/refs?service=git-upload-pack`, { ca })).rejects.toThrow(/certificate/i);

    const unchecked = await request(`${url}/info/refs?service=git-upload-pack`, { rejectUnauthorized: false });
    expect(unchecked.status).toBe(200);
    expect(unchecked.body.toString()).toContain(`${fixture.repos.public.branches.trunk} refs/heads/trunk`);
    expect(fixture.requests.at(-1)).toMatchObject({ path: '/public.git/info/refs', server: 'untrusted' });
  });

  it('redirect: 302 for every path under it to the same path under /public.git on the same loopback origin', async () => {
    for (const [suffix, method] of [
      ['/info/refs?service=git-upload-pack', 'GET'],
      ['/git-upload-pack', 'POST'],
    ] as const) {
      const reply = await request(`${fixture.urls.redirect}${suffix}`, { ca, method });
      expect(reply.status).toBe(302);
      expect(reply.headers.location).toBe(`${fixture.repos.public.url}${suffix}`);
      expect(new URL(reply.headers.location ?? '').hostname).toBe('127.0.0.1');
    }
    const result = await git(['ls-remote', fixture.urls.redirect], { caFile: fixture.caFile });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
  });

  it('html, serverError, forbidden, missing answer 200 text/html, 500, 403, 404', async () => {
    for (const suffix of ['/info/refs?service=git-upload-pack', '/anything/else']) {
      const html = await request(`${fixture.urls.html}${suffix}`, { ca });
      expect(html.status).toBe(200);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.body.toString()).toContain('<form');
      expect((await request(`${fixture.urls.serverError}${suffix}`, { ca })).status).toBe(500);
      expect((await request(`${fixture.urls.forbidden}${suffix}`, { ca })).status).toBe(403);
    }
    expect((await request(`${fixture.urls.missing}/info/refs?service=git-upload-pack`, { ca })).status).toBe(404);
  });

  it('huge: more than 50 MB of well-formed pkt-lines, ending with a flush packet', async () => {
    const reply = await new Promise<{ contentType: string | undefined; bytes: number; packets: number; last: string }>(
      (resolve, reject) => {
        https
          .get(`${fixture.urls.huge}/info/refs?service=git-upload-pack`, { ca }, (res) => {
            let bytes = 0;
            let packets = 0;
            let pending: Buffer = Buffer.alloc(0);
            let last = '';
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
              let at = 0;
              while (pending.length - at >= 4) {
                const hex = pending.subarray(at, at + 4).toString('latin1');
                const length = Number.parseInt(hex, 16);
                if (!/^[0-9a-f]{4}$/.test(hex) || (length !== 0 && length < 4)) {
                  reject(new Error(`bad pkt-line length at byte ${bytes - pending.length + at}`));
                  res.destroy();
                  return;
                }
                const size = length === 0 ? 4 : length;
                if (pending.length - at < size) break;
                last = pending.subarray(at, at + size).toString('latin1');
                packets += 1;
                at += size;
              }
              pending = pending.subarray(at);
            });
            res.on('end', () =>
              pending.length
                ? reject(new Error('a partial pkt-line at the end'))
                : resolve({ contentType: res.headers['content-type'], bytes, packets, last }),
            );
            res.on('error', reject);
          })
          .on('error', reject);
      },
    );
    expect(reply.contentType).toBe('application/x-git-upload-pack-advertisement');
    expect(reply.bytes).toBeGreaterThan(50_000_000);
    expect(reply.bytes).toBeGreaterThanOrEqual(HUGE_ADVERTISEMENT_BYTES);
    expect(reply.packets).toBeGreaterThan(500_000);
    expect(reply.last).toBe('0000');
  });

  it('hang: the request stays open without an answer until the client closes it', async () => {
    let answered = false;
    const req = https.get(`${fixture.urls.hang}/info/refs?service=git-upload-pack`, { ca }, () => {
      answered = true;
    });
    req.on('error', () => {});
    await until(() => fixture.openHangs() === 1, 'the hanging request to arrive');
    // Another request is answered meanwhile; the hanging one still is not.
    expect((await request(`${fixture.urls.forbidden}/x`, { ca })).status).toBe(403);
    expect(answered).toBe(false);
    expect(fixture.openHangs()).toBe(1);
    req.destroy();
    await until(() => fixture.openHangs() === 0, 'the server to see the hanging request closed');
    expect(answered).toBe(false);
  });

  it('a gzip-encoded, chunked protocol v2 POST is understood (git gzips large request bodies)', async () => {
    const command = `${pkt('command=ls-refs\n')}0001${pkt('symrefs\n')}${pkt('ref-prefix HEAD\n')}${pkt('ref-prefix refs/heads/\n')}0000`;
    const reply = await request(`${fixture.repos.public.url}/git-upload-pack`, {
      ca,
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-git-upload-pack-request',
        'Content-Encoding': 'gzip',
        'Transfer-Encoding': 'chunked',
        'Git-Protocol': 'version=2',
      },
      body: zlib.gzipSync(command),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-git-upload-pack-result');
    const text = reply.body.toString();
    for (const [name, sha] of Object.entries(fixture.repos.public.branches)) expect(text).toContain(`${sha} refs/heads/${name}`);
    expect(text).toContain(`${fixture.repos.public.branches.trunk} HEAD symref-target:refs/heads/trunk`);
  });
});

describe('stop()', () => {
  it('closes both servers (hanging connections too), kills the CGI process groups and removes the temp dir', async () => {
    const fixture = await startGitFixture({ manyTags: false });
    expect(Object.keys(fixture.repos.manyTags.tags)).toHaveLength(200);
    const ca = await fsp.readFile(fixture.caFile, 'utf8');
    expect(fs.existsSync(fixture.dir)).toBe(true);

    // An upload-pack POST whose body never completes keeps git http-backend (and upload-pack) waiting.
    const unfinished = https.request(`${fixture.repos.public.url}/git-upload-pack`, {
      ca,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Length': '1000', 'Git-Protocol': 'version=2' },
    });
    const unfinishedClosed = new Promise<void>((resolve) => unfinished.once('close', () => resolve()));
    unfinished.on('error', () => {});
    unfinished.write(pkt('command=ls-refs\n'));
    const hanging = https.get(`${fixture.urls.hang}/info/refs`, { ca });
    const hangingClosed = new Promise<void>((resolve) => hanging.once('close', () => resolve()));
    hanging.on('error', () => {});

    await until(() => fixture.backendPids().length === 1 && fixture.openHangs() === 1, 'a running http-backend and an open hang');
    const groups = fixture.backendPids();
    expect(livingInGroups(groups).length).toBeGreaterThan(0);

    await fixture.stop();
    await Promise.all([unfinishedClosed, hangingClosed]);
    expect(fixture.backendPids()).toEqual([]);
    // Orphaned grandchildren (upload-pack) are reaped by init, not by us: wait for that rather than race it.
    await until(() => livingInGroups(groups).length === 0, 'the CGI process groups to be gone');
    expect(fs.existsSync(fixture.dir)).toBe(false);
    await expect(request(`${fixture.origin}/public.git/info/refs`, { ca })).rejects.toThrow(/ECONNREFUSED/);
    await expect(request(`${fixture.untrustedOrigin}/public.git/info/refs`, { rejectUnauthorized: false })).rejects.toThrow(/ECONNREFUSED/);
    await fixture.stop(); // a second stop is harmless
  });
});

describe('git-fixture-main.ts', () => {
  it('prints one JSON line, serves until SIGTERM, then stops cleanly and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/git-fixture-main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: home, GIT_FIXTURE_MANY_TAGS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        void exited.then((code) => reject(new Error(`the launcher exited with ${code} before printing`)));
      });
      const printed = JSON.parse(line) as {
        origin: string;
        caFile: string;
        untrustedOrigin: string;
        user: string;
        token: string;
        repos: { public: FixtureRepo; manyTags: { tagCount: number } };
      };
      expect(printed).toMatchObject({ origin: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), user: expect.any(String) });
      expect(printed.untrustedOrigin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.token.length).toBeGreaterThanOrEqual(16);
      expect(printed.repos.manyTags.tagCount).toBe(200);

      const result = await git(['ls-remote', '--symref', printed.repos.public.url], { caFile: printed.caFile });
      expect(result.code).toBe(0);
      expect(parseLsRemote(result.stdout).head).toBe('refs/heads/trunk');

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(fs.existsSync(path.dirname(path.dirname(printed.caFile)))).toBe(false);
      await expect(request(`${printed.origin}/public.git/info/refs`, { rejectUnauthorized: false })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
