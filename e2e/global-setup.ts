import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SeedInput } from '@/shared/seed.schema';
import { startPostgresCluster } from '@/testing/postgres-fixture';
import { e2eSeed, TYPING } from './e2e-seed';

/** What the Git fixture's launcher prints (see src/testing/git-fixture-main.ts); journeys read it from E2E_GIT_FIXTURE. */
export interface E2EGitFixture {
  origin: string;
  caFile: string;
  user: string;
  token: string;
  repos: { private: { url: string; defaultBranch: string; branches: Record<string, string> }; public: { url: string } };
}

/** Starts the Git fixture (a real Git server over HTTPS on 127.0.0.1) as its own process; answers its JSON line. */
async function startGitFixture(root: string): Promise<{ fixture: E2EGitFixture; line: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/git-fixture-main.ts'], {
    cwd: root,
    env: { ...process.env, GIT_FIXTURE_MANY_TAGS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Git fixture did not start:\n${output}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const first = output.split('\n')[0];
      if (output.includes('\n') && first) {
        clearTimeout(timer);
        resolve(first);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Git fixture exited (${code}):\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { fixture: JSON.parse(line) as E2EGitFixture, line, stop };
}

/** Starts the real server (production build from dist/) with `env`; answers its URL and how to stop it. */
async function startConsoleServer(root: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /console: (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  }).catch((error: unknown) => {
    // A server that did not start in time is not left running.
    if (server.exitCode === null) server.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    },
  };
}

/** The e2e seed without the 10,000-row typing workspace (only the SQLite run's typing journey reads it). */
function withoutTypingWorkspace(seed: SeedInput): SeedInput {
  return {
    ...seed,
    workspaces: (seed.workspaces ?? []).filter((w) => w.WorkspaceId !== TYPING.id),
    members: (seed.members ?? []).filter((m) => m.WorkspaceId !== TYPING.id),
    codeSources: (seed.codeSources ?? []).filter((c) => c.WorkspaceId !== TYPING.id),
  };
}

/**
 * Starts the Git fixture, then the real server (production build from dist/, real SQLite) on a free port with a
 * fresh temporary DATA_DIR and the e2e seed, trusting the fixture's certificate and allowed to reach loopback; and a
 * second server on a throw-away PostgreSQL cluster (project `postgres` of playwright.config.ts); and a third in upstream
 * mode in front of the first (project `upstream`). The journeys read the servers' URLs from E2E_BASE_URL,
 * E2E_PG_BASE_URL and E2E_UPSTREAM_BASE_URL and the fixture from E2E_GIT_FIXTURE.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '..');
  if (!fs.existsSync(path.join(root, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const git = await startGitFixture(root);
    stops.push(git.stop);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-config-e2e-'));
    stops.push(() => Promise.resolve(fs.rmSync(dataDir, { recursive: true, force: true })));
    const seedFile = path.join(dataDir, 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify(e2eSeed));
    const gitEnv = { GIT_CA_FILE: git.fixture.caFile, GIT_ALLOWED_NETWORKS: '127.0.0.0/8' };
    const postgres = await startPostgresCluster();
    stops.push(postgres.stop);
    const pgSeedFile = path.join(dataDir, 'seed-postgres.json');
    fs.writeFileSync(pgSeedFile, JSON.stringify(withoutTypingWorkspace(e2eSeed)));
    // Both at once: seeding hashes passwords (and the SQLite one writes 10,000 rows).
    // Each one's stop is kept as soon as it has started, so a failure of the other stops it too.
    const started = (server: { url: string; stop: () => Promise<void> }) => {
      stops.push(server.stop);
      return server;
    };
    const [sqlite, onPostgres] = await Promise.all([
      startConsoleServer(root, { ...gitEnv, DATA_DIR: path.join(dataDir, 'data'), SEED_FILE: seedFile }).then(started),
      startConsoleServer(root, {
        ...gitEnv,
        DATA_DIR: path.join(dataDir, 'data-postgres'),
        SEED_FILE: pgSeedFile,
        DATABASE_URL: await postgres.createDatabase('e2e'),
        SECRET_KEY: randomBytes(32).toString('hex'),
      }).then(started),
    ]);
    // Upstream mode: a third server in front of the SQLite one, which plays PAI (project `upstream`).
    const upstream = await startConsoleServer(root, {
      ...gitEnv,
      DATA_DIR: path.join(dataDir, 'data-upstream'),
      PAI_ENDPOINT: new URL(sqlite.url).host,
      PAI_PROTOCOL: 'http',
    }).then(started);
    process.env.E2E_BASE_URL = sqlite.url;
    process.env.E2E_PG_BASE_URL = onPostgres.url;
    process.env.E2E_UPSTREAM_BASE_URL = upstream.url;
    process.env.E2E_GIT_FIXTURE = git.line;
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
