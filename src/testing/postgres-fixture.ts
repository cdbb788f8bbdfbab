import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real, throw-away PostgreSQL server for tests: `initdb` into a fresh temporary directory, `pg_ctl start` on a free
 * port of 127.0.0.1 (the Unix socket inside that directory, nothing on any other address), `pg_ctl -m immediate stop`
 * and the directory removed at the end. Debian's server binaries come from `scripts/ensure.mjs --test`.
 *
 * One cluster per vitest run (`postgres-global-setup.ts`, in the main process); each test file asks for a database of
 * its own with `createDatabase(name)`, so files running at once in several workers never share tables.
 */

export interface PostgresClusterInfo {
  /** Always 127.0.0.1. */
  host: string;
  port: number;
  /** The superuser (trust authentication: no password). */
  user: string;
  /** Where the Unix socket is (the data directory). */
  socketDir: string;
}

export interface PostgresCluster {
  info: PostgresClusterInfo;
  /** The temporary directory that holds everything (data directory, log); gone after `stop()`. */
  baseDir: string;
  dataDir: string;
  /** The postmaster's process id. */
  pid: number;
  /** `postgres://postgres@127.0.0.1:PORT/<database>`. */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Immediate shutdown, then the directory is removed. Safe to call twice. */
  stop(): Promise<void>;
}

declare module 'vitest' {
  interface ProvidedContext {
    /** The run's cluster, started by `src/testing/postgres-global-setup.ts`. */
    postgres: PostgresClusterInfo;
  }
}

const host = '127.0.0.1';
const superuser = 'postgres';
const minimumMajor = 14;
const execFileAsync = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/**
 * Where `initdb`, `pg_ctl` and `postgres` are: `PG_BIN_DIR`, else the newest Debian `/usr/lib/postgresql/<major>/bin`
 * (major ≥ 14), else the directory of `initdb` on `PATH`. `scripts/ensure.mjs` looks the same way before installing.
 */
