import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { foldName } from '@/shared/text';
import type { Accessibility, Order, SortBy } from '@/shared/code-source.schema';
import type { EventAction } from '@/shared/admin.schema';
import { createDatabase } from '@/testing/postgres-fixture';
import {
  createCodeSourcesRepository,
  DuplicateNameError,
  VersionConflictError,
  type CodeSourceFields,
  type CodeSourceRecord,
  type EventInput,
  type ListFilter,
} from '@/server/code-sources.repository';
import { createKeyring } from '@/server/crypto';
import { openDatabase } from '@/server/db';
import { createIdentityRepository } from '@/server/identity.repository';
import type { Repositories, Storage } from '@/server/storage';
import { MIGRATIONS, migratePostgres } from './migrations';
import { escapeLike, openPostgresStorage } from './storage';

const keyring = createKeyring(Buffer.alloc(32, 7));
const WS = 'ws-1';
const OTHER_WS = 'ws-2';

/** Every Storage and client a test opens, closed after it. */
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((x) => x.close()));
});

async function storageOn(url: string, clock?: () => Date): Promise<Storage> {
  const storage = await openPostgresStorage({ url, keyring, ...(clock ? { clock } : {}), poolSize: 4 });
  opened.push(storage);
  return storage;
}

async function clientOn(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  opened.push({ close: () => client.end() });
  return client;
}

/** A fresh database with two workspaces and three users; answers its URL and a Storage on it. */
async function seeded(name: string, clock?: () => Date, database?: string): Promise<{ url: string; storage: Storage }> {
  const url = database ?? (await createDatabase(name));
  const storage = await storageOn(url, clock);
  await storage.transaction(async ({ identity }) => {
    await identity.insertWorkspace(WS, 'Workspace One');
    await identity.insertWorkspace(OTHER_WS, 'Workspace Two');
    await identity.insertUser('u1', 'Alice', null);
    await identity.insertUser('u2', 'bob', null);
    await identity.insertUser('u3', 'Émile', null);
    await identity.insertMember(WS, 'u1', ['PAI.WorkspaceAdmin']);
    await identity.insertMember(WS, 'u2', ['PAI.AlgoDeveloper']);
    await identity.insertMember(WS, 'u3', ['PAI.AlgoDeveloper']);
  });
  return { url, storage };
}

function fields(displayName: string, over: Partial<CodeSourceFields> = {}): CodeSourceFields {
  return {
    displayName,
    nameFold: foldName(displayName),
    description: '',
    codeRepo: 'https://git.example/r.git',
    codeBranch: 'main',
    codeCommit: '',
    codeRepoUserName: '',
    accessToken: '',
    mountPath: '/mnt/data/code',
    accessibility: 'PRIVATE',
    cloneType: 0,
    ...over,
  };
}

function event(action: EventAction, displayName = 'x', userId = 'u1'): EventInput {
  return { action, displayName, userId, userName: userId, via: 'Console', requestId: `req-${action}`, changes: [] };
}

const listAll = (over: Partial<ListFilter> = {}): ListFilter => ({
  workspaceId: WS,
  visibility: { kind: 'all' },
  sortBy: 'GmtCreateTime',
  order: 'ASC',
  limit: 100,
  offset: 0,
  ...over,
});

/** Resolves once some other backend of the database waits for a lock (a row, a key, an advisory lock). */
async function someoneWaitsForALock(admin: pg.Client): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (Number(rows[0]?.n) > 0) return;
    if (Date.now() > deadline) throw new Error('nobody waits for a lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs `step` in a transaction on `storage` and keeps the transaction open until `release()`; `held` resolves with the
 * step's answer once it has run (so the next actor surely comes second), `done` when the transaction has ended.
 */
function holdOpen<T>(storage: Storage, step: (tx: Repositories) => Promise<T>, afterRelease: () => void = () => undefined) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let markHeld!: (value: T) => void;
  let failHeld!: (error: unknown) => void;
  const held = new Promise<T>((resolve, reject) => ((markHeld = resolve), (failHeld = reject)));
  const done = storage.transaction(async (tx) => {
    try {
      markHeld(await step(tx));
    } catch (error) {
      failHeld(error);
      throw error;
    }
    await released;
    afterRelease();
  });
  // Whoever fails first is reported by the test's own awaits; the other is not an unhandled rejection.
  done.catch(() => undefined);
  return { held, release, done };
}

/** A promise's state without waiting for it. */
async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  return done;
}

