import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeedInput } from '@/shared/seed.schema';
import { serverDatabaseEnv } from './test-engine';
import { testSeed } from './test-seed';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** Settings the parent's environment must not leak into the child: the test decides them. */
const SERVER_ENV = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'SEED_FILE',
  'LOG_LEVEL',
  'SECRET_KEY',
  'SESSION_IDLE_MINUTES',
  'TRUST_PROXY',
  'WORKERS',
  'PAI_ENDPOINT',
  'PAI_PROTOCOL',
  'PAI_TIMEOUT_MS',
];

/** Children still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServerProcess {
  url: string;
  port: number;
  /** Every stdout line, in order (the structured log plus the start banner). */
  logs: string[];
  /** Every stderr line. */
  stderr: string[];
  /** The temp folder holding DATA_DIR and the seed file; removed by `cleanup`. */
  root: string;
  dataDir: string;
  /** The PostgreSQL database on the PostgreSQL test engine; undefined on SQLite (the file in `dataDir`). */
  databaseUrl: string | undefined;
  seedFile: string;
  /** The exit code once the process has exited, else undefined. */
  exitCode(): number | null | undefined;
  /** SIGTERM, then wait for the process to exit (SIGKILL after 15 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL — a crash: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** The child's process id (for reading its memory use). */
  pid: number;
  /** Stops this process if it still runs and starts a new one on the same DATA_DIR; `seed` rewrites SEED_FILE first. */
  restart(options?: { seed?: SeedInput }): Promise<ServerProcess>;
  /** Stops the process and removes the temp folder. */
  cleanup(): Promise<void>;
  /** A second server process on the same DATA_DIR (stop it with `stop`; `cleanup` of the first removes the folder). */
  sibling(): Promise<ServerProcess>;
}

export interface StartOptions {
  /** Written to SEED_FILE; the test seed by default. */
  seed?: SeedInput;
  /** Extra environment for the server (e.g. SECRET_KEY). */
  env?: Record<string, string>;
}

/**
 * Starts the real server (`node --import tsx src/server/main.ts`) on a free port with its own temp DATA_DIR and a
 * SEED_FILE, and resolves once it logs "listening". On the PostgreSQL test engine it gets a fresh database of the
 * run's cluster (`DATABASE_URL`, kept by `restart` and `sibling`). Seeding hashes passwords with scrypt: about 2 s.
 */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-server-'));
  const dataDir = path.join(root, 'data');
  const seedFile = path.join(root, 'seed.json');
  fs.writeFileSync(seedFile, JSON.stringify(options.seed ?? testSeed));
  try {
    return await launch({ root, dataDir, seedFile, env: { ...(await serverDatabaseEnv()), ...options.env } });
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

interface Launch {
  root: string;
  dataDir: string;
  seedFile: string;
  env: Record<string, string>;
}

function launch(l: Launch): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVER_ENV) delete env[name];
  Object.assign(env, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: l.dataDir, SEED_FILE: l.seedFile, LOG_LEVEL: 'info' }, l.env);

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const logs: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  const stop = async (): Promise<number | null> => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  };

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${message}\nstdout:\n${logs.join('\n')}\nstderr:\n${stderr.join('\n')}`)));
    };
    const timer = setTimeout(() => fail(`the server did not log "listening" within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    void exited.then((code) => fail(`the server exited with code ${code} before listening`));

    lines(child.stderr, (line) => stderr.push(line));
    lines(child.stdout, (line) => {
      logs.push(line);
      if (settled) return;
      const entry = parseJson(line);
      if (entry?.msg !== 'listening' || typeof entry.url !== 'string') return;
      settled = true;
      clearTimeout(timer);
      const url = entry.url;
      const server: ServerProcess = {
        url,
        port: Number(new URL(url).port),
        logs,
        stderr,
        root: l.root,
        dataDir: l.dataDir,
        databaseUrl: l.env.DATABASE_URL,
        seedFile: l.seedFile,
        exitCode: () => exitCode,
        stop,
        pid: child.pid ?? -1,
        async kill() {
          if (exitCode === undefined) child.kill('SIGKILL');
          await exited;
        },
        async restart(options = {}) {
          await stop();
          if (options.seed) fs.writeFileSync(l.seedFile, JSON.stringify(options.seed));
          return launch(l);
        },
        async cleanup() {
          await stop();
          fs.rmSync(l.root, { recursive: true, force: true });
        },
        sibling() {
          return launch(l);
        },
      };
      resolve(server);
    });
  });
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    rest += chunk;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
