/**
 * Issue 11's rows: the same 100,000-row reads on PostgreSQL as on SQLite, side by side; one against two replicas on
 * one PostgreSQL database; creates/s on PostgreSQL.
 *
 * A throw-away PostgreSQL 15 with fsync on (`durable`, as SQLite runs with synchronous=FULL) gets a copy of the bench's
 * SQLite DATA_DIR through `copySqliteToPostgres` (what `npm run db:copy` does), and the real server runs on it. Each
 * read runs on SQLite and then on PostgreSQL straight after, so both see the machine in the same state. Nothing
 * is asserted: the figures are printed and go to the summary as "reported".
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copySqliteToPostgres } from '@/server/postgres/copy-from-sqlite';
import { startPostgresCluster } from '@/testing/postgres-fixture';
import { load, loadColumns, ms, type LoadResult } from './load';
import { p99Queries, signIn, type Row } from './service';
import { recordTarget } from './summary';

export interface PostgresBench {
  record: (row: Row) => void;
  /** Starts the server (`WORKERS=1`, the bench's SECRET_KEY) with `env` added; resolves once it listens. */
  startServer: (port: number, dataDir: string, env: NodeJS.ProcessEnv) => Promise<ChildProcess>;
  stopProcess: (child: ChildProcess) => Promise<void>;
  /** The SQLite DATA_DIR to copy. */
  dataDir: string;
  /** The SECRET_KEY the SQLite data was sealed with, in hex: the copy opens every secret with it. */
  secretKeyHex: string;
  workspaceId: string;
  admin: { UserName: string; Password: string };
  /** The SQLite server the bench already runs, and its session cookie. */
  sqlite: { base: string; cookie: string };
  /** The reads of the SQLite service rows (`queries()` in scripts/bench.ts): name and path with query string. */
  reads: { name: string; path: string }[];
  /** A code source id of the bench workspace (Get by id in the replica rows). */
  id: string;
  /** A free port; this step uses it and the next one. */
  port: number;
}

const CONNECTIONS = [1, 32];
/** The machine's 1-minute load average: these figures depend on what else runs on its cores. */
const loadAvg = () => os.loadavg()[0]?.toFixed(1) ?? '?';
const REPLICA_CONNECTIONS = 32;
const WRITE_CONNECTIONS = 8;

/** A response body without what differs on every request, to check both engines answer the same. */
async function answerOf(url: string, cookie: string): Promise<string> {
  const res = await fetch(url, { headers: { cookie } });
  const body = (await res.json()) as Record<string, unknown>;
  delete body.RequestId;
  return `${res.status} ${JSON.stringify(body)}`;
}

const pathOf = (q: { pathname: string; query: Record<string, string> }) => {
  const qs = new URLSearchParams(q.query).toString();
  return qs ? `${q.pathname}?${qs}` : q.pathname;
};