export function findPostgresBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const majors = fs
      .readdirSync(debian)
      .map(Number)
      .filter((major) => Number.isInteger(major) && major >= minimumMajor)
      .sort((a, b) => b - a);
    candidates.push(...majors.map((major) => path.join(debian, String(major), 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => {
    if (!fs.existsSync(path.join(dir, 'initdb')) || !fs.existsSync(path.join(dir, 'pg_ctl'))) return false;
    const version = spawnSync(path.join(dir, 'initdb'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
    const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1]);
    return major >= minimumMajor;
  });
}

/** Runs a server binary as the `postgres` user when we are root (initdb and postgres refuse to run as root). */
async function runServerTool(binDir: string, tool: string, args: string[], cwd: string): Promise<string> {
  const file = path.join(binDir, tool);
  const [cmd, cmdArgs] = isRoot ? ['runuser', ['-u', superuser, '--', file, ...args]] : [file, args];
  try {
    const { stdout } = await execFileAsync(cmd, cmdArgs, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${(stderr || stdout || String(error)).trim()}`, { cause: error });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function urlFor(info: PostgresClusterInfo, database: string): string {
  return `postgres://${info.user}@${info.host}:${info.port}/${encodeURIComponent(database)}`;
}

let databaseCount = 0;

/**
 * A new, empty database on the cluster (`info`, by default the run's cluster from the global setup), named after
 * `name` plus this process's id and a counter, so files in parallel workers never collide. Returns its URL.
 */
export async function createDatabase(
  name: string,
  /** The cluster; by default the run's (vitest's `inject`, imported only then: Playwright's setup passes its own). */
  info?: PostgresClusterInfo,
  /** A database to copy (nobody may be connected to it); template0 (empty) by default. */
  template = 'template0',
): Promise<string> {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 32);
  databaseCount += 1;
  const database = `${base || 'test'}_${process.pid}_${databaseCount}_${randomBytes(3).toString('hex')}`;
  const cluster = info ?? (await import('vitest')).inject('postgres');
  const admin = new pg.Client({ connectionString: urlFor(cluster, 'postgres') });
  await admin.connect();
  try {
    // template0: nothing connects to it, so concurrent CREATE DATABASE from several workers never waits on it.
    await admin.query(`CREATE DATABASE "${database}" TEMPLATE "${template.replace(/"/g, '""')}" ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  return urlFor(cluster, database);
}

/** Starts a fresh cluster. Throws with the way out when the server binaries are missing. */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error(
      `PostgreSQL ${minimumMajor}+ server binaries (initdb, pg_ctl) not found: run \`node scripts/ensure.mjs --test\` ` +
        "(installs Debian's postgresql) or set PG_BIN_DIR",
    );
  }
  // os.tmpdir() (not under /root): the postgres user must be able to reach the directory.
  const baseDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'code-config-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'server.log');
  let stopped = false;
  let pid = 0;

  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (pid) {
      const file = path.join(binDir, 'pg_ctl');
      const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
      const r = isRoot
        ? spawnSync('runuser', ['-u', superuser, '--', file, ...args], { cwd: baseDir })
        : spawnSync(file, args, { cwd: baseDir });
      // pg_ctl failed (e.g. the data directory is damaged): SIGQUIT is what an immediate shutdown sends.
      if (r.status !== 0) killQuietly(pid);
    }
    fs.rmSync(baseDir, { recursive: true, force: true });
  };
  // The global setup's teardown normally stops it; this covers an interrupted run (vitest exits on SIGINT).
  process.once('exit', stopSync);

  try {
    await fsp.mkdir(dataDir, { mode: 0o700 });
    if (isRoot) {
      const { uid, gid } = postgresUser();
      await fsp.chown(baseDir, uid, gid);
      await fsp.chown(dataDir, uid, gid);
    }
    // -N: no fsync of the new files (the cluster is thrown away). C.UTF-8: code-point order and Unicode case folding in lower()/ILIKE.
    await runServerTool(binDir, 'initdb', ['-D', dataDir, '-A', 'trust', '-U', superuser, '-E', 'UTF8', '--locale=C.UTF-8', '-N'], baseDir);
    const settings = [
      '',
      '# test cluster (src/testing/postgres-fixture.ts): loopback and the socket in the data directory only',
      `listen_addresses = '${host}'`,
      `unix_socket_directories = '${dataDir}'`,
      'max_connections = 200',
      // Tests kill server processes, never this cluster: a commit is visible to every connection at once either way.
      // The benchmark asks for `durable` (fsync on), to compare with SQLite's synchronous=FULL on equal terms.
      ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
      '',
    ].join('\n');
    await fsp.appendFile(path.join(dataDir, 'postgresql.conf'), settings);

    // A free port can be taken between asking and binding: try another one a few times.
    let port = 0;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      try {
        await runServerTool(binDir, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-o', `-p ${port}`, '-w', '-t', '60', 'start'], baseDir);
        break;
      } catch (error) {
        const log = await fsp.readFile(logFile, 'utf8').catch(() => '');
        if (attempt < 5 && /Address already in use|could not bind/i.test(log)) continue;
        throw new Error(`${(error as Error).message}\n${log.trim()}`, { cause: error });
      }
    }
    const pidLine = (await fsp.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
    pid = Number(pidLine);

    const info: PostgresClusterInfo = { host, port, user: superuser, socketDir: dataDir };
    return {
      info,
      baseDir,
      dataDir,
      pid,
      url: (database) => urlFor(info, database),
      createDatabase: (name) => createDatabase(name, info),
      stop: async () => {
        process.removeListener('exit', stopSync);
        if (stopped) return;
        stopped = true;
        try {
          await runServerTool(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], baseDir);
        } catch (error) {
          killQuietly(pid);
          throw error;
        } finally {
          // pg_ctl returns once postmaster.pid is removed, which the postmaster does just before it exits.
          await waitForExit(pid, 10_000);
          await fsp.rm(baseDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    process.removeListener('exit', stopSync);
    stopSync();
    throw error;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', superuser], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', superuser], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) {
    throw new Error(`running as root needs the '${superuser}' system user (Debian's postgresql package creates it)`);
  }
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Whether a process still runs. A zombie (exited, not yet reaped: the postmaster is an orphan that pg_ctl left to
 * init) counts as ended.
 */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) state …"; comm may contain spaces and parentheses, so read after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !fs.existsSync('/proc/self/stat'); // no /proc (not Linux): kill(pid, 0) succeeded, so it runs
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processIsRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`the postmaster (pid ${pid}) did not exit within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    // already gone
  }
}
