// Brings a fresh clone to a runnable state with nothing installed by hand: Node version, npm packages (when
// missing or stale), the console build (--build, when stale), and for the tests (--test) Debian's Chromium and
// PostgreSQL server binaries.
// Uses only Node's own modules: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const log = (msg) => console.log(`[ensure] ${msg}`);
const minimumPostgres = 14;

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`[ensure] ${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

// 1. Node: Vite 8 needs ^20.19 (or 22.12+).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`[ensure] Node ${process.versions.node} is too old: use Node 20.19+ or 22.12+`);
  process.exit(1);
}

// 2. npm packages: reinstall when package-lock.json changed since the last install.
const lockFile = path.join(root, 'package-lock.json');
const stampFile = path.join(root, 'node_modules', '.ensure-stamp');
const lockHash = createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex');
const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
if (stamp !== lockHash) {
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  fs.writeFileSync(stampFile, lockHash);
}

// 3. The console build, when anything it is built from is newer than it.
function newest(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    t = Math.max(t, newest(path.join(p, entry)));
  }
  return t;
}
if (args.has('--build') || args.has('--test')) {
  const index = path.join(root, 'dist', 'index.html');
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'package-lock.json']
    .map((p) => path.join(root, p))
    .filter((p) => fs.existsSync(p));
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built < Math.max(...inputs.map(newest))) {
    log('building the console (vite build)');
    run('npx', ['vite', 'build', '--logLevel', 'warn']);
  }
}

// 4. For the tests, from Debian's archive (apt-get; as root, else through `sudo -n`): Chromium for the Playwright
// journeys (Playwright's own browser cannot be downloaded here) and PostgreSQL's server binaries, from which the tests
// start their own throw-away clusters (src/testing/postgres-fixture.ts).
if (args.has('--test')) {
  const packages = [];
  if (!fs.existsSync('/usr/bin/chromium')) {
    log("installing Debian's chromium for the browser tests");
    packages.push('chromium', 'fonts-noto-cjk');
  }
  const needPostgres = !findPostgresBinDir();
  if (needPostgres) {
    log("installing Debian's postgresql (server binaries) for the PostgreSQL tests");
    packages.push('postgresql');
    // Debian's package would also create and start a "main" cluster on port 5432. The tests never use it (each run
    // starts its own on 127.0.0.1), so ask postgresql-common not to create one: nothing is left listening.
    const dropIn = '/etc/postgresql-common/createcluster.d/code-config-no-main-cluster.conf';
    if (!fs.existsSync(dropIn)) {
      log(`writing ${dropIn} (create_main_cluster = false)`);
      asRoot('mkdir', ['-p', path.dirname(dropIn)]);
      asRoot('tee', [dropIn], {
        input:
          '# Written by scripts/ensure.mjs of the code configuration console: its tests start their own clusters.\ncreate_main_cluster = false\n',
        stdio: ['pipe', 'ignore', 'inherit'],
      });
    }
  }
  if (packages.length > 0) {
    const aptEnv = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    asRoot('apt-get', ['update', '-q'], aptEnv);
    asRoot('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], aptEnv);
  }
  if (packages.includes('chromium')) {
    try {
      log(execFileSync('/usr/bin/chromium', ['--version']).toString().trim());
    } catch {
      console.error('[ensure] chromium was installed but does not start');
      process.exit(1);
    }
  }
  if (needPostgres) {
    const binDir = findPostgresBinDir();
    if (!binDir) {
      console.error(`[ensure] postgresql was installed but no initdb/pg_ctl of version ${minimumPostgres}+ was found`);
      process.exit(1);
    }
    log(`PostgreSQL server binaries in ${binDir}`);
  }
}

/** Runs a command as root: directly when we are root, else through `sudo -n` (never prompts). */
function asRoot(cmd, cmdArgs, opts = {}) {
  if (process.getuid?.() === 0) run(cmd, cmdArgs, opts);
  else run('sudo', ['-n', cmd, ...cmdArgs], opts);
}

/**
 * Where PostgreSQL's initdb and pg_ctl (14+) are: PG_BIN_DIR, else the newest Debian /usr/lib/postgresql/<major>/bin,
 * else the directory of initdb on PATH. The same lookup as findPostgresBinDir in src/testing/postgres-fixture.ts
 * (this script runs before anything is installed, so it cannot import that file).
 */
function findPostgresBinDir() {
  const candidates = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const majors = fs
      .readdirSync(debian)
      .map(Number)
      .filter((major) => Number.isInteger(major) && major >= minimumPostgres)
      .sort((a, b) => b - a);
    candidates.push(...majors.map((major) => path.join(debian, String(major), 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => {
    if (!fs.existsSync(path.join(dir, 'initdb')) || !fs.existsSync(path.join(dir, 'pg_ctl'))) return false;
    const version = spawnSync(path.join(dir, 'initdb'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
    return Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1]) >= minimumPostgres;
  });
}
