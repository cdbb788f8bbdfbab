import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real Git smart-HTTP server for tests: Node `https` in front of `git http-backend` (CGI) on 127.0.0.1, with a
 * self-signed certificate made by `openssl`, repositories built by `git` without a work tree, and routes that
 * misbehave (redirect, hang, HTML, 500, 403, a huge advertisement). Nothing here blocks the event loop: the git
 * client under test talks to this server from the same process.
 */

export interface FixtureRepo {
  /** e.g. https://127.0.0.1:PORT/public.git */
  url: string;
  /** Never `master`. */
  defaultBranch: string;
  /** Short name → tip commit sha. */
  branches: Record<string, string>;
  /** Short name → commit sha (for an annotated tag, the commit it peels to, not the tag object). */
  tags: Record<string, string>;
  /** Short names of the annotated tags among `tags`. */
  annotatedTags: string[];
  /** A commit in history that is no ref's tip. */
  olderCommit: string;
}

export interface FixtureRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** Whether an Authorization header came (right or wrong). */
  authorized: boolean;
  /** The Git-Protocol header, e.g. `version=2`. */
  gitProtocol: string | undefined;
  /** Which of the two servers saw it. */
  server: 'trusted' | 'untrusted';
}

export interface GitFixture {
  /** https://127.0.0.1:PORT */
  origin: string;
  /** PEM of the self-signed certificate of `origin` (what GIT_CA_FILE points at in tests). */
  caFile: string;
  /** A second HTTPS server with another self-signed certificate that is in no CA file; the same repositories. */
  untrustedOrigin: string;
  /** Basic credentials the private repository accepts. */
  user: string;
  token: string;
  repos: {
    /** Anonymous read. Default branch `trunk`. */
    public: FixtureRepo;
    /** Basic credentials required (401 with `WWW-Authenticate: Basic realm="fixture"` otherwise). Default branch `main`. */
    private: FixtureRepo;
    /** No refs at all. */
    empty: { url: string };
    /** 20,000 tags (200 with `manyTags: false`), 20 of them annotated. */
    manyTags: FixtureRepo;
    /** The public repository served without protocol v2 (the Git-Protocol header is not passed on). */
    v0: FixtureRepo;
  };
  urls: {
    /** 302 for every path under it to the same path under /public.git on the same origin. */
    redirect: string;
    /** Accepts the request and never answers. */
    hang: string;
    /** 200 text/html login page for every path. */
    html: string;
    /** 500 for every path. */
    serverError: string;
    /** 403 for every path. */
    forbidden: string;
    /** A repository that does not exist: git http-backend's own 404. */
    missing: string;
    /** 200 application/x-git-upload-pack-advertisement streaming `HUGE_ADVERTISEMENT_BYTES` of pkt-lines. */
    huge: string;
  };
  /** Every request seen by either server, in order. */
  requests: FixtureRequest[];
  /** How many requests to `hang` are still open (the client has not closed the connection). */
  openHangs(): number;
  /** Process ids of the git http-backend children still running (each leads its own process group). */
  backendPids(): number[];
  /** The temporary directory holding repositories, certificates and HOME; removed by `stop`. */
  dir: string;
  /** Closes both servers (open sockets included), kills the CGI process groups, removes `dir`. */
  stop(): Promise<void>;
}

export interface GitFixtureOptions {
  /** 20,000 tags in the manyTags repository (default); `false` makes it 200, for a faster start. */
  manyTags?: boolean;
}

/** Bytes of pkt-lines the `huge` route streams (more than 50 MB) before its flush packet. */
export const HUGE_ADVERTISEMENT_BYTES = 60 * 1024 * 1024;

const USER = 'fixture-user';
const REALM = 'fixture';
const MANY_TAGS = 20_000;
const FEW_TAGS = 200;
const BASE_TIME = 1_767_225_600; // 2026-01-01T00:00:00Z: commit dates, so the shas do not depend on the clock

