// Brings a fresh clone to a runnable state with nothing installed by hand: Node version, npm packages (when
// missing or stale), the console build (--build, when stale) and Debian's Chromium for browser tests (--test).
// Uses only Node's own modules: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const log = (msg) => console.log(`[ensure] ${msg}`);

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

// 4. Debian's Chromium for the Playwright journeys (Playwright's own browser cannot be downloaded here).
if (args.has('--test') && !fs.existsSync('/usr/bin/chromium')) {
  const isRoot = process.getuid?.() === 0;
  log("installing Debian's chromium for the browser tests");
  const sudo = isRoot ? [] : ['sudo', '-n'];
  const apt = (a) =>
    run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...a], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-noto-cjk']);
  try {
    log(execFileSync('/usr/bin/chromium', ['--version']).toString().trim());
  } catch {
    console.error('[ensure] chromium was installed but does not start');
    process.exit(1);
  }
}