describe('migrations', () => {
  it('replicas starting together migrate once; a later start applies nothing', async () => {
    const url = await createDatabase('pg migrations');
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url, max: 1 }));
    for (const pool of pools) opened.push({ close: () => pool.end() });
    const applied = await Promise.all(pools.map((pool) => migratePostgres(pool)));
    // One of them applied every version; the others found them done.
    expect(applied.flat().sort()).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(applied.filter((a) => a.length > 0)).toHaveLength(1);

    const admin = await clientOn(url);
    const { rows } = await admin.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(await migratePostgres(pools[0]!)).toEqual([]);
  });

  it('two openPostgresStorage at once on a new database both work, on one schema', async () => {
    const url = await createDatabase('pg open twice');
    const [a, b] = await Promise.all([storageOn(url), storageOn(url)]);
    await a.identity.insertWorkspace(WS, 'W');
    expect(await b.identity.isEmpty()).toBe(false);
    const admin = await clientOn(url);
    const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0]?.n)).toBe(MIGRATIONS.length);
    await a.ping();
    expect(a.engine).toBe('postgres');
  });

  it('a migration that fails is rolled back and the lock is released for the next process', async () => {
    const url = await createDatabase('pg migration fails');
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    opened.push({ close: () => pool.end() });
    await expect(
      migratePostgres(pool, ['CREATE TABLE t1 (id int)', 'CREATE TABLE t2 (id int); SELECT no_such_function()']),
    ).rejects.toThrow(/no_such_function/);
    const admin = await clientOn(url);
    expect((await admin.query(`SELECT to_regclass('t2') AS t`)).rows[0]?.t).toBeNull();
    expect((await admin.query('SELECT version FROM schema_migrations')).rows).toEqual([{ version: 1 }]);
    // Not held by the pool's connection any more: another session takes it at once.
    const { rows } = await admin.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS got', ['7237954737213888359']);
    expect(rows[0]?.got).toBe(true);
  });

  it('keeps the global bigint parser as it was (the Storage parses BIGINT on its own pool)', async () => {
    const { storage } = await seeded('pg types');
    expect(pg.types.getTypeParser(20)('12')).toBe('12');
    await storage.identity.addSignInFailure('k', 1_700_000_000_123);
    expect(await storage.identity.signInFailures(['k'])).toEqual([{ key: 'k', failures: 1, lastFailureAt: 1_700_000_000_123 }]);
  });
});

