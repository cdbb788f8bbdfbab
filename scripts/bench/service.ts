/**
 * The service rows of issue 10: signed against cookie throughput, p99 at 32 connections with 1 and 2 worker
 * processes, and the mixed workload. Each load row prints its non-2xx responses; each figure goes to the summary.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openDatabase } from '@/server/db';
import { load, loadColumns, SECONDS, type LoadResult } from './load';
import type { Mix } from './mixed';
import { signedGets } from './signed';
import { recordTarget } from './summary';

export type Row = Record<string, string | number>;

export interface ServiceBench {
  record: (row: Row) => void;
  /** Starts the server on the bench data with `WORKERS=workers`; resolves once it listens. */
  startServer: (port: number, workers: number) => Promise<ChildProcess>;
  stopProcess: (child: ChildProcess) => Promise<void>;
  dataDir: string;
  workspaceId: string;
  accessKeyId: string;
  accessKeySecret: string;
}

/** Signs in with the session API: the cookie and the CSRF token writes need. */
export async function signIn(base: string, user: { UserName: string; Password: string }): Promise<{ cookie: string; CsrfToken: string }> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ UserName: user.UserName, Password: user.Password }),
  });
  if (!res.ok) throw new Error(`sign-in at ${base} answered ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { CsrfToken } = (await res.json()) as { CsrfToken: string };
  return { cookie, CsrfToken };
}

const P99_TARGET_MS = 20;
const SIGNED_RATIO_TARGET = 0.7;
/** The mixed workload's length: 30 s by default, scaled by BENCH_SECONDS (5 → 30 s). */
export const MIXED_SECONDS = Math.max(1, Math.round(SECONDS * 6));

const clean = (...rs: LoadResult[]) => rs.every((r) => r.non2xx === 0 && r.errors === 0);
const errorNote = (...rs: LoadResult[]) => (clean(...rs) ? undefined : 'the load had non-2xx responses or errors: see its rows');

/** Our Get by id, first page, few-hit and no-hit search: the reads the p99 target is about. */
export function p99Queries(ws: string, id: string) {
  return [
    { name: 'Get by id', pathname: `/api/v1/codesources/${id}`, query: {} as Record<string, string>, action: 'GetCodeSource' },
    { name: 'List first page', pathname: '/api/v1/codesources', query: { WorkspaceId: ws, PageSize: '20' }, action: 'ListCodeSources' },
    {
      name: 'Search few hits "finetune-4242"',
      pathname: '/api/v1/codesources',
      query: { WorkspaceId: ws, DisplayName: 'finetune-4242', SortBy: 'GmtCreateTime', Order: 'DESC', PageSize: '20' },
      action: 'ListCodeSources',
    },
    {
      name: 'Search no hits "zzqx"',
      pathname: '/api/v1/codesources',
      query: { WorkspaceId: ws, DisplayName: 'zzqx', SortBy: 'GmtCreateTime', Order: 'DESC', PageSize: '20' },
      action: 'ListCodeSources',
    },
  ];
}
const pathOf = (q: { pathname: string; query: Record<string, string> }) => {
  const qs = new URLSearchParams(q.query).toString();
  return qs ? `${q.pathname}?${qs}` : q.pathname;
};

/** Cookie and signed loads of the same Get and first page, back to back, at 1 and 32 connections. */
export async function signedVsCookie(b: ServiceBench, base: string, port: number, cookie: string, id: string): Promise<void> {
  for (const q of p99Queries(b.workspaceId, id).slice(0, 2)) {
    for (const connections of [1, 32]) {
      const url = `${base}${pathOf(q)}`;
      const viaCookie = await load(url, connections, { headers: { cookie } });
      const signed = await load(url, connections, {
        requests: signedGets(
          { ...q, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, host: `127.0.0.1:${port}` },
          // More than the run can send (cookie req/s plus a margin), so none is signed during the run.
          Math.ceil(viaCookie.rps * SECONDS * 1.5) + 1000,
        ),
      });
      b.record({ section: 'signed vs cookie', query: q.name, auth: 'cookie', conn: connections, ...loadColumns(viaCookie) });
      b.record({
        section: 'signed vs cookie',
        query: q.name,
        auth: 'ACS3 signed, fresh nonce each',
        conn: connections,
        ...loadColumns(signed),
      });
      const ratio = signed.rps / Math.max(1, viaCookie.rps);
      recordTarget({
        figure: `${q.name}, signed / cookie req/s, ${connections} conn`,
        value: `${(ratio * 100).toFixed(1)} % (${signed.rps} / ${viaCookie.rps})`,
        target: `≥ ${SIGNED_RATIO_TARGET * 100} %`,
        met: ratio >= SIGNED_RATIO_TARGET && clean(viaCookie, signed),
        note: errorNote(viaCookie, signed),
      });
    }
  }
}

/** p99 at 32 connections of the four reads, with one worker process (`base`) and with two (started here). */
export async function workersComparison(b: ServiceBench, base: string, port: number, cookie: string, id: string): Promise<void> {
  const queries = p99Queries(b.workspaceId, id);
  const twoPort = port + 2;
  const two = await b.startServer(twoPort, 2);
  try {
    for (const q of queries) {
      for (const [workers, url] of [
        [1, base],
        [2, `http://127.0.0.1:${twoPort}`],
      ] as const) {
        const r = await load(`${url}${pathOf(q)}`, 32, { headers: { cookie } });
        b.record({ section: 'workers', query: q.name, workers, conn: 32, ...loadColumns(r) });
        recordTarget({
          figure: `${q.name}, p99 at 32 conn, WORKERS=${workers}`,
          value: `${r.p99} ms (${r.rps} req/s)`,
          target: `≤ ${P99_TARGET_MS} ms`,
          met: r.p99 <= P99_TARGET_MS && clean(r),
          note: errorNote(r),
        });
      }
    }
  } finally {
    await b.stopProcess(two);
  }
}