export async function postgresComparison(b: PostgresBench): Promise<void> {
  const cluster = await startPostgresCluster({ durable: true });
  const serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-server-'));
  const servers: ChildProcess[] = [];
  try {
    // The copy, timed as a person running `npm run db:copy` would see it (its row-by-row verification included).
    const url = await cluster.createDatabase('bench_100k');
    const previousKey = process.env.SECRET_KEY;
    process.env.SECRET_KEY = b.secretKeyHex;
    const copyStarted = performance.now();
    let copied: Record<string, number>;
    try {
      ({ rows: copied } = await copySqliteToPostgres(b.dataDir, url, () => undefined));
    } finally {
      if (previousKey === undefined) delete process.env.SECRET_KEY;
      else process.env.SECRET_KEY = previousKey;
    }
    const copySeconds = ms((performance.now() - copyStarted) / 1000);
    const copiedRows = Object.values(copied).reduce((a, n) => a + n, 0);
    b.record({
      section: 'postgres',
      what: 'copySqliteToPostgres (npm run db:copy) of the bench DATA_DIR, verified',
      'code sources': copied.code_sources ?? 0,
      'history events': copied.code_source_events ?? 0,
      'all rows': copiedRows,
      seconds: copySeconds,
      'load avg': loadAvg(),
    });
    recordTarget({
      figure: 'PostgreSQL: db:copy of the bench data (fsync on)',
      value: `${copySeconds} s for ${(copied.code_sources ?? 0).toLocaleString('en-US')} code sources (${copiedRows.toLocaleString('en-US')} rows in all)`,
      target: 'reported',
      met: undefined,
      note: 'one transaction, then every table verified row by row and every secret opened',
    });

    const env = { DATABASE_URL: url };
    const one = await b.startServer(b.port, serverDir, env);
    servers.push(one);
    const pgBase = `http://127.0.0.1:${b.port}`;
    const { cookie, CsrfToken } = await signIn(pgBase, b.admin);

    // 1. The SQLite service reads, SQLite then PostgreSQL, at 1 and 32 connections.
    const side: Row[] = [];
    for (const q of b.reads) {
      const same = (await answerOf(`${b.sqlite.base}${q.path}`, b.sqlite.cookie)) === (await answerOf(`${pgBase}${q.path}`, cookie));
      for (const connections of CONNECTIONS) {
        const lite = await load(`${b.sqlite.base}${q.path}`, connections, { headers: { cookie: b.sqlite.cookie } });
        const pg = await load(`${pgBase}${q.path}`, connections, { headers: { cookie } });
        const row: Row = {
          section: 'postgres',
          query: q.name,
          conn: connections,
          'SQLite p50 ms': lite.p50,
          'PG p50 ms': pg.p50,
          'SQLite p99 ms': lite.p99,
          'PG p99 ms': pg.p99,
          'SQLite req/s': lite.rps,
          'PG req/s': pg.rps,
          'PG/SQLite req/s': ms(pg.rps / Math.max(1, lite.rps)),
          'same answer': same ? 'yes' : 'NO',
          non2xx: lite.non2xx + pg.non2xx,
          errors: lite.errors + pg.errors,
          statuses: `SQLite ${lite.statuses}; PG ${pg.statuses}`,
          'load avg': loadAvg(),
        };
        b.record(row);
        side.push(row);
      }
    }
    if (side.length > 0) {
      console.log('\nSQLite and PostgreSQL, the same reads back to back (WORKERS=1 each):');
      console.table(
        side.map((r) => ({
          query: r.query,
          conn: r.conn,
          'p50 ms SQLite / PG': `${r['SQLite p50 ms']} / ${r['PG p50 ms']}`,
          'p99 ms SQLite / PG': `${r['SQLite p99 ms']} / ${r['PG p99 ms']}`,
          'req/s SQLite / PG': `${r['SQLite req/s']} / ${r['PG req/s']}`,
          same: r['same answer'],
          ...(r.flag ? { flag: r.flag } : {}),
        })),
      );
      for (const r of side.filter((row) => row.conn === 32)) {
        recordTarget({
          figure: `PostgreSQL vs SQLite, ${r.query}, 32 conn: p99 / req/s`,
          value: `PG ${r['PG p99 ms']} ms, ${r['PG req/s']}/s; SQLite ${r['SQLite p99 ms']} ms, ${r['SQLite req/s']}/s`,
          target: 'reported',
          met: undefined,
          note: r.flag ? String(r.flag) : r['same answer'] === 'yes' ? undefined : 'the two engines answered differently',
        });
      }
    }

    // 2. One replica against two on the same database: the load tool spreads its connections over both.
    const two = await b.startServer(b.port + 1, serverDir, env);
    servers.push(two);
    const twoBase = `http://127.0.0.1:${b.port + 1}`;
    for (const q of p99Queries(b.workspaceId, b.id).slice(0, 2)) {
      const results: [number, LoadResult][] = [];
      for (const replicas of [1, 2]) {
        const urls = replicas === 1 ? [`${pgBase}${pathOf(q)}`] : [`${pgBase}${pathOf(q)}`, `${twoBase}${pathOf(q)}`];
        const r = await load(urls, REPLICA_CONNECTIONS, { headers: { cookie } });
        results.push([replicas, r]);
        b.record({
          section: 'postgres replicas',
          query: q.name,
          replicas,
          conn: REPLICA_CONNECTIONS,
          ...loadColumns(r),
          'load avg': loadAvg(),
        });
      }
      recordTarget({
        figure: `PostgreSQL, ${q.name}, ${REPLICA_CONNECTIONS} conn: 1 → 2 replicas (p99, req/s)`,
        value: results.map(([n, r]) => `${n}: ${r.p99} ms, ${r.rps}/s`).join('; '),
        target: 'reported',
        met: undefined,
        note: results.some(([, r]) => r.non2xx + r.errors > 0)
          ? 'the load had non-2xx responses or errors: see its rows'
          : `${os.cpus().length} cores shared by the replicas, PostgreSQL and the load tool`,
      });
    }
    await b.stopProcess(two);

    // 3. Creates on PostgreSQL (fsync on); the SQLite figure is the writes section's.
    let n = 0;
    const created = await load(`${pgBase}/api/v1/codesources`, WRITE_CONNECTIONS, {
      requests: [
        {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': CsrfToken, 'content-type': 'application/json', origin: pgBase },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              WorkspaceId: b.workspaceId,
              DisplayName: `bench-pg-write-${process.pid}-${n++}`,
              CodeRepo: 'https://github.com/example/bench.git',
            }),
          }),
        },
      ],
    });
    b.record({ section: 'postgres writes', what: 'Create', conn: WRITE_CONNECTIONS, ...loadColumns(created) });
    recordTarget({
      figure: `PostgreSQL creates/s (fsync on), ${WRITE_CONNECTIONS} conn`,
      value: `${created.rps}/s (p99 ${created.p99} ms)`,
      target: 'reported',
      met: undefined,
      note: created.non2xx + created.errors > 0 ? 'the load had non-2xx responses or errors: see its row' : 'SQLite: the writes rows',
    });
  } finally {
    for (const s of servers) await b.stopProcess(s);
    await cluster.stop();
    fs.rmSync(serverDir, { recursive: true, force: true });
  }
}