describe('code sources', () => {
  it('creates, reads, updates, transfers and deletes, keeping counts and history', async () => {
    const { url, storage } = await seeded('pg crud');
    const { codeSources } = storage;
    const made = await codeSources.create(
      { ...fields('First', { accessToken: 'ghp_secretToken123' }), workspaceId: WS, userId: 'u2' },
      event('Create'),
    );
    expect(made).toMatchObject({ created: true });
    if (made === 'token-mismatch') throw new Error('unexpected');
    const id = made.codeSourceId;
    expect(id).toMatch(/^code-\d{14}-[a-z0-9]{12}$/);
    const record = await codeSources.findById(id);
    expect(record).toMatchObject({ displayName: 'First', userName: 'bob', hasAccessToken: true, version: 1, cloneType: 0 });
    expect(await codeSources.readAccessToken(id)).toBe('ghp_secretToken123');

    const updated = await codeSources.update(
      record!,
      { ...fields('First', { accessibility: 'PUBLIC', description: 'd' }), accessToken: undefined },
      event('Update'),
    );
    expect(updated).toMatchObject({ version: 2, accessibility: 'PUBLIC', description: 'd', hasAccessToken: true });
    expect(await codeSources.readAccessToken(id)).toBe('ghp_secretToken123');
    const cleared = await codeSources.update(
      updated,
      { ...fields('First', { accessibility: 'PUBLIC' }), accessToken: '' },
      event('Update'),
    );
    expect(cleared.hasAccessToken).toBe(false);
    expect(await codeSources.readAccessToken(id)).toBeUndefined();

    await expect(codeSources.transferOwner(id, 1, 'u1', event('TransferOwner'))).rejects.toBeInstanceOf(VersionConflictError);
    const moved = await codeSources.transferOwner(id, 3, 'u1', event('TransferOwner'));
    expect(moved).toMatchObject({ userId: 'u1', userName: 'Alice', version: 4 });
    expect(await codeSources.countsByVisibility(WS, { kind: 'all' })).toEqual({ publicCount: 1, privateCount: 0 });

    await expect(codeSources.delete(id, 3, WS, event('Delete'))).rejects.toBeInstanceOf(VersionConflictError);
    await codeSources.delete(id, 4, WS, event('Delete'));
    expect(await codeSources.findById(id)).toBeUndefined();
    expect(await codeSources.countsByVisibility(WS, { kind: 'all' })).toEqual({ publicCount: 0, privateCount: 0 });

    const history = await codeSources.eventsOf(id, 10, 0);
    expect(history.total).toBe(5);
    expect(history.items.map((e) => e.Action)).toEqual(['Delete', 'TransferOwner', 'Update', 'Update', 'Create']);
    expect(history.items.every((e) => !e.CodeSourceExists)).toBe(true);
    expect((await codeSources.lastEventOf(id))?.Action).toBe('Delete');
    expect((await codeSources.eventsOf(id, 2, 1)).items.map((e) => e.Action)).toEqual(['TransferOwner', 'Update']);

    // The kept counts equal a count of the rows after every kind of write.
    const admin = await clientOn(url);
    const { rows } = await admin.query(`
      SELECT k.workspace_id, k.accessibility, k.user_id, k.n, coalesce(c.n, 0) AS counted FROM code_source_counts k
      LEFT JOIN (SELECT workspace_id, accessibility, user_id, count(*)::int AS n FROM code_sources GROUP BY 1, 2, 3) c
      USING (workspace_id, accessibility, user_id) WHERE k.n <> coalesce(c.n, 0)`);
    expect(rows).toEqual([]);
  });

  it('refuses a second name equal ignoring case in a workspace, also on update; another workspace may use it', async () => {
    const { storage } = await seeded('pg names');
    const { codeSources } = storage;
    await codeSources.create({ ...fields('Straße-Name'), workspaceId: WS, userId: 'u1' }, event('Create'));
    await expect(codeSources.create({ ...fields('straße-NAME'), workspaceId: WS, userId: 'u2' }, event('Create'))).rejects.toBeInstanceOf(
      DuplicateNameError,
    );
    await codeSources.create({ ...fields('straße-NAME'), workspaceId: OTHER_WS, userId: 'u2' }, event('Create'));
    const other = await codeSources.create({ ...fields('Other'), workspaceId: WS, userId: 'u1' }, event('Create'));
    if (other === 'token-mismatch') throw new Error('unexpected');
    const row = (await codeSources.findById(other.codeSourceId))!;
    await expect(codeSources.update(row, { ...fields('STRAßE-NAME'), accessToken: undefined }, event('Update'))).rejects.toBeInstanceOf(
      DuplicateNameError,
    );
    // The failed steps left nothing behind: no row, no event, the counts as they were.
    expect((await codeSources.list(listAll())).total).toBe(2);
    expect((await codeSources.workspaceEvents({ workspaceId: WS, visibility: { kind: 'all' }, limit: 10, offset: 0 })).total).toBe(2);
    expect(await codeSources.countsByVisibility(WS, { kind: 'all' })).toEqual({ publicCount: 0, privateCount: 2 });
  });

  it('search is a literal substring: %, _ and \\ match only themselves, at every length', async () => {
    const { storage } = await seeded('pg literal');
    const names = ['a%b', 'a_b', 'a\\b', 'axb', 'a%%b', 'plain', '100%_done', 'x\\%y'];
    for (const name of names) await storage.codeSources.create({ ...fields(name), workspaceId: WS, userId: 'u1' }, event('Create'));
    const hits = async (search: string) => {
      const r = await storage.codeSources.list(listAll({ search, sortBy: 'DisplayName' }));
      expect(r.total).toBe(r.items.length);
      return r.items.map((x) => x.displayName);
    };
    const literal = (q: string) => names.filter((n) => n.includes(q)).sort();
    for (const q of ['%', '_', '\\', 'a%', '%b', 'a%b', 'a_b', 'a\\b', '%%', '%_', '\\%', 'x\\%y', 'a%%b', '0%_d', 'b', 'ax']) {
      expect(await hits(q), q).toEqual(literal(q));
    }
    expect(escapeLike('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
    // A search PostgreSQL cannot even hold finds nothing instead of failing.
    expect(await storage.codeSources.list(listAll({ search: 'a\0' }))).toEqual({ items: [], total: 0 });
  });

  it('a 3+ character search is served by the trigram GIN index (the queries list() really sends)', async () => {
    const { url, storage } = await seeded('pg gin');
    const admin = await clientOn(url);
    await admin.query(`
      INSERT INTO code_sources (code_source_id, workspace_id, user_id, display_name, name_fold, code_repo, mount_path,
        accessibility, clone_type, gmt_create_time, gmt_modify_time)
      SELECT 'code-20260101000000-' || lpad(i::text, 12, '0'), '${WS}', 'u1', 'Job ' || md5(i::text), 'job ' || md5(i::text),
        'https://g/r.git', '/mnt', CASE WHEN i % 2 = 0 THEN 'PUBLIC' ELSE 'PRIVATE' END, 0,
        '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
      FROM generate_series(1, 20000) AS i`);
    // No VACUUM: the index takes new names at once (fastupdate off), so the plan does not wait for one.
    await admin.query('ANALYZE code_sources');

    // Record what the storage sends, then ask PostgreSQL how it runs exactly that.
    const sent: { text: string; values: unknown[] }[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (typeof args[0] === 'string' && /LIKE/.test(args[0])) sent.push({ text: args[0], values: (args[1] as unknown[]) ?? [] });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    let result: { total: number; items: CodeSourceRecord[] };
    try {
      result = await storage.codeSources.list(listAll({ search: 'abc1' }));
    } finally {
      pg.Client.prototype.query = original;
    }
    const expected = (await admin.query<{ n: string }>(`SELECT count(*) AS n FROM code_sources WHERE strpos(name_fold, 'abc1') > 0`))
      .rows[0]?.n;
    expect(result.total).toBe(Number(expected));
    expect(result.total).toBeGreaterThan(0);
    const count = sent.find((s) => /count\(\*\)/.test(s.text));
    expect(count).toBeDefined();

    const { rows } = await admin.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${count!.text}`, count!.values);
    const nodes = planNodes(rows[0]!['QUERY PLAN'][0].Plan);
    expect(nodes.some((n) => n['Node Type'] === 'Bitmap Index Scan' && n['Index Name'] === 'code_sources_name_trgm')).toBe(true);
  });

  it('ClientToken: two connections racing the same token create once and agree on the id', async () => {
    const { url, storage: a } = await seeded('pg client token');
    const b = await storageOn(url);
    const admin = await clientOn(url);
    const input = { ...fields('Once'), workspaceId: WS, userId: 'u1' };
    const token = { token: 'tok-1', bodyMac: 'mac-1' };

    // A reserves the token and holds its transaction open; B's retry must wait for it, then read A's id.
    const first = holdOpen(a, (tx) => tx.codeSources.create(input, event('Create'), token));
    const aResult = await first.held;
    const bDone = b.codeSources.create(input, event('Create'), token);
    await someoneWaitsForALock(admin);
    expect(await settledYet(bDone)).toBe(false);
    first.release();
    await first.done;
    const bResult = await bDone;
    expect(aResult).toMatchObject({ created: true });
    expect(bResult).toEqual({ codeSourceId: (aResult as { codeSourceId: string }).codeSourceId, created: false });
    expect(await b.codeSources.create(input, event('Create'), { token: 'tok-1', bodyMac: 'other' })).toBe('token-mismatch');

    // Many retries at once over both Storages: one row per token.
    const tokens = ['t-a', 't-b', 't-c'];
    const results = await Promise.all(
      tokens.flatMap((t, i) =>
        [a, b, a, b].map((s) =>
          s.codeSources.create({ ...fields(`Many ${i}`), workspaceId: WS, userId: 'u1' }, event('Create'), { token: t, bodyMac: 'm' }),
        ),
      ),
    );
    for (const t of tokens) {
      const mine = results.filter((_, k) => tokens[Math.floor(k / 4)] === t) as { codeSourceId: string; created: boolean }[];
      expect(mine.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(mine.map((r) => r.codeSourceId)).size).toBe(1);
    }
    expect((await a.codeSources.list(listAll())).total).toBe(1 + tokens.length);
    const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM code_source_events WHERE action = 'Create'`);
    expect(Number(rows[0]?.n)).toBe(1 + tokens.length);
  });

  it('ClientToken: when the first attempt rolls back, the waiting retry creates; an expired token is forgotten', async () => {
    let nowMs = Date.parse('2026-03-01T00:00:00.000Z');
    const clock = () => new Date(nowMs);
    const { url, storage: a } = await seeded('pg client token rollback', clock);
    const b = await storageOn(url, clock);
    const admin = await clientOn(url);
    const input = { ...fields('Later'), workspaceId: WS, userId: 'u1' };
    const token = { token: 'tok-r', bodyMac: 'mac' };
    const attempt = holdOpen(
      a,
      (tx) => tx.codeSources.create(input, event('Create'), token),
      () => {
        throw new Error('changed my mind');
      },
    );
    await attempt.held;
    const bDone = b.codeSources.create(input, event('Create'), token);
    await someoneWaitsForALock(admin);
    attempt.release();
    await expect(attempt.done).rejects.toThrow('changed my mind');
    const first = await bDone;
    expect(first).toMatchObject({ created: true });

    // Seven days and a moment later the token means nothing any more: a new code source (under another name).
    nowMs += 7 * 24 * 3600_000 + 1;
    const again = await a.codeSources.create({ ...fields('Later 2'), workspaceId: WS, userId: 'u1' }, event('Create'), {
      token: 'tok-r',
      bodyMac: 'x',
    });
    expect(again).toMatchObject({ created: true });
    expect(again).not.toEqual(first);
  });

  it('If-Match: of two writers at the same version, exactly one wins, on any connection', async () => {
    const { url, storage: a } = await seeded('pg if-match');
    const b = await storageOn(url);
    const admin = await clientOn(url);
    const made = await a.codeSources.create({ ...fields('Raced'), workspaceId: WS, userId: 'u1' }, event('Create'));
    if (made === 'token-mismatch') throw new Error('unexpected');
    const row = (await a.codeSources.findById(made.codeSourceId))!;

    // Deterministic: A's update holds the row; B's update at the same version waits, then finds a newer version.
    const first = holdOpen(a, (tx) =>
      tx.codeSources.update(row, { ...fields('Raced', { description: 'A' }), accessToken: undefined }, event('Update')),
    );
    await first.held;
    const bDone = b.codeSources.update(row, { ...fields('Raced', { description: 'B' }), accessToken: undefined }, event('Update'));
    await someoneWaitsForALock(admin);
    first.release();
    await first.done;
    await expect(bDone).rejects.toBeInstanceOf(VersionConflictError);
    expect(await a.codeSources.findById(row.codeSourceId)).toMatchObject({ description: 'A', version: 2 });

    // Many at once: one winner per version.
    const current = (await a.codeSources.findById(row.codeSourceId))!;
    const outcomes = await Promise.allSettled(
      [a, b, a, b, a, b].map((s, i) =>
        s.codeSources.update(current, { ...fields('Raced', { description: `w${i}` }), accessToken: undefined }, event('Update')),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(VersionConflictError);
    expect((await a.codeSources.eventsOf(row.codeSourceId, 50, 0)).items.filter((e) => e.Action === 'Update')).toHaveLength(2);
    const deletes = await Promise.allSettled([a, b].map((s) => s.codeSources.delete(row.codeSourceId, 3, WS, event('Delete'))));
    expect(deletes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('list reads TotalCount and page in one snapshot, even while rows are added', async () => {
    const { url, storage: a } = await seeded('pg snapshot');
    const b = await storageOn(url);
    for (let i = 0; i < 20; i++) await a.codeSources.create({ ...fields(`Row ${i}`), workspaceId: WS, userId: 'u1' }, event('Create'));
    const writer = (async () => {
      for (let i = 20; i < 80; i++) await b.codeSources.create({ ...fields(`Row ${i}`), workspaceId: WS, userId: 'u1' }, event('Create'));
    })();
    let finished = false;
    void writer.finally(() => (finished = true));
    let checks = 0;
    while (!finished || checks < 5) {
      const r = await a.codeSources.list(listAll({ limit: 1000, search: 'row' }));
      expect(r.items).toHaveLength(r.total);
      const u = await a.codeSources.list(listAll({ limit: 1000 }));
      expect(u.items).toHaveLength(u.total);
      checks++;
    }
    await writer;
  });

  it('events are append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const { url, storage } = await seeded('pg events');
    await storage.codeSources.create({ ...fields('Logged'), workspaceId: WS, userId: 'u1' }, event('Create'));
    const admin = await clientOn(url);
    await expect(admin.query(`UPDATE code_source_events SET display_name = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(admin.query('DELETE FROM code_source_events')).rejects.toThrow(/append-only/);
    await expect(admin.query('TRUNCATE code_source_events')).rejects.toThrow(/append-only/);
    const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM code_source_events');
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('seals tokens in the SQLite format and binding: the bytes open with the same keyring, no plaintext stored', async () => {
    const { url, storage } = await seeded('pg sealing');
    const token = 'ghp_plaintextTokenForSealing42';
    const made = await storage.codeSources.create(
      { ...fields('Sealed', { accessToken: token }), workspaceId: WS, userId: 'u1' },
      event('Create'),
    );
    if (made === 'token-mismatch') throw new Error('unexpected');
    await storage.identity.insertAccessKey('LTAIkey1', 'u1', 'ak-secret-value-123');
    const admin = await clientOn(url);
    const cs = await admin.query<{ s: Buffer }>('SELECT access_token_sealed AS s FROM code_sources WHERE code_source_id = $1', [
      made.codeSourceId,
    ]);
    const sealed = cs.rows[0]!.s;
    expect(sealed[0]).toBe(1);
    expect(keyring.open(sealed, `code_sources.access_token:${made.codeSourceId}`)).toBe(token);
    expect(() => keyring.open(sealed, 'code_sources.access_token:code-other')).toThrow();
    const ak = await admin.query<{ s: Buffer }>(`SELECT secret_sealed AS s FROM access_keys WHERE access_key_id = 'LTAIkey1'`);
    expect(keyring.open(ak.rows[0]!.s, 'access_keys.secret:LTAIkey1')).toBe('ak-secret-value-123');
    expect(await storage.identity.accessKey('LTAIkey1')).toEqual({
      userId: 'u1',
      secret: 'ak-secret-value-123',
      status: 'Active',
      lastUsedAt: null,
    });
    // Sealed bytes written by SQLite's repository open here too (what db:copy relies on).
    await admin.query(`UPDATE access_keys SET secret_sealed = $1 WHERE access_key_id = 'LTAIkey1'`, [
      keyring.seal('from-sqlite', 'access_keys.secret:LTAIkey1'),
    ]);
    expect(await storage.identity.accessKey('LTAIkey1')).toMatchObject({ userId: 'u1', secret: 'from-sqlite' });
    const dump = await admin.query<{ hit: boolean }>(
      `SELECT bool_or(position($1::bytea IN access_token_sealed) > 0) AS hit FROM code_sources`,
      [Buffer.from(token)],
    );
    expect(dump.rows[0]?.hit).toBe(false);
  });
});

describe('identity', () => {
  it('user names are unique ignoring ASCII case only, as SQLite NOCASE; lookups likewise', async () => {
    const { storage } = await seeded('pg users');
    const { identity } = storage;
    await expect(identity.insertUser('u9', 'ALICE', null)).rejects.toMatchObject({ code: '23505' });
    // NOCASE folds A-Z only: 'émile' is another name than 'Émile'.
    await identity.insertUser('u4', 'émile', null);
    expect((await identity.findUserByName('aLiCe'))?.userId).toBe('u1');
    // A-Z folded, É kept: 'ÉMILE' is 'Émile', 'éMILE' is 'émile'.
    expect((await identity.findUserByName('ÉMILE'))?.userId).toBe('u3');
    expect((await identity.findUserByName('éMILE'))?.userId).toBe('u4');
    expect((await identity.findUserByName('Émile'))?.userId).toBe('u3');
    expect((await identity.findUserByName('émile'))?.userId).toBe('u4');
    expect(await identity.findUserById('u2')).toEqual({ userId: 'u2', userName: 'bob', passwordHash: null });
    expect(await identity.membership(WS, 'u1')).toEqual({ workspaceId: WS, workspaceName: 'Workspace One', roles: ['PAI.WorkspaceAdmin'] });
    expect(await identity.membership(OTHER_WS, 'u1')).toBeUndefined();
    expect(await identity.memberships('u2')).toEqual([{ workspaceId: WS, workspaceName: 'Workspace One', roles: ['PAI.AlgoDeveloper'] }]);
    await identity.setMeta('seed', 'a');
    await identity.setMeta('seed', 'b');
    expect(await identity.meta('seed')).toBe('b');
    expect(await identity.meta('none')).toBeUndefined();
  });

  it('a nonce spent on one Storage is refused on another; after the window it is taken over', async () => {
    const { url, storage: a } = await seeded('pg nonces');
    const b = await storageOn(url);
    const t0 = 1_800_000_000_000;
    const window = 30 * 60_000;
    expect(await a.identity.rememberNonce('ak', 'n1', t0, window)).toBe(true);
    expect(await b.identity.rememberNonce('ak', 'n1', t0 + 5, window)).toBe(false);
    expect(await a.identity.rememberNonce('ak2', 'n1', t0 + 6, window)).toBe(true);
    expect(await b.identity.rememberNonce('ak', 'n1', t0 + window + 1, window)).toBe(true);
    expect(await a.identity.rememberNonce('ak', 'n1', t0 + window + 2, window)).toBe(false);

    // Many at once over both: one acceptance per nonce.
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).identity.rememberNonce('ak', `race-${i % 3}`, t0 + window + 10, window)),
    );
    expect(results.filter(Boolean)).toHaveLength(3);

    // Purged once the window has passed (at most once a second per Storage).
    const later = t0 + 3 * window;
    expect(await a.identity.rememberNonce('ak', 'fresh', later, window)).toBe(true);
    expect(await a.identity.nonceCount()).toBe(1);

    // Written on connections that do not wait for the WAL flush at commit (see migrations.ts). (The other connections
    // keep the server's setting, which the test cluster may have turned off for speed.)
    const writers = new Set<pg.Client>();
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (typeof args[0] === 'string' && args[0].includes('INSERT INTO signature_nonces')) writers.add(this);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await a.identity.rememberNonce('ak', 'flush?', later + 1, window);
    } finally {
      pg.Client.prototype.query = original;
    }
    expect(writers.size).toBe(1);
    for (const client of writers) {
      expect((await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit).toBe('off');
    }
  });

  it('sessions slide, expire and end', async () => {
    const { storage } = await seeded('pg sessions');
    const { identity } = storage;
    const t0 = 1_800_000_000_000;
    await identity.createSession('mac-1', 'u1', t0);
    expect(await identity.useSession('mac-1', t0 + 1000, 60_000)).toBe('u1');
    expect(await identity.useSession('mac-1', t0 + 61_000, 120_000)).toBe('u1');
    expect(await identity.useSession('mac-1', t0 + 61_000 + 119_000, 120_000)).toBe('u1'); // slid forward at +61 s
    expect(await identity.useSession('mac-1', t0 + 61_000 + 400_000, 120_000)).toBeUndefined();
    expect(await identity.useSession('mac-1', t0, 10 ** 9)).toBeUndefined(); // deleted when found expired
    await identity.createSession('mac-2', 'u2', t0);
    await identity.endSession('mac-2');
    expect(await identity.useSession('mac-2', t0, 60_000)).toBeUndefined();
    await identity.createSession('mac-3', 'u2', t0);
    await identity.purgeSessions(t0 + 1);
    expect(await identity.useSession('mac-3', t0, 60_000)).toBeUndefined();
  });

  it('sign-in failures count, take back and purge; lockSignInFailures makes overlapping transactions take turns', async () => {
    const { url, storage: a } = await seeded('pg sign-in');
    const b = await storageOn(url);
    const admin = await clientOn(url);
    const { identity } = a;
    await identity.addSignInFailure('k1', 100);
    await identity.addSignInFailure('k1', 200);
    await identity.addSignInFailure('k2', 150);
    expect(await identity.signInFailures(['k2', 'none', 'k1'])).toEqual([
      { key: 'k2', failures: 1, lastFailureAt: 150 },
      { key: 'k1', failures: 2, lastFailureAt: 200 },
    ]);
    await identity.takeBackSignInFailure('k2');
    await identity.takeBackSignInFailure('k2');
    expect(await identity.signInFailures(['k2'])).toEqual([{ key: 'k2', failures: 0, lastFailureAt: 150 }]);
    await identity.forgetSignInFailures('k1');
    await identity.purgeSignInFailures(151);
    expect(await identity.signInFailures(['k1', 'k2'])).toEqual([]);

    const first = holdOpen(a, async (tx) => {
      await tx.identity.lockSignInFailures(['x', 'y']);
      // Written while the locks are held; B must see it only after A commits.
      await tx.identity.addSignInFailure('y', 1);
    });
    await first.held;
    const order: string[] = [];
    // Another key set that shares 'y' waits; one that shares nothing does not.
    const bDone = b.transaction(async (tx) => {
      await tx.identity.lockSignInFailures(['z', 'y']);
      order.push('b locked');
      return tx.identity.signInFailures(['y']);
    });
    await someoneWaitsForALock(admin);
    await b.transaction(async (tx) => tx.identity.lockSignInFailures(['w']));
    expect(await settledYet(bDone)).toBe(false);
    order.push('a releases');
    first.release();
    await first.done;
    // B ran its check after A committed: it sees A's failure.
    expect(await bDone).toEqual([{ key: 'y', failures: 1, lastFailureAt: 1 }]);
    expect(order).toEqual(['a releases', 'b locked']);
  });

  it('startGitCheck is one atomic step per user across Storages', async () => {
    const { url, storage: a } = await seeded('pg git checks');
    const b = await storageOn(url);
    const now = 1_800_000_000_000;
    const limits = { atOnce: 3, perMinute: 5, staleMs: 30_000 };
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).identity.startGitCheck('u1', now, limits)));
    const started = results.filter((r): r is { checkId: string } => 'checkId' in r);
    expect(started).toHaveLength(3);
    expect(results.filter((r) => 'refused' in r && r.refused === 'at-once')).toHaveLength(7);
    // Another user has places of their own.
    expect(await a.identity.startGitCheck('u2', now, limits)).toHaveProperty('checkId');
    for (const s of started) await b.identity.finishGitCheck(s.checkId, now + 10);
    expect(await a.identity.startGitCheck('u1', now + 20, limits)).toHaveProperty('checkId');
    expect(await a.identity.startGitCheck('u1', now + 30, limits)).toHaveProperty('checkId');
    expect(await a.identity.startGitCheck('u1', now + 40, limits)).toEqual({ refused: 'per-minute', retryAfterMs: 60_000 - 40 });
    // Once the minute has passed, the limit no longer applies.
    expect(await a.identity.startGitCheck('u1', now + 60_001, limits)).toHaveProperty('checkId');
  });
});

describe('Storage.close', () => {
  it('lets calls under way finish, even those still waiting for a connection, then refuses new ones', async () => {
    const { url } = await seeded('pg close');
    const storage = await openPostgresStorage({ url, keyring, poolSize: 1 });
    const calls = [
      ...Array.from({ length: 8 }, () => storage.codeSources.list(listAll())),
      storage.transaction(async (tx) => tx.identity.members(WS)),
      storage.ping(),
    ];
    await storage.close();
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((o) => o.status)).toEqual(calls.map(() => 'fulfilled'));
    await expect(storage.identity.findUserById('u1')).rejects.toThrow(/closed/);
    await storage.close();
  });
});

describe('Storage.transaction', () => {
  it('commits everything or nothing; a failed step inside rolls back only itself; the tx is unusable after', async () => {
    const { storage } = await seeded('pg transaction');
    let leaked: Storage['codeSources'] | undefined;
    await expect(
      storage.transaction(async (tx) => {
        await tx.codeSources.create({ ...fields('Kept?'), workspaceId: WS, userId: 'u1' }, event('Create'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await storage.codeSources.list(listAll())).total).toBe(0);

    const result = await storage.transaction(async (tx) => {
      leaked = tx.codeSources;
      await tx.codeSources.create({ ...fields('One'), workspaceId: WS, userId: 'u1' }, event('Create'));
      // As with SQLite's nested transaction: the duplicate is refused and the transaction goes on.
      await expect(tx.codeSources.create({ ...fields('ONE'), workspaceId: WS, userId: 'u2' }, event('Create'))).rejects.toBeInstanceOf(
        DuplicateNameError,
      );
      await tx.codeSources.create({ ...fields('Two'), workspaceId: WS, userId: 'u1' }, event('Create'));
      // Calls fired together run one after the other on the transaction's connection.
      const [x, y] = await Promise.all([tx.codeSources.list(listAll()), tx.identity.members(WS)]);
      return { total: x.total, members: y.length };
    });
    expect(result).toEqual({ total: 2, members: 3 });
    expect((await storage.codeSources.list(listAll())).total).toBe(2);
    await expect(leaked!.list(listAll())).rejects.toThrow(/ended/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The same operations on SQLite and on PostgreSQL answer the same.

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/**
 * A database whose default collation is ICU's en-US (as a production database may well be): "a" < "A" < "ä" < "b",
 * lower('Ä') = 'ä'. Only the schema's own COLLATE "C" keeps the answers in SQLite's code-point order there.
 */
async function createLinguisticDatabase(name: string): Promise<string> {
  const info = inject('postgres');
  const database = `${name}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: `postgres://${info.user}@${info.host}:${info.port}/postgres` });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE "${database}" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
    );
  } finally {
    await admin.end();
  }
  return `postgres://${info.user}@${info.host}:${info.port}/${database}`;
}

describe('same answers as SQLite', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-vs-sqlite-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['the default collation', () => createDatabase('pg vs sqlite')],
    ['ICU en-US as the default collation', () => createLinguisticDatabase('pg_vs_sqlite_icu')],
  ])('lists (every sort, order, filter and search), counts, members and history, on %s', async (_, database) => {
    // One deterministic clock per engine, so both write the same times.
    const makeClock = () => {
      let t = Date.parse('2026-05-01T10:00:00.000Z');
      return () => new Date((t += 250));
    };
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(dir, 'db-')), 'same.sqlite'));
    opened.push({ close: async () => void db.close() });
    const sqlite = { codeSources: createCodeSourcesRepository(db, keyring, makeClock()), identity: createIdentityRepository(db, keyring) };
    const { storage: postgres } = await seeded('', makeClock(), await database());
    sqlite.identity.insertWorkspace(WS, 'Workspace One');
    sqlite.identity.insertWorkspace(OTHER_WS, 'Workspace Two');
    sqlite.identity.insertUser('u1', 'Alice', null);
    sqlite.identity.insertUser('u2', 'bob', null);
    sqlite.identity.insertUser('u3', 'Émile', null);
    sqlite.identity.insertMember(WS, 'u1', ['PAI.WorkspaceAdmin']);
    sqlite.identity.insertMember(WS, 'u2', ['PAI.AlgoDeveloper']);
    sqlite.identity.insertMember(WS, 'u3', ['PAI.AlgoDeveloper']);
    for (const [id, name] of [
      ['u5', '_under'],
      ['u6', 'ZED'],
      ['u7', 'alice2'],
      ['u8', 'Zoë'],
    ] as const) {
      sqlite.identity.insertUser(id, name, null);
      sqlite.identity.insertMember(WS, id, ['PAI.WorkspaceGuest']);
      await postgres.identity.insertUser(id, name, null);
      await postgres.identity.insertMember(WS, id, ['PAI.WorkspaceGuest']);
    }

    const names = [
      'Zeta',
      'alpha',
      'Äpfel',
      'äpfel-2',
      'Straße',
      'emoji😀name',
      '中文名字',
      'a%b',
      'a_b',
      'a\\b',
      'UPPER',
      'upper-2',
      '~tilde',
      'Ωmega',
      'x1',
      'X10',
      'x2',
      'ﬁle',
      'İstanbul',
      'nlp-abc-1',
      'nlp-ABC-2',
      'NLP-abc-3',
    ];
    const owners = ['u1', 'u2', 'u3'];
    const idMap = new Map<string, string>(); // postgres id → sqlite id
    const pgIds: string[] = [];
    const sqIds: string[] = [];
    for (const [i, name] of names.entries()) {
      const accessibility: Accessibility = i % 3 === 0 ? 'PUBLIC' : 'PRIVATE';
      const input = {
        ...fields(name, { accessibility, cloneType: (i % 2) as 0 | 1, description: `d${i}` }),
        workspaceId: i % 7 === 6 ? OTHER_WS : WS,
        userId: owners[i % 3]!,
      };
      const s = sqlite.codeSources.create(input, event('Create', name, input.userId));
      const p = await postgres.codeSources.create(input, event('Create', name, input.userId));
      if (s === 'token-mismatch' || p === 'token-mismatch') throw new Error('unexpected');
      idMap.set(p.codeSourceId, s.codeSourceId);
      pgIds.push(p.codeSourceId);
      sqIds.push(s.codeSourceId);
    }
    // Updates, owner changes and deletes in the same order on both.
    for (const i of [1, 4, 9, 12]) {
      const s = sqlite.codeSources.findById(sqIds[i]!)!;
      const p = (await postgres.codeSources.findById(pgIds[i]!))!;
      const next = { ...fields(`${names[i]}-renamed`, { accessibility: 'PUBLIC' }), accessToken: undefined };
      sqlite.codeSources.update(s, next, event('Update'));
      await postgres.codeSources.update(p, next, event('Update'));
    }
    for (const i of [2, 5]) {
      sqlite.codeSources.transferOwner(sqIds[i]!, 1, 'u2', event('TransferOwner'));
      await postgres.codeSources.transferOwner(pgIds[i]!, 1, 'u2', event('TransferOwner'));
    }
    for (const i of [3]) {
      sqlite.codeSources.delete(sqIds[i]!, 1, WS, event('Delete'));
      await postgres.codeSources.delete(pgIds[i]!, 1, WS, event('Delete'));
    }

    /** A record with the engine's random id replaced by SQLite's, so the two compare whole. */
    const same = (r: CodeSourceRecord) => ({ ...r, codeSourceId: idMap.get(r.codeSourceId) ?? `?${r.codeSourceId}` });
    const searches = [
      undefined,
      'a',
      'ä',
      'äp',
      '%',
      '_',
      '\\',
      'pfe',
      'straße',
      '😀',
      '文名',
      'zzz',
      'a%',
      'nlp-abc',
      'abc',
      'x1',
      '-',
      'ﬁ',
      'i̇',
    ];
    const visibilities: ListFilter['visibility'][] = [{ kind: 'all' }, { kind: 'public' }, { kind: 'public-or-own', userId: 'u2' }];
    const sorts: SortBy[] = ['GmtCreateTime', 'GmtModifyTime', 'DisplayName'];
    const orders: Order[] = ['ASC', 'DESC'];
    let compared = 0;
    for (const search of searches) {
      for (const visibility of visibilities) {
        for (const sortBy of sorts) {
          for (const order of orders) {
            for (const [limit, offset] of [
              [100, 0],
              [3, 2],
              [4, 9],
            ] as const) {
              const f = listAll({ search, visibility, sortBy, order, limit, offset });
              const s = sqlite.codeSources.list(f);
              const p = await postgres.codeSources.list(f);
              expect({ total: p.total, items: p.items.map(same) }, JSON.stringify(f)).toEqual(s);
              compared++;
            }
          }
        }
      }
      for (const extra of [{ accessibility: 'PRIVATE' as const }, { creatorId: 'u3' }]) {
        const f = listAll({ search, ...extra });
        expect((await postgres.codeSources.list(f)).items.map(same), JSON.stringify(f)).toEqual(sqlite.codeSources.list(f).items);
      }
    }
    expect(compared).toBeGreaterThan(1000);
    // Sorting by CodeSourceId: the ids differ between engines, so check the order itself (code-point order).
    for (const order of orders) {
      const p = await postgres.codeSources.list(listAll({ sortBy: 'CodeSourceId', order }));
      const ids = p.items.map((r) => r.codeSourceId);
      const sorted = [...ids].sort();
      expect(ids).toEqual(order === 'ASC' ? sorted : sorted.reverse());
    }

    for (const visibility of visibilities) {
      expect(await postgres.codeSources.countsByVisibility(WS, visibility)).toEqual(sqlite.codeSources.countsByVisibility(WS, visibility));
      const f = { workspaceId: WS, visibility, limit: 50, offset: 0 };
      const strip = (e: { EventId: string; CodeSourceId: string }) => ({
        ...e,
        EventId: '',
        CodeSourceId: idMap.get(e.CodeSourceId) ?? e.CodeSourceId,
      });
      const p = await postgres.codeSources.workspaceEvents(f);
      const s = sqlite.codeSources.workspaceEvents(f);
      expect({ total: p.total, items: p.items.map(strip) }).toEqual({ total: s.total, items: s.items.map((e) => ({ ...e, EventId: '' })) });
      for (const action of ['Update', 'Delete'] as const) {
        const pa = await postgres.codeSources.workspaceEvents({ ...f, action, userId: 'u1' });
        expect(pa.total).toBe(sqlite.codeSources.workspaceEvents({ ...f, action, userId: 'u1' }).total);
      }
    }
    expect(await postgres.identity.members(WS)).toEqual(sqlite.identity.members(WS));
    for (const name of ['alice', 'ALICE2', 'émile', 'ÉMILE', 'zoë', 'ZOË', '_UNDER', 'zed']) {
      expect(await postgres.identity.findUserByName(name), name).toEqual(sqlite.identity.findUserByName(name));
    }
    const pe = await postgres.codeSources.eventsOf(pgIds[4]!, 10, 0);
    const se = sqlite.codeSources.eventsOf(sqIds[4]!, 10, 0);
    expect(pe.items.map((e) => [e.Action, e.GmtCreateTime, e.CodeSourceExists])).toEqual(
      se.items.map((e) => [e.Action, e.GmtCreateTime, e.CodeSourceExists]),
    );
  });
});
