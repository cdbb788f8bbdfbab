import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { e2eSeed } from './e2e-seed';

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

/**
 * Starts the Git fixture, then the real server (production build from dist/, real SQLite) on a free port with a
 * fresh temporary DATA_DIR and the e2e seed, trusting the fixture's certificate and allowed to reach loopback. The
 * journeys read the server's URL from E2E_BASE_URL and the fixture from E2E_GIT_FIXTURE.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '..');
  if (!fs.existsSync(path.join(root, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  const git = await startGitFixture(root);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-config-e2e-'));
  const seedFile = path.join(dataDir, 'seed.json');
  fs.writeFileSync(seedFile, JSON.stringify(e2eSeed));
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dataDir, 'data'),
      SEED_FILE: seedFile,
      LOG_LEVEL: 'warn',
      GIT_CA_FILE: git.fixture.caFile,
      GIT_ALLOWED_NETWORKS: '127.0.0.0/8',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const starting = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
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
  });
  const url = await starting.catch(async (error: unknown) => {
    await git.stop();
    throw error;
  });
  process.env.E2E_BASE_URL = url;
  process.env.E2E_GIT_FIXTURE = git.line;
  return async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
    await git.stop();
  };
}