/** The names and a sample of ids of the bench workspace, for the mixed workload. */
export function sampleOf(b: Pick<ServiceBench, 'dataDir' | 'workspaceId'>): { names: string[]; ids: string[] } {
  const db = openDatabase(path.join(b.dataDir, 'code-config.sqlite'));
  try {
    const names = db.prepare('SELECT display_name FROM code_sources WHERE workspace_id = ?').pluck().all(b.workspaceId) as string[];
    const ids = db
      .prepare('SELECT code_source_id FROM code_sources WHERE workspace_id = ? ORDER BY random() LIMIT 5000')
      .pluck()
      .all(b.workspaceId) as string[];
    return { names, ids };
  } finally {
    db.close();
  }
}

/** 32 connections of the mixed workload for MIXED_SECONDS. */
export async function mixedRow(
  b: ServiceBench,
  who: 'ours' | 'json-server',
  base: string,
  mix: Mix,
  /** Our mixed result, to set json-server's next to it. */
  ours?: LoadResult,
): Promise<LoadResult> {
  const r = await load(base, 32, { requests: mix.requests, duration: MIXED_SECONDS });
  const drawn = Object.entries(mix.sent())
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  b.record({ section: 'mixed', server: who, conn: 32, seconds: MIXED_SECONDS, 'search terms': mix.terms, drawn, ...loadColumns(r) });
  recordTarget({
    figure: `Mixed workload (${who}), 32 conn ${MIXED_SECONDS} s: p50 / p99, req/s`,
    value: `${r.p50} / ${r.p99} ms, ${r.rps} req/s, ${r.non2xx} non-2xx, ${r.errors} errors`,
    target: who === 'ours' ? 'reported; no errors' : 'reported (comparison)',
    met: who === 'ours' ? clean(r) : undefined,
    note:
      who === 'ours'
        ? errorNote(r)
        : `${ours ? `ours: ${ours.rps} req/s, p99 ${ours.p99} ms; ` : ''}json-server rewrites its whole JSON file on every write; its errors are autocannon's 10 s timeouts`,
  });
  return r;
}
