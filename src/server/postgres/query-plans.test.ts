import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, SortBy } from '@/shared/code-source.schema';
import type { Visibility } from '@/server/code-sources.repository';
import { createKeyring } from '@/server/crypto';
import type { Storage } from '@/server/storage';
import { createDatabase } from '@/testing/postgres-fixture';
import { openPostgresStorage } from './storage';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

const WS = 'ws-plans';
const ROWS = 20_000;
let url: string;
let storage: Storage;
let admin: pg.Client;

beforeAll(async () => {
  url = await createDatabase('query plans');
  storage = await openPostgresStorage({ url, keyring: createKeyring(Buffer.alloc(32, 7)) });
  await storage.transaction(async ({ identity }) => {
    await identity.insertWorkspace(WS, 'plans');
    await identity.insertUser('u1', 'one', null);
    await identity.insertUser('u2', 'two', null);
  });
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // 20,000 rows of two owners, half PUBLIC, times that tie in groups: a table where sorting it whole would cost.
  await admin.query(`
    INSERT INTO code_sources (code_source_id, workspace_id, user_id, display_name, name_fold, code_repo, mount_path,
      accessibility, clone_type, gmt_create_time, gmt_modify_time)
    SELECT 'code-20260101000000-' || lpad(i::text, 12, '0'), '${WS}', CASE WHEN i % 3 = 0 THEN 'u2' ELSE 'u1' END,
      'Job ' || md5(i::text), 'job ' || md5(i::text), 'https://g/r.git', '/mnt',
      CASE WHEN i % 2 = 0 THEN 'PUBLIC' ELSE 'PRIVATE' END, 0,
      '2026-01-01T00:' || lpad(((i / 7) % 60)::text, 2, '0') || ':00.000Z', '2026-02-01T00:00:00.000Z'
    FROM generate_series(1, ${ROWS}) AS i`);
  await admin.query('ANALYZE code_sources');
});
afterAll(async () => {
  await admin?.end();
  await storage?.close();
});

/** The statements `list` sends (recorded at the driver), each with its parameters. */
async function sentBy(run: () => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
  const sent: { text: string; values: unknown[] }[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof config === 'string' ? config : config?.text;
    const values = typeof config === 'string' ? ((args[1] as unknown[]) ?? []) : (config?.values ?? []);
    if (typeof text === 'string') sent.push({ text, values });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
}

describe('PostgreSQL query plans of List', () => {
  const visibilities: [string, Visibility][] = [
    ['admin', { kind: 'all' }],
    ['developer', { kind: 'public-or-own', userId: 'u2' }],
    ['guest', { kind: 'public' }],
  ];
  it.each(['GmtCreateTime', 'GmtModifyTime', 'DisplayName', 'CodeSourceId'] as SortBy[])(
    'List by %s, both orders, as admin, developer and guest: the page is read in order from an index, with no Sort',
    async (sortBy) => {
      for (const order of ['ASC', 'DESC'] as Order[]) {
        for (const [who, visibility] of visibilities) {
          const sent = await sentBy(() => storage.codeSources.list({ workspaceId: WS, visibility, sortBy, order, limit: 20, offset: 0 }));
          const page = sent.find((s) => /ORDER BY/i.test(s.text) && /LIMIT/i.test(s.text));
          expect(page, `${who} ${order}: the page statement`).toBeDefined();
          const { rows } = await admin.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${page!.text}`, page!.values);
          const nodes = nodesOf(rows[0]!['QUERY PLAN'][0].Plan);
          const label = `${sortBy} ${order} as ${who}: ${nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`).join(' > ')}`;
          expect(
            nodes.some((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort'),
            label,
          ).toBe(false);
          expect(
            nodes.some((n) => n['Node Type'] === 'Seq Scan'),
            label,
          ).toBe(false);
          expect(
            nodes.some((n) => /Index (Only )?Scan/.test(n['Node Type']) && n['Index Name']?.startsWith('code_sources_')),
            label,
          ).toBe(true);
        }
      }
    },
  );
});