/** Prefixes of the misbehaving routes (each a fake repository path: every path under it behaves the same). */
const ROUTES = {
  redirect: '/moved.git',
  hang: '/hang.git',
  html: '/login.git',
  serverError: '/broken.git',
  forbidden: '/forbidden.git',
  missing: '/missing.git',
  huge: '/huge.git',
} as const;
const V0_PREFIX = '/v0';

/** Fixtures not yet stopped: their CGI groups are killed and their directories removed if the process exits first. */
const live = new Set<{ children: Set<ChildProcess>; dir: string }>();
process.once('exit', () => {
  for (const fixture of live) {
    for (const child of fixture.children) killGroup(child);
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
});

/** Starts both servers on 127.0.0.1 (port 0) after building the repositories and certificates in a temp dir. */
export async function startGitFixture(options: GitFixtureOptions = {}): Promise<GitFixture> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'git-fixture-'));
  const state = { children: new Set<ChildProcess>(), dir };
  live.add(state);
  try {
    return await start(dir, state.children, options, () => live.delete(state));
  } catch (error) {
    live.delete(state);
    await fsp.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function start(dir: string, children: Set<ChildProcess>, options: GitFixtureOptions, forget: () => void): Promise<GitFixture> {
  const home = path.join(dir, 'home');
  const root = path.join(dir, 'repos');
  await Promise.all([fsp.mkdir(home), fsp.mkdir(root)]);
  const gitEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };

  const [execPath, trustedTls, untrustedTls, repos] = await Promise.all([
    run('git', ['--exec-path'], { env: gitEnv }).then((out) => out.trim()),
    makeCertificate(path.join(dir, 'trusted'), gitEnv),
    makeCertificate(path.join(dir, 'untrusted'), gitEnv),
    buildRepos(root, gitEnv, options.manyTags === false ? FEW_TAGS : MANY_TAGS),
  ]);

  const token = randomBytes(24).toString('base64url');
  const requests: FixtureRequest[] = [];
  const hangs = new Set<ServerResponse>();
  const shared: Shared = {
    backend: path.join(execPath, 'git-http-backend'),
    root,
    gitEnv,
    children,
    requests,
    hangs,
    credentials: sha256(`${USER}:${token}`),
  };
  const trusted = await listen(trustedTls, 'trusted', shared);
  let untrusted: Listening;
  try {
    untrusted = await listen(untrustedTls, 'untrusted', shared);
  } catch (error) {
    await trusted.close();
    throw error;
  }

  const origin = trusted.origin;
  const repo = (spec: BuiltRepo, prefix = ''): FixtureRepo => ({
    url: `${origin}${prefix}/${spec.name}`,
    defaultBranch: spec.defaultBranch,
    branches: spec.branches,
    tags: spec.tags,
    annotatedTags: spec.annotatedTags,
    olderCommit: spec.olderCommit,
  });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await Promise.all([trusted.close(), untrusted.close()]);
    await Promise.all([...children].map((child) => killAndWait(child)));
    forget();
    await fsp.rm(dir, { recursive: true, force: true });
  };

  return {
    origin,
    caFile: trustedTls.certFile,
    untrustedOrigin: untrusted.origin,
    user: USER,
    token,
    repos: {
      public: repo(repos.public),
      private: repo(repos.private),
      empty: { url: `${origin}/${repos.empty.name}` },
      manyTags: repo(repos.manyTags),
      v0: repo(repos.public, V0_PREFIX),
    },
    urls: {
      redirect: `${origin}${ROUTES.redirect}`,
      hang: `${origin}${ROUTES.hang}`,
      html: `${origin}${ROUTES.html}`,
      serverError: `${origin}${ROUTES.serverError}`,
      forbidden: `${origin}${ROUTES.forbidden}`,
      missing: `${origin}${ROUTES.missing}`,
      huge: `${origin}${ROUTES.huge}`,
    },
    requests,
    openHangs: () => hangs.size,
    backendPids: () => [...children].flatMap((child) => (child.pid === undefined ? [] : [child.pid])),
    dir,
    stop: () => (stopping ??= stop()),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Repositories

interface BuiltRepo {
  name: string;
  defaultBranch: string;
  branches: Record<string, string>;
  tags: Record<string, string>;
  annotatedTags: string[];
  olderCommit: string;
}

interface RepoSpec {
  name: string;
  defaultBranch: string;
  /** In order; a parent is named by its key. */
  commits: { key: string; parent?: string; message: string }[];
  branches: Record<string, string>;
  tags: { name: string; commit: string; annotated?: boolean }[];
  olderCommit: string;
}

async function buildRepos(root: string, env: NodeJS.ProcessEnv, tagCount: number) {
  const publicSpec: RepoSpec = {
    name: 'public.git',
    defaultBranch: 'trunk',
    commits: [
      { key: 'c1', message: 'Initial commit' },
      { key: 'c2', parent: 'c1', message: 'Add the training script' },
      { key: 'c3', parent: 'c2', message: 'Add the data loader' },
      { key: 'c4', parent: 'c3', message: 'Release 1.1' },
      { key: 'c5', parent: 'c4', message: 'Try a larger batch size' },
      { key: 'c6', parent: 'c3', message: 'Sign-in page' },
      { key: 'c7', parent: 'c2', message: 'Fix the 1.0 data path' },
    ],
    branches: { trunk: 'c4', develop: 'c5', 'feature/login': 'c6', 'release/1.0': 'c7' },
    tags: [
      { name: 'v0.9', commit: 'c2' },
      { name: 'v1.0', commit: 'c3', annotated: true },
      { name: 'v1.1', commit: 'c4', annotated: true },
      { name: 'nightly', commit: 'c5' },
    ],
    olderCommit: 'c1',
  };
  const privateSpec: RepoSpec = {
    name: 'private.git',
    defaultBranch: 'main',
    commits: [
      { key: 'p1', message: 'Private: initial commit' },
      { key: 'p2', parent: 'p1', message: 'Private: model weights loader' },
      { key: 'p3', parent: 'p2', message: 'Private: release 2.0' },
      { key: 'p4', parent: 'p3', message: 'Private: patch the tokenizer' },
      { key: 'p5', parent: 'p2', message: 'Private: experiment' },
    ],
    branches: { main: 'p3', 'hotfix/tokenizer': 'p4', experiments: 'p5' },
    tags: [
      { name: 'v2.0', commit: 'p3', annotated: true },
      { name: 'v1.9', commit: 'p2' },
    ],
    olderCommit: 'p1',
  };
  const tagged = ['m2', 'm3', 'm4'];
  const manyTagsSpec: RepoSpec = {
    name: 'many-tags.git',
    defaultBranch: 'trunk',
    commits: [
      { key: 'm1', message: 'Many tags: initial commit' },
      { key: 'm2', parent: 'm1', message: 'Many tags: second' },
      { key: 'm3', parent: 'm2', message: 'Many tags: third' },
      { key: 'm4', parent: 'm3', message: 'Many tags: fourth' },
    ],
    branches: { trunk: 'm4', 'release/v19': 'm3' },
    // v0.0.0 … v19.99.9: distinct names; every 1,000th tag annotated.
    tags: Array.from({ length: tagCount }, (_, i) => ({
      name: `v${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`,
      commit: tagged[i % tagged.length] ?? 'm4',
      annotated: i % 1000 === 0,
    })),
    olderCommit: 'm1',
  };
  const [pub, priv, many] = await Promise.all([
    buildRepo(root, env, publicSpec),
    buildRepo(root, env, privateSpec),
    buildRepo(root, env, manyTagsSpec),
    initRepo(path.join(root, 'empty.git'), env, 'trunk'),
  ]);
  return { public: pub, private: priv, manyTags: many, empty: { name: 'empty.git' } };
}

async function initRepo(gitDir: string, env: NodeJS.ProcessEnv, defaultBranch: string): Promise<void> {
  await run('git', ['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, gitDir], { env });
  const git = (args: string[]) => run('git', ['--git-dir', gitDir, ...args], { env });
  // Read-only (http-backend would allow pushes from an authenticated REMOTE_USER); fetchable by commit id.
  const settings: [string, string][] = [
    ['http.receivepack', 'false'],
    ['uploadpack.allowFilter', 'true'],
    ['uploadpack.allowReachableSHA1InWant', 'true'],
    ['uploadpack.allowAnySHA1InWant', 'true'],
  ];
  for (const [key, value] of settings) await git(['config', key, value]);
  await git(['symbolic-ref', 'HEAD', `refs/heads/${defaultBranch}`]);
}

async function buildRepo(root: string, env: NodeJS.ProcessEnv, spec: RepoSpec): Promise<BuiltRepo> {
  const gitDir = path.join(root, spec.name);
  await initRepo(gitDir, env, spec.defaultBranch);
  const git = (args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}) =>
    run('git', ['--git-dir', gitDir, ...args], { env: { ...env, ...extraEnv }, input }).then((out) => out.trim());

  const blob = await git(['hash-object', '-w', '--stdin'], `# ${spec.name}\n\nA repository of the Git test fixture.\n`);
  const tree = await git(['mktree'], `100644 blob ${blob}\tREADME.md\n`);

  const sha = new Map<string, string>();
  const at = (key: string) => {
    const value = sha.get(key);
    if (!value) throw new Error(`fixture spec ${spec.name}: unknown commit ${key}`);
    return value;
  };
  let time = BASE_TIME;
  for (const commit of spec.commits) {
    time += 3600;
    const date = `${time} +0000`;
    const args = ['commit-tree', tree, ...(commit.parent ? ['-p', at(commit.parent)] : []), '-m', commit.message];
    sha.set(
      commit.key,
      await git(args, undefined, {
        GIT_AUTHOR_NAME: 'Fixture Author',
        GIT_AUTHOR_EMAIL: 'author@fixture.test',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: 'Fixture Committer',
        GIT_COMMITTER_EMAIL: 'committer@fixture.test',
        GIT_COMMITTER_DATE: date,
      }),
    );
  }

  const refs: { name: string; target: string; peeled?: string }[] = [];
  const branches: Record<string, string> = {};
  for (const [name, key] of Object.entries(spec.branches)) {
    branches[name] = at(key);
    refs.push({ name: `refs/heads/${name}`, target: at(key) });
  }
  const tags: Record<string, string> = {};
  const annotatedTags: string[] = [];
  for (const tag of spec.tags) {
    const commit = at(tag.commit);
    tags[tag.name] = commit;
    if (tag.annotated) {
      annotatedTags.push(tag.name);
      const body = `object ${commit}\ntype commit\ntag ${tag.name}\ntagger Fixture Tagger <tagger@fixture.test> ${time} +0000\n\nRelease ${tag.name}\n`;
      refs.push({ name: `refs/tags/${tag.name}`, target: await git(['mktag'], body), peeled: commit });
    } else {
      refs.push({ name: `refs/tags/${tag.name}`, target: commit });
    }
  }
  await writePackedRefs(gitDir, refs);
  const olderCommit = at(spec.olderCommit);
  if (Object.values(branches).includes(olderCommit) || Object.values(tags).includes(olderCommit)) {
    throw new Error(`fixture spec ${spec.name}: olderCommit is a ref tip`);
  }
  return { name: spec.name, defaultBranch: spec.defaultBranch, branches, tags, annotatedTags, olderCommit };
}

/**
 * Writes every ref into `packed-refs` (the format `git pack-refs` writes: sorted by name, an annotated tag followed by
 * its peeled commit). `git update-ref --stdin` takes ~4 s for 20,000 refs here (a loose file and a lock each, then
 * `pack-refs`); this takes milliseconds, and git reads the result exactly as if it had written it.
 */
async function writePackedRefs(gitDir: string, refs: { name: string; target: string; peeled?: string }[]): Promise<void> {
  const sorted = [...refs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = ['# pack-refs with: peeled fully-peeled sorted '];
  for (const ref of sorted) {
    lines.push(`${ref.target} ${ref.name}`);
    if (ref.peeled) lines.push(`^${ref.peeled}`);
  }
  await fsp.writeFile(path.join(gitDir, 'packed-refs'), `${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// TLS

interface Tls {
  certFile: string;
  cert: Buffer;
  key: Buffer;
}

/**
 * openssl's arguments for a self-signed certificate and its key, valid for two days. P-256 rather than RSA: the same
 * trust behaviour, generated in milliseconds.
 */
export function selfSignedCertificateArgs(options: { subject: string; san?: string; keyFile: string; certFile: string }): string[] {
  return [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${options.subject}`,
    ...(options.san ? ['-addext', `subjectAltName=${options.san}`] : []),
    '-keyout',
    options.keyFile,
    '-out',
    options.certFile,
  ];
}

async function makeCertificate(dir: string, env: NodeJS.ProcessEnv): Promise<Tls> {
  await fsp.mkdir(dir);
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await run('openssl', selfSignedCertificateArgs({ subject: '127.0.0.1', san: 'IP:127.0.0.1,DNS:localhost', keyFile, certFile }), {
    env,
  });
  const [cert, key] = await Promise.all([fsp.readFile(certFile), fsp.readFile(keyFile)]);
  return { certFile, cert, key };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

interface Shared {
  backend: string;
  root: string;
  gitEnv: NodeJS.ProcessEnv;
  children: Set<ChildProcess>;
  requests: FixtureRequest[];
  hangs: Set<ServerResponse>;
  /** sha256 of `user:token`, compared in constant time with the sha256 of what a request sends. */
  credentials: Buffer;
}

interface Listening {
  origin: string;
  close(): Promise<void>;
}

function listen(tls: Tls, name: FixtureRequest['server'], shared: Shared): Promise<Listening> {
  const sockets = new Set<Socket>();
  let origin = '';
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => handle(req, res, { ...shared, origin, name }));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that refuses the certificate (the untrusted server's purpose) aborts the handshake: not an error here.
  server.on('tlsClientError', () => {});
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (!address || typeof address === 'string') {
        reject(new Error('no TCP address'));
        return;
      }
      origin = `https://127.0.0.1:${address.port}`;
      resolve({
        origin,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

interface RequestContext extends Shared {
  origin: string;
  name: FixtureRequest['server'];
}

function handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
  const raw = req.url ?? '/';
  const queryAt = raw.indexOf('?');
  const pathname = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const query = queryAt < 0 ? '' : raw.slice(queryAt + 1);
  const gitProtocol = header(req, 'git-protocol');
  ctx.requests.push({
    method: req.method ?? 'GET',
    path: pathname,
    authorized: req.headers.authorization !== undefined,
    gitProtocol,
    server: ctx.name,
  });
  res.on('error', () => {});

  if (!pathname.startsWith('/') || pathname.split('/').some((segment) => segment === '..' || segment === '.')) {
    plain(req, res, 400, 'Bad path');
    return;
  }
  const v0 = pathname === V0_PREFIX || pathname.startsWith(`${V0_PREFIX}/`);
  const pathInfo = v0 ? pathname.slice(V0_PREFIX.length) || '/' : pathname;
  const under = (prefix: string) => pathInfo === prefix || pathInfo.startsWith(`${prefix}/`);

  if (under(ROUTES.redirect)) {
    req.resume();
    const target = `${ctx.origin}${v0 ? V0_PREFIX : ''}/public.git${pathInfo.slice(ROUTES.redirect.length)}${queryAt < 0 ? '' : `?${query}`}`;
    res.writeHead(302, { Location: target, 'Content-Type': 'text/plain' }).end(`Moved to ${target}\n`);
  } else if (under(ROUTES.hang)) {
    req.resume();
    ctx.hangs.add(res);
    res.once('close', () => ctx.hangs.delete(res));
  } else if (under(ROUTES.html)) {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
  } else if (under(ROUTES.serverError)) {
    plain(req, res, 500, 'Internal Server Error');
  } else if (under(ROUTES.forbidden)) {
    plain(req, res, 403, 'Forbidden');
  } else if (under(ROUTES.huge)) {
    req.resume();
    streamHugeAdvertisement(res);
  } else if (under('/private.git')) {
    if (!sameCredentials(req.headers.authorization, ctx.credentials)) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': `Basic realm="${REALM}"`, 'Content-Type': 'text/plain' }).end('Unauthorized\n');
      return;
    }
    cgi(req, res, ctx, { pathInfo, query, remoteUser: USER, gitProtocol: v0 ? undefined : gitProtocol });
  } else {
    cgi(req, res, ctx, { pathInfo, query, remoteUser: undefined, gitProtocol: v0 ? undefined : gitProtocol });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function plain(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  req.resume();
  res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`${text}\n`);
}

function sameCredentials(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(sha256(Buffer.from(match[1], 'base64').toString('utf8')), expected);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><h1>Sign in to continue</h1>
<form method="post" action="/session"><label>User <input name="user"></label>
<label>Password <input name="password" type="password"></label><button>Sign in</button></form></body></html>
`;

// ---------------------------------------------------------------------------------------------------------------
// CGI: git http-backend

interface CgiRequest {
  pathInfo: string;
  query: string;
  remoteUser: string | undefined;
  gitProtocol: string | undefined;
}

function cgi(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, request: CgiRequest): void {
  const env: NodeJS.ProcessEnv = {
    ...ctx.gitEnv,
    GIT_PROJECT_ROOT: ctx.root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.query,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const optional: Record<string, string | undefined> = {
    CONTENT_TYPE: header(req, 'content-type'),
    CONTENT_LENGTH: header(req, 'content-length'),
    // git sends large POST bodies gzipped; http-backend inflates them itself when told.
    HTTP_CONTENT_ENCODING: header(req, 'content-encoding'),
    REMOTE_USER: request.remoteUser,
    GIT_PROTOCOL: request.gitProtocol,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) env[key] = value;

  // Its own process group, so stop() and an aborted request end upload-pack too, not only http-backend.
  const child = spawn(ctx.backend, [], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  ctx.children.add(child);
  child.once('exit', () => ctx.children.delete(child));
  child.once('error', () => {
    ctx.children.delete(child);
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end('git http-backend did not start\n');
    else res.destroy();
  });
  child.stdin.on('error', () => {});
  child.stderr.resume();
  req.pipe(child.stdin);
  res.once('close', () => {
    if (!res.writableFinished) killGroup(child);
  });

  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, length: 4 } : lf >= 0 ? { at: lf, length: 2 } : undefined;
    if (!end) return;
    child.stdout.off('data', onData);
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end.at).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end.at + end.length));
    child.stdout.pipe(res);
  };
  child.stdout.on('data', onData);
  child.stdout.once('end', () => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end('git http-backend sent no CGI header\n');
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child);
  return exited;
}

// ---------------------------------------------------------------------------------------------------------------
// The huge advertisement

function pkt(payload: string): string {
  return (Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0') + payload;
}

/** A v0 ref advertisement of ~1 million distinct tags, generated as the client reads (no 60 MB buffer). */
function streamHugeAdvertisement(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-advertisement', 'Cache-Control': 'no-cache' });
  let sent = 0;
  let n = 0;
  const first = `${pkt('# service=git-upload-pack\n')}0000`;
  res.write(first);
  sent += first.length;
  const next = () => {
    while (sent < HUGE_ADVERTISEMENT_BYTES && !res.destroyed) {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i += 1, n += 1) {
        const oid = n.toString(16).padStart(40, 'c');
        lines.push(pkt(n === 0 ? `${oid} HEAD\0multi_ack side-band-64k ofs-delta agent=git/fixture\n` : `${oid} refs/tags/huge-${n}\n`));
      }
      const chunk = lines.join('');
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', next);
        return;
      }
    }
    if (!res.destroyed) res.end('0000');
  };
  next();
}

// ---------------------------------------------------------------------------------------------------------------

interface RunOptions {
  env: NodeJS.ProcessEnv;
  input?: string | undefined;
}

/** Runs a command without blocking the event loop; resolves with its stdout, rejects with its stderr. */
function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
