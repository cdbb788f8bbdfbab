import fs from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDatabase, processIsRunning, startPostgresCluster, type PostgresCluster } from './postgres-fixture';

/** Opens a client on `url`, runs `work`, always closes it. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

describe('the run’s PostgreSQL cluster (global setup)', () => {
  it('is a real PostgreSQL 14+ that listens on 127.0.0.1 only and gives each caller its own database', async () => {
    const info = inject('postgres');
    expect(info.host).toBe('127.0.0.1');
    const url = await createDatabase('postgres fixture');
    await withClient(url, async (client) => {
      const { rows } = await client.query<{ version: string; listen: string; addr: string; db: string }>(
        `SELECT current_setting('server_version_num') AS version, current_setting('listen_addresses') AS listen,
                host(inet_server_addr()) AS addr, current_database() AS db`,
      );
      expect(Number(rows[0]?.version)).toBeGreaterThanOrEqual(140000);
      expect(rows[0]?.listen).toBe('127.0.0.1');
      expect(rows[0]?.addr).toBe('127.0.0.1');
      expect(url.endsWith(`/${rows[0]?.db}`)).toBe(true);
      await client.query('CREATE TABLE only_here (id int)');
    });

    // Another database of the same cluster does not see that table.
    const other = await createDatabase('postgres fixture');
    expect(other).not.toBe(url);
    await withClient(other, async (client) => {
      const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('only_here')::text AS t`);
      expect(rows[0]?.t).toBeNull();
    });
  });

  it('serves a case-insensitive substring search from a pg_trgm GIN index', async () => {
    const url = await createDatabase('postgres fixture trgm');
    await withClient(url, async (client) => {
      await client.query('CREATE EXTENSION pg_trgm');
      await client.query('CREATE TABLE code_sources (id bigint PRIMARY KEY, display_name text NOT NULL)');
      // 100,000 names (the benchmark's size; at 20,000 the planner still prefers a sequential scan for a one-trigram
      // pattern); every 997th carries "abc" in some case, nothing else contains it.
      await client.query(`
        INSERT INTO code_sources
        SELECT i, CASE WHEN i % 997 = 0 THEN 'nlp-' || (ARRAY['xAbCy', 'ABC', 'abc'])[1 + i % 3] || '-' || i
                       ELSE 'job-' || translate(md5(i::text), 'abc', 'xyz') || '-' || i END
        FROM generate_series(1, 100000) AS i`);
      // Built after the rows: one bulk build is faster than growing the index row by row.
      await client.query('CREATE INDEX code_sources_name_trgm ON code_sources USING gin (display_name gin_trgm_ops)');
      await client.query('ANALYZE code_sources');

      const query = `SELECT id FROM code_sources WHERE display_name ILIKE '%abc%' ORDER BY id`;
      const { rows: plan } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${query}`);
      const nodes = planNodes(plan[0]!['QUERY PLAN'][0].Plan);
      expect(nodes.map((node) => node['Index Name'])).toContain('code_sources_name_trgm');
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');

      const { rows } = await client.query<{ id: string }>(query);
      const expected = Array.from({ length: 100000 }, (_, i) => i + 1).filter((i) => i % 997 === 0);
      // pg returns bigint as a string.
      expect(rows.map((row) => Number(row.id))).toEqual(expected);
    });
  });
});

describe('startPostgresCluster / stop', () => {
  let cluster: PostgresCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
  });

  it('starts a cluster of its own and leaves nothing behind when stopped', async () => {
    cluster = await startPostgresCluster();
    const { baseDir, pid, info } = cluster;
    expect(info.port).not.toBe(inject('postgres').port);
    expect(fs.existsSync(`${info.socketDir}/.s.PGSQL.${info.port}`)).toBe(true);
    await withClient(await cluster.createDatabase('own'), async (client) => {
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(rows[0]?.one).toBe(1);
    });

    await cluster.stop();
    expect(fs.existsSync(baseDir)).toBe(false);
    // The postmaster has exited …
    expect(processIsRunning(pid)).toBe(false);
    // … and nothing answers on its port any more.
    await expect(withClient(cluster.url('postgres'), async () => undefined)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await cluster.stop(); // a second stop is harmless
  });
});
