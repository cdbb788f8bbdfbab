/**
 * `npm run bench:profile`: the server under load, profiled with `node --cpu-prof`, one profile per scenario (cookie
 * Get, signed Get, cookie first page, signed first page at 32 connections; non-renaming updates at 1 connection),
 * each summarised as self time per category (session, signature, validation, JSON, logging, SQLite, HTTP, …) and the
 * top self-time functions. Needs the bench data (`npm run bench` makes it); the update scenario writes to a copy of
 * it. PROFILE_SECONDS (default 10) sets each load's length; PROFILE_LOG_LEVEL (default silent) the server's
 * LOG_LEVEL; PROFILE_SCENARIOS (default `reads,update`) which ones run; WORKERS is 1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { load, loadColumns } from './load';
import { summarise, type CpuProfile } from './profile-summary';
import { p99Queries } from './service';
import { signedGets } from './signed';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.join(ROOT, 'bench', 'results', 'data-100k');
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 10);
const KEY = Buffer.alloc(32, 42).toString('hex');
const WS = '3001';
const ADMIN = {
  UserName: 'bench-admin',
  Password: 'bench-admin-password',
  AccessKeyId: 'LTAIbenchAdmin01',
  AccessKeySecret: 'bench-secret-admin-000000000001',
};

const SCENARIOS = new Set((process.env.PROFILE_SCENARIOS ?? 'reads,update').split(','));

async function profileScenario(
  name: string,
  run: (base: string, port: number, session: { cookie: string; csrfToken: string }) => Promise<void>,
  dataDir = DATA,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-prof-'));
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SECRET_KEY: KEY,
      LOG_LEVEL: process.env.PROFILE_LOG_LEVEL ?? 'silent',
      WORKERS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Code Configuration console')) resolve();
    });
  });
  child.stdout.resume();
  const base = `http://127.0.0.1:${port}`;
  const signIn = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ UserName: ADMIN.UserName, Password: ADMIN.Password }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { CsrfToken } = (await signIn.json()) as { CsrfToken: string };
  await run(base, port, { cookie, csrfToken: CsrfToken });
  child.kill('SIGTERM');
  await exited;
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written for ${name}`);
  const summary = summarise(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile);
  const keep = path.join(ROOT, 'bench', 'results', `profile-${name.replace(/\W+/g, '-').toLowerCase()}.cpuprofile`);
  fs.copyFileSync(path.join(dir, file), keep);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`\n## ${name}: ${summary.busyMs} ms busy of ${summary.totalMs} ms profiled (profile: ${path.relative(ROOT, keep)})`);
  console.table(summary.categories);
  console.table(summary.top);
}

async function main() {
  if (!fs.existsSync(path.join(DATA, 'bench-ready.json'))) throw new Error('no bench data: run `npm run bench` once first');
  const { ids } = JSON.parse(fs.readFileSync(path.join(DATA, 'bench-ready.json'), 'utf8')) as { ids: string[] };
  const [get, firstPage] = p99Queries(WS, ids[Math.floor(ids.length / 2)] ?? '');
  if (!get || !firstPage) return;
  for (const q of SCENARIOS.has('reads') ? [get, firstPage] : []) {
    const pathQs = `${q.pathname}${Object.keys(q.query).length ? `?${new URLSearchParams(q.query).toString()}` : ''}`;
    await profileScenario(`${q.name}, cookie, 32 conn`, async (base, _port, { cookie }) => {
      const r = await load(`${base}${pathQs}`, 32, { headers: { cookie }, duration: SECONDS });
      console.log(`\n${q.name}, cookie, 32 conn:`, loadColumns(r));
    });
    await profileScenario(`${q.name}, signed, 32 conn`, async (base, port) => {
      const requests = signedGets(
        {
          ...q,
          accessKeyId: ADMIN.AccessKeyId,
          accessKeySecret: ADMIN.AccessKeySecret,
          host: `127.0.0.1:${port}`,
        },
        SECONDS * 8000,
      );
      const r = await load(`${base}${pathQs}`, 32, { requests, duration: SECONDS });
      console.log(`\n${q.name}, signed, 32 conn:`, loadColumns(r));
    });
  }
  if (SCENARIOS.has('update')) {
    // The bench's non-renaming update (session cookie + CSRF), on a copy: the bench data stays as generated.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-prof-data-'));
    // SQLite's backup: the main file and whatever of the WAL is committed, as one consistent copy.
    const source = new Database(path.join(DATA, 'code-config.sqlite'), { readonly: true });
    await source.backup(path.join(copy, 'code-config.sqlite'));
    source.close();
    try {
      await profileScenario(
        'Update (Description), cookie, 1 conn',
        async (base, _port, { cookie, csrfToken }) => {
          let u = 0;
          const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json', origin: base };
          const r = await load(`${base}/api/v1/codesources`, 1, {
            duration: SECONDS,
            requests: [
              {
                method: 'PUT',
                headers,
                setupRequest: (req) => ({
                  ...req,
                  path: `/api/v1/codesources/${ids[u % ids.length]}`,
                  body: JSON.stringify({ Description: `updated ${u++}` }),
                }),
              },
            ],
          });
          console.log('\nUpdate (Description), cookie, 1 conn:', loadColumns(r));
        },
        copy,
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
