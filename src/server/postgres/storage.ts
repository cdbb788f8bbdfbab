import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Accessibility } from '@/shared/code-source.schema';
import type { CodeSourceEvent, EventAction, EventChange, EventVia } from '@/shared/admin.schema';
import type { AccessKeyStatus } from '@/shared/access-key.schema';
import type { Role } from '@/shared/roles';
import type { Keyring } from '@/server/crypto';
import {
  CLIENT_TOKEN_TTL_MS,
  DuplicateNameError,
  newCodeSourceId,
  pageWindow,
  VersionConflictError,
  type CodeSourceRecord,
  type EventInput,
  type ListFilter,
  type Visibility,
} from '@/server/code-sources.repository';
import {
  ACCESS_KEY_USE_INTERVAL_MS,
  upstreamSecretBinding,
  upstreamSessionOf,
  type UpstreamSessionRow,
} from '@/server/identity.repository';
import type { CodeSourcesRepository, IdentityRepository, Repositories, Storage } from '@/server/storage';
import { migratePostgres } from './migrations';

/**
 * The service's Storage on PostgreSQL 14+: the same contract as the SQLite repositories (their method docs), on a
 * pool of connections shared by any number of replicas. Where SQLite relies on its single writer, this relies on
 * row locks, unique indexes, `INSERT … ON CONFLICT`, `UPDATE … WHERE version = $v` and transaction-level advisory
 * locks, so every rule holds across processes.
 */

/** Anything that runs a query: the pool (one statement, autocommit) or one client inside a transaction. */
interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** How repository methods reach the database: alone on the pool, or inside a caller's transaction. */
interface Executor extends Queryable {
  /**
   * Runs `fn` as one atomic step: its own transaction on a pooled client, or a savepoint inside the caller's
   * transaction, so an error thrown by `fn` (a duplicate name, a version conflict) undoes only this step and the
   * caller's transaction goes on, as a nested better-sqlite3 transaction does.
   */
  atomic<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`'s reads on one snapshot (REPEATABLE READ READ ONLY). Inside a caller's transaction (READ COMMITTED, its
   * isolation cannot change midway) they run there, each statement on its own snapshot: no caller lists inside one.
   */
  snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Where signature nonces are written: connections without a WAL flush at commit, or the caller's transaction. */
  nonces: Queryable;
}

/** Per Storage: the clock's strictly increasing times, the nonce purge's pace and the opened secrets. */
interface Shared {
  keyring: Keyring;
  clock: () => Date;
  lastNow: string;
  lastNoncePurgeAt: number;
  openedSecrets: Map<string, { sealed: Buffer; secret: string }>;
}

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

function isUniqueViolationOf(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === UNIQUE_VIOLATION && e.constraint === constraint;
}

/** BIGINT (and count(*)) as a number: every such value here is a count or milliseconds, far below 2^53. */
function parseBigint(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} does not fit a JavaScript number`);
  return n;
}

/** The pool's own type parsers: BIGINT as a number, everything else as pg does; the global parsers stay untouched. */
function poolTypes(): pg.CustomTypesConfig {
  const INT8 = 20;
  const getTypeParser = (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? parseBigint : pg.types.getTypeParser(oid, format);
  return { getTypeParser: getTypeParser as pg.CustomTypesConfig['getTypeParser'] };
}

/** Escapes LIKE's wildcards and its escape character, so the pattern matches `s` literally (with ESCAPE '\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Runs calls one after another: a transaction's client must not interleave two repository calls. */
function createLane() {
  let tail: Promise<unknown> = Promise.resolve();
  let ended = false;
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      if (ended) return Promise.reject(new Error('the transaction has already ended'));
      const result = tail.then(fn);
      tail = result.catch(() => undefined);
      return result;
    },
    /** Waits for every call made so far, then refuses new ones. */
    async end(): Promise<void> {
      await tail;
      ended = true;
    },
  };
}

/** `repo` with every method called through `around`. */
function wrapped<T extends object>(repo: T, around: (call: () => Promise<unknown>) => Promise<unknown>): T {
  return Object.fromEntries(
    Object.entries(repo).map(([name, method]) => [
      name,
      (...args: unknown[]) => around(() => (method as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as T;
}

/**
 * Counts the calls under way, so `close()` can let them finish before the pools end: pg's pool, once ending, never
 * serves a call still waiting for a connection (it would hang).
 */
function createInFlight() {
  const calls = new Set<Promise<unknown>>();
  let closed = false;
  return {
    run<T>(call: () => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('the storage is closed'));
      const p = call();
      calls.add(p);
      const forget = () => calls.delete(p);
      p.then(forget, forget);
      return p;
    },
    /** Refuses new calls and waits for the ones under way. */
    async drain(): Promise<void> {
      closed = true;
      while (calls.size > 0) await Promise.allSettled([...calls]);
    },
  };
}

function poolExecutor(pool: pg.Pool, noncePool: pg.Pool): Executor {
  /** BEGIN `mode` on a pooled client, `fn`, COMMIT; ROLLBACK on error. A client that cannot roll back is destroyed. */
  async function inTransaction<T>(mode: string, fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query(mode).catch((error: unknown) => {
        broken = true;
        throw error;
      });
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }
  return {
    query: (text, values) => pool.query(text, values),
    atomic: (fn) => inTransaction('BEGIN', fn),
    snapshot: (fn) => inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn),
    nonces: noncePool,
  };
}

function transactionExecutor(client: pg.PoolClient): Executor {
  let savepoints = 0;
  return {
    query: (text, values) => client.query(text, values),
    async atomic(fn) {
      const name = `step_${++savepoints}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(client);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        throw error;
      }
    },
    snapshot: (fn) => fn(client),
    nonces: client,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Code sources

interface Row {
  code_source_id: string;
  workspace_id: string;
  user_id: string;
  user_name: string;
  display_name: string;
  description: string;
  code_repo: string;
  code_branch: string;
  code_commit: string;
  code_repo_user_name: string;
  has_token: boolean;
  mount_path: string;
  accessibility: Accessibility;
  clone_type: 0 | 1;
  gmt_create_time: string;
  gmt_modify_time: string;
  version: number;
}

function toRecord(r: Row): CodeSourceRecord {
  return {
    codeSourceId: r.code_source_id,
    workspaceId: r.workspace_id,
    userId: r.user_id,
    userName: r.user_name,
    displayName: r.display_name,
    description: r.description,
    codeRepo: r.code_repo,
    codeBranch: r.code_branch,
    codeCommit: r.code_commit,
    codeRepoUserName: r.code_repo_user_name,
    hasAccessToken: r.has_token,
    mountPath: r.mount_path,
    accessibility: r.accessibility,
    cloneType: r.clone_type,
    gmtCreateTime: r.gmt_create_time,
    gmtModifyTime: r.gmt_modify_time,
    version: r.version,
  };
}

const COLUMNS = `cs.code_source_id, cs.workspace_id, cs.user_id, u.user_name, cs.display_name, cs.description, cs.code_repo,
  cs.code_branch, cs.code_commit, cs.code_repo_user_name, cs.access_token_sealed IS NOT NULL AS has_token,
  cs.mount_path, cs.accessibility, cs.clone_type, cs.gmt_create_time, cs.gmt_modify_time, cs.version`;
const SELECT = `SELECT ${COLUMNS} FROM code_sources cs JOIN users u ON u.user_id = cs.user_id`;

const SORT_COLUMNS: Record<ListFilter['sortBy'], string> = {
  GmtCreateTime: 'cs.gmt_create_time',
  GmtModifyTime: 'cs.gmt_modify_time',
  DisplayName: 'cs.name_fold',
  CodeSourceId: 'cs.code_source_id',
};

interface EventRow {
  event_id: string;
  workspace_id: string;
  code_source_id: string;
  action: EventAction;
  display_name: string;
  user_id: string;
  user_name: string;
  via: EventVia;
  access_key_id: string | null;
  request_id: string;
  batch_id: string | null;
  changes: string;
  created_at: string;
  code_source_exists: boolean;
}

function toEvent(r: EventRow): CodeSourceEvent {
  return {
    EventId: r.event_id,
    WorkspaceId: r.workspace_id,
    CodeSourceId: r.code_source_id,
    Action: r.action,
    DisplayName: r.display_name,
    UserId: r.user_id,
    UserName: r.user_name,
    Via: r.via,
    ...(r.access_key_id === null ? {} : { AccessKeyId: r.access_key_id }),
    RequestId: r.request_id,
    ...(r.batch_id === null ? {} : { BatchId: r.batch_id }),
    GmtCreateTime: r.created_at,
    Changes: JSON.parse(r.changes) as EventChange[],
    CodeSourceExists: r.code_source_exists,
  };
}

const EVENT_COLUMNS = `e.event_id, e.workspace_id, e.code_source_id, e.action, e.display_name, e.user_id, e.user_name, e.via,
  e.access_key_id, e.request_id, e.batch_id, e.changes::text AS changes, e.created_at,
  EXISTS (SELECT 1 FROM code_sources x WHERE x.code_source_id = e.code_source_id) AS code_source_exists`;

/** Binds a sealed token to its row (the same binding as SQLite, so sealed bytes copy between engines as they are). */
const tokenBinding = (codeSourceId: string) => `code_sources.access_token:${codeSourceId}`;

/** Query parameters collected while SQL is written: `p(value)` answers its placeholder. */
function parameters() {
  const values: unknown[] = [];
  return { values, p: (value: unknown) => `$${values.push(value)}` };
}

function createCodeSources(ex: Executor, shared: Shared): CodeSourcesRepository {
  const { keyring } = shared;
  const seal = (codeSourceId: string, token: string) => (token === '' ? null : keyring.seal(token, tokenBinding(codeSourceId)));
  /** Strictly increasing per Storage, so two writes in one millisecond still order by modify time (as SQLite). */
  const now = () => {
    let iso = shared.clock().toISOString();
    if (iso <= shared.lastNow) iso = new Date(Date.parse(shared.lastNow) + 1).toISOString();
    shared.lastNow = iso;
    return iso;
  };

  const recordEvent = (q: Queryable, codeSourceId: string, workspaceId: string, event: EventInput, at: string) =>
    q.query(
      `INSERT INTO code_source_events (event_id, workspace_id, code_source_id, action, display_name, user_id, user_name, via,
        access_key_id, request_id, batch_id, changes, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        randomUUID(),
        workspaceId,
        codeSourceId,
        event.action,
        event.displayName,
        event.userId,
        event.userName,
        event.via,
        event.accessKeyId ?? null,
        event.requestId,
        event.batchId ?? null,
        JSON.stringify(event.changes),
        at,
      ],
    );

  /** The filter as SQL on rows aliased `cs` — the counts table has the same columns, so it shares this. */
  function where(f: ListFilter, p: (value: unknown) => string): string {
    const clauses = [`cs.workspace_id = ${p(f.workspaceId)}`];
    if (f.visibility.kind === 'public') clauses.push(`cs.accessibility = 'PUBLIC'`);
    if (f.visibility.kind === 'public-or-own') clauses.push(`(cs.accessibility = 'PUBLIC' OR cs.user_id = ${p(f.visibility.userId)})`);
    if (f.accessibility) clauses.push(`cs.accessibility = ${p(f.accessibility)}`);
    if (f.creatorId !== undefined) clauses.push(`cs.user_id = ${p(f.creatorId)}`);
    return clauses.join(' AND ');
  }

  /** Rewrites the row and answers it as read back, or undefined when it is not at `version` any more. */
  async function updateReturning(q: Queryable, set: string, values: unknown[], codeSourceId: string, version: number) {
    const n = values.length;
    const { rows } = await q.query<Row>(
      `WITH cs AS (UPDATE code_sources SET ${set} WHERE code_source_id = $${n + 1} AND version = $${n + 2} RETURNING *)
       SELECT ${COLUMNS} FROM cs JOIN users u ON u.user_id = cs.user_id`,
      [...values, codeSourceId, version],
    );
    return rows[0];
  }

  return {
    async findById(codeSourceId) {
      const { rows } = await ex.query<Row>(`${SELECT} WHERE cs.code_source_id = $1`, [codeSourceId]);
      return rows[0] && toRecord(rows[0]);
    },

    /** A page and the exact TotalCount from one snapshot. */
    async list(f) {
      const search = f.search || undefined;
      // PostgreSQL text cannot hold NUL, so no name contains it (SQLite: names refuse control characters).
      if (search?.includes('\0')) return { items: [], total: 0 };
      return ex.snapshot(async (q) => {
        const count = parameters();
        let total: number;
        if (search === undefined) {
          const { rows } = await q.query<{ n: number }>(
            `SELECT coalesce(sum(cs.n), 0)::bigint AS n FROM code_source_counts cs WHERE ${where(f, count.p)}`,
            count.values,
          );
          total = rows[0]?.n ?? 0;
        } else {
          const { rows } = await q.query<{ n: number }>(
            `SELECT count(*) AS n FROM code_sources cs WHERE ${where(f, count.p)} AND cs.name_fold LIKE ${count.p(`%${escapeLike(search)}%`)} ESCAPE '\\'`,
            count.values,
          );
          total = rows[0]?.n ?? 0;
        }
        // A searched page past the last hit is empty: no walk looking for rows that do not exist. (Unsearched, the page
        // is read anyway, as SQLite does.)
        if (search !== undefined && f.offset >= total) return { total, items: [] };
        const page = parameters();
        // A deep page is read from the nearer end, as on SQLite.
        const { reverse, offset, limit, dir } = pageWindow(total, f.offset, f.limit, f.order);
        // Ties are broken by the id, so paging never repeats or skips a row. The folded name is unique in its
        // workspace (code_sources_name), so it has no ties: ordering by it alone is the same order, and lets
        // PostgreSQL read the page from that index with no sort.
        const orderBy =
          f.sortBy === 'CodeSourceId' || f.sortBy === 'DisplayName'
            ? `${SORT_COLUMNS[f.sortBy]} ${dir}`
            : `${SORT_COLUMNS[f.sortBy]} ${dir}, cs.code_source_id ${dir}`;
        const match = search === undefined ? '' : ` AND cs.name_fold LIKE ${page.p(`%${escapeLike(search)}%`)} ESCAPE '\\'`;
        const { rows } = await q.query<Row>(
          `${SELECT} WHERE ${where(f, page.p)}${match} ORDER BY ${orderBy} LIMIT ${page.p(limit)} OFFSET ${page.p(offset)}`,
          page.values,
        );
        if (reverse) rows.reverse();
        return { total, items: rows.map(toRecord) };
      });
    },

    /**
     * The ClientToken row is reserved first (INSERT … ON CONFLICT DO NOTHING): a retry racing on another connection
     * waits on that key until the first commits or rolls back, then either reads the winner's id or reserves it
     * itself. Token, row and event commit together.
     */
    async create(input, event, clientToken) {
      const tokensSince = shared.clock().getTime() - CLIENT_TOKEN_TTL_MS;
      if (clientToken) {
        // Expired tokens go in a statement of their own, before the create's transaction: inside it, the rows the purge
        // locked would be held while this create waits on another's token row, and two creates each holding the
        // other's expired token would deadlock. Rows another transaction holds are left for a later purge.
        await ex.query(
          `DELETE FROM client_tokens WHERE (user_id, client_token) IN
             (SELECT user_id, client_token FROM client_tokens WHERE created_at < $1 FOR UPDATE SKIP LOCKED)`,
          [tokensSince],
        );
      }
      return ex.atomic(async (q) => {
        const current = now();
        const codeSourceId = newCodeSourceId(new Date(current));
        if (clientToken) {
          for (let attempt = 1; ; attempt++) {
            const reserved = await q.query(
              `INSERT INTO client_tokens (user_id, client_token, body_mac, code_source_id, created_at) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (user_id, client_token) DO NOTHING`,
              [input.userId, clientToken.token, clientToken.bodyMac, codeSourceId, Date.parse(current)],
            );
            if (reserved.rowCount === 1) break;
            const { rows } = await q.query<{ body_mac: string; code_source_id: string; created_at: number }>(
              'SELECT body_mac, code_source_id, created_at FROM client_tokens WHERE user_id = $1 AND client_token = $2',
              [input.userId, clientToken.token],
            );
            const seen = rows[0];
            if (seen && seen.created_at >= tokensSince) {
              return seen.body_mac === clientToken.bodyMac
                ? { codeSourceId: seen.code_source_id, created: false }
                : ('token-mismatch' as const);
            }
            // Expired but not purged (it was locked a moment ago), or gone again: forget it and reserve anew.
            if (attempt >= 5) throw new Error('could not reserve the ClientToken');
            await q.query('DELETE FROM client_tokens WHERE user_id = $1 AND client_token = $2 AND created_at < $3', [
              input.userId,
              clientToken.token,
              tokensSince,
            ]);
          }
        }
        try {
          await q.query(
            `INSERT INTO code_sources (code_source_id, workspace_id, user_id, display_name, name_fold, description, code_repo,
              code_branch, code_commit, code_repo_user_name, access_token_sealed, mount_path, accessibility, clone_type,
              gmt_create_time, gmt_modify_time, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
            [
              codeSourceId,
              input.workspaceId,
              input.userId,
              input.displayName,
              input.nameFold,
              input.description,
              input.codeRepo,
              input.codeBranch,
              input.codeCommit,
              input.codeRepoUserName,
              seal(codeSourceId, input.accessToken),
              input.mountPath,
              input.accessibility,
              input.cloneType,
              current,
            ],
          );
        } catch (error) {
          if (isUniqueViolationOf(error, 'code_sources_name')) throw new DuplicateNameError();
          throw error;
        }
        await recordEvent(q, codeSourceId, input.workspaceId, event, current);
        return { codeSourceId, created: true };
      });
    },

    /** `UPDATE … WHERE version = $v`: of two racing writers at the same version, exactly one changes the row. */
    async update(current, fields, event) {
      const { codeSourceId, version } = current;
      return ex.atomic(async (q) => {
        const keepToken = fields.accessToken === undefined;
        const sealed = fields.accessToken === undefined ? null : seal(codeSourceId, fields.accessToken);
        const at = now();
        let row: Row | undefined;
        try {
          row = await updateReturning(
            q,
            `display_name = $1, name_fold = $2, description = $3, code_repo = $4, code_branch = $5, code_commit = $6,
             code_repo_user_name = $7, access_token_sealed = CASE WHEN $8::boolean THEN access_token_sealed ELSE $9::bytea END,
             mount_path = $10, accessibility = $11, clone_type = $12, gmt_modify_time = $13, version = version + 1`,
            [
              fields.displayName,
              fields.nameFold,
              fields.description,
              fields.codeRepo,
              fields.codeBranch,
              fields.codeCommit,
              fields.codeRepoUserName,
              keepToken,
              sealed,
              fields.mountPath,
              fields.accessibility,
              fields.cloneType,
              at,
            ],
            codeSourceId,
            version,
          );
        } catch (error) {
          if (isUniqueViolationOf(error, 'code_sources_name')) throw new DuplicateNameError();
          throw error;
        }
        if (!row) throw new VersionConflictError();
        await recordEvent(q, codeSourceId, row.workspace_id, event, at);
        return toRecord(row);
      });
    },

    async transferOwner(codeSourceId, version, userId, event) {
      return ex.atomic(async (q) => {
        const at = now();
        const row = await updateReturning(
          q,
          'user_id = $1, gmt_modify_time = $2, version = version + 1',
          [userId, at],
          codeSourceId,
          version,
        );
        if (!row) throw new VersionConflictError();
        await recordEvent(q, codeSourceId, row.workspace_id, event, at);
        return toRecord(row);
      });
    },

    async delete(codeSourceId, version, workspaceId, event) {
      await ex.atomic(async (q) => {
        const removed = await q.query('DELETE FROM code_sources WHERE code_source_id = $1 AND version = $2', [codeSourceId, version]);
        if (removed.rowCount !== 1) throw new VersionConflictError();
        await recordEvent(q, codeSourceId, workspaceId, event, now());
      });
    },

    async eventsOf(codeSourceId, limit, offset) {
      return ex.snapshot(async (q) => {
        const count = await q.query<{ n: number }>('SELECT count(*) AS n FROM code_source_events WHERE code_source_id = $1', [
          codeSourceId,
        ]);
        const { rows } = await q.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM code_source_events e WHERE e.code_source_id = $1 ORDER BY e.seq DESC LIMIT $2 OFFSET $3`,
          [codeSourceId, limit, offset],
        );
        return { total: count.rows[0]?.n ?? 0, items: rows.map(toEvent) };
      });
    },

    async lastEventOf(codeSourceId) {
      const { rows } = await ex.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM code_source_events e WHERE e.code_source_id = $1 ORDER BY e.seq DESC LIMIT 1`,
        [codeSourceId],
      );
      return rows[0] && toEvent(rows[0]);
    },

    async workspaceEvents(f) {
      const { values, p } = parameters();
      const clauses = [`e.workspace_id = ${p(f.workspaceId)}`];
      let join = '';
      if (f.visibility.kind !== 'all') {
        join = 'JOIN code_sources cs ON cs.code_source_id = e.code_source_id';
        if (f.visibility.kind === 'public') clauses.push(`cs.accessibility = 'PUBLIC'`);
        else clauses.push(`(cs.accessibility = 'PUBLIC' OR cs.user_id = ${p(f.visibility.userId)})`);
      }
      if (f.action) clauses.push(`e.action = ${p(f.action)}`);
      if (f.userId !== undefined) clauses.push(`e.user_id = ${p(f.userId)}`);
      if (f.codeSourceId !== undefined) clauses.push(`e.code_source_id = ${p(f.codeSourceId)}`);
      const whereSql = clauses.join(' AND ');
      return ex.snapshot(async (q) => {
        const count = await q.query<{ n: number }>(`SELECT count(*) AS n FROM code_source_events e ${join} WHERE ${whereSql}`, values);
        const n = values.length;
        const { rows } = await q.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM code_source_events e ${join} WHERE ${whereSql} ORDER BY e.seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...values, f.limit, f.offset],
        );
        return { total: count.rows[0]?.n ?? 0, items: rows.map(toEvent) };
      });
    },

    async countsByVisibility(workspaceId: string, visibility: Visibility) {
      const { rows } = await ex.query<{ accessibility: Accessibility; user_id: string; n: number }>(
        'SELECT accessibility, user_id, n FROM code_source_counts WHERE workspace_id = $1 AND n > 0',
        [workspaceId],
      );
      let publicCount = 0;
      let privateCount = 0;
      for (const r of rows) {
        const visible =
          visibility.kind === 'all' ||
          r.accessibility === 'PUBLIC' ||
          (visibility.kind === 'public-or-own' && r.user_id === visibility.userId);
        if (!visible) continue;
        if (r.accessibility === 'PUBLIC') publicCount += r.n;
        else privateCount += r.n;
      }
      return { publicCount, privateCount };
    },

    async readAccessToken(codeSourceId) {
      const { rows } = await ex.query<{ access_token_sealed: Buffer | null }>(
        'SELECT access_token_sealed FROM code_sources WHERE code_source_id = $1',
        [codeSourceId],
      );
      const sealed = rows[0]?.access_token_sealed;
      return sealed ? keyring.open(sealed, tokenBinding(codeSourceId)) : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Identity

/** Expired nonces are deleted at most this often per Storage: a purge per request would be a second write. */
const NONCE_PURGE_INTERVAL_MS = 1000;
const secretBinding = (accessKeyId: string) => `access_keys.secret:${accessKeyId}`;
/** Opened AccessKey secrets kept per Storage, keyed by key id and checked against the sealed bytes on every use. */
const MAX_OPENED_SECRETS = 10_000;

interface UserRow {
  user_id: string;
  user_name: string;
  password_hash: string | null;
}
const toUser = (r: UserRow) => ({ userId: r.user_id, userName: r.user_name, passwordHash: r.password_hash });

/** Deletes the rows of `table` (keyed by `key`) that `condition` selects, skipping rows other transactions hold. */
const purgeSql = (table: string, key: string, condition: string) =>
  `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${condition} FOR UPDATE SKIP LOCKED)`;

function createIdentity(ex: Executor, shared: Shared): IdentityRepository {
  const { keyring } = shared;
  return {
    async findUserByName(userName) {
      // lower() under "C" folds A-Z only: SQLite's NOCASE. The parameter gets the column's collation explicitly.
      const { rows } = await ex.query<UserRow>(
        'SELECT user_id, user_name, password_hash FROM users WHERE lower(user_name) = lower($1::text COLLATE "C")',
        [userName],
      );
      return rows[0] && toUser(rows[0]);
    },
    async findUserById(userId) {
      const { rows } = await ex.query<UserRow>('SELECT user_id, user_name, password_hash FROM users WHERE user_id = $1', [userId]);
      return rows[0] && toUser(rows[0]);
    },
    async membership(workspaceId, userId) {
      const { rows } = await ex.query<{ roles: string; workspace_name: string }>(
        'SELECT m.roles, w.workspace_name FROM members m JOIN workspaces w USING (workspace_id) WHERE m.workspace_id = $1 AND m.user_id = $2',
        [workspaceId, userId],
      );
      const r = rows[0];
      return r && { workspaceId, workspaceName: r.workspace_name, roles: JSON.parse(r.roles) as Role[] };
    },
    async members(workspaceId) {
      const { rows } = await ex.query<{ user_id: string; user_name: string; roles: string }>(
        `SELECT m.user_id, u.user_name, m.roles FROM members m JOIN users u USING (user_id) WHERE m.workspace_id = $1
         ORDER BY lower(u.user_name), m.user_id`,
        [workspaceId],
      );
      return rows.map((r) => ({ userId: r.user_id, userName: r.user_name, roles: JSON.parse(r.roles) as Role[] }));
    },
    async memberships(userId) {
      const { rows } = await ex.query<{ workspace_id: string; workspace_name: string; roles: string }>(
        `SELECT w.workspace_id, w.workspace_name, m.roles FROM members m JOIN workspaces w USING (workspace_id) WHERE m.user_id = $1
         ORDER BY w.workspace_name, w.workspace_id`,
        [userId],
      );
      return rows.map((r) => ({ workspaceId: r.workspace_id, workspaceName: r.workspace_name, roles: JSON.parse(r.roles) as Role[] }));
    },
    async accessKey(accessKeyId) {
      const { rows } = await ex.query<{ user_id: string; secret_sealed: Buffer; status: AccessKeyStatus; last_used_at: number | null }>(
        'SELECT user_id, secret_sealed, status, last_used_at FROM access_keys WHERE access_key_id = $1',
        [accessKeyId],
      );
      const r = rows[0];
      if (!r) return undefined;
      // The row is read every time, so a deleted, disabled or replaced key counts at once; only the opening is remembered.
      const found = { userId: r.user_id, status: r.status, lastUsedAt: r.last_used_at };
      const known = shared.openedSecrets.get(accessKeyId);
      if (known && known.sealed.equals(r.secret_sealed)) return { ...found, secret: known.secret };
      const secret = keyring.open(r.secret_sealed, secretBinding(accessKeyId));
      if (shared.openedSecrets.size >= MAX_OPENED_SECRETS) shared.openedSecrets.clear();
      shared.openedSecrets.set(accessKeyId, { sealed: Buffer.from(r.secret_sealed), secret });
      return { ...found, secret };
    },
    async touchAccessKey(accessKeyId, nowMs) {
      await ex.query('UPDATE access_keys SET last_used_at = $1 WHERE access_key_id = $2 AND (last_used_at IS NULL OR last_used_at < $3)', [
        nowMs,
        accessKeyId,
        nowMs - ACCESS_KEY_USE_INTERVAL_MS,
      ]);
    },
    async accessKeys(userId) {
      const { rows } = await ex.query<{ access_key_id: string; status: AccessKeyStatus; created_at: number; last_used_at: number | null }>(
        'SELECT access_key_id, status, created_at, last_used_at FROM access_keys WHERE user_id = $1 ORDER BY created_at, access_key_id',
        [userId],
      );
      return rows.map((r) => ({ accessKeyId: r.access_key_id, status: r.status, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
    },
    async createAccessKey(userId, accessKeyId, secret, nowMs, max) {
      return ex.atomic(async (q) => {
        // Parallel creations for one user (any replica) take turns, so both cannot take the last place.
        await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('access-keys:' || $1::text, 0))`, [userId]);
        const { rows } = await q.query<{ n: number }>('SELECT count(*) AS n FROM access_keys WHERE user_id = $1', [userId]);
        if (Number(rows[0]?.n ?? 0) >= max) return 'limit' as const;
        await q.query('INSERT INTO access_keys (access_key_id, user_id, secret_sealed, created_at) VALUES ($1, $2, $3, $4)', [
          accessKeyId,
          userId,
          keyring.seal(secret, secretBinding(accessKeyId)),
          nowMs,
        ]);
        return 'created' as const;
      });
    },
    async setAccessKeyStatus(userId, accessKeyId, status) {
      const r = await ex.query('UPDATE access_keys SET status = $1 WHERE access_key_id = $2 AND user_id = $3', [
        status,
        accessKeyId,
        userId,
      ]);
      return r.rowCount === 1;
    },
    async deleteAccessKey(userId, accessKeyId) {
      const r = await ex.query('DELETE FROM access_keys WHERE access_key_id = $1 AND user_id = $2', [accessKeyId, userId]);
      return r.rowCount === 1;
    },
    /**
     * One INSERT … ON CONFLICT decides: a second connection inserting the same nonce waits for the first to commit,
     * then finds the row and is refused. A nonce seen before the window is taken over rather than refused.
     */
    async rememberNonce(accessKeyId, nonce, nowMs, windowMs) {
      if (nowMs - shared.lastNoncePurgeAt >= NONCE_PURGE_INTERVAL_MS || nowMs < shared.lastNoncePurgeAt) {
        shared.lastNoncePurgeAt = nowMs;
        await ex.nonces.query(purgeSql('signature_nonces', 'access_key_id, nonce', 'seen_at < $1'), [nowMs - windowMs]);
      }
      const r = await ex.nonces.query(
        `INSERT INTO signature_nonces (access_key_id, nonce, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (access_key_id, nonce) DO UPDATE SET seen_at = excluded.seen_at WHERE signature_nonces.seen_at < $4`,
        [accessKeyId, nonce, nowMs, nowMs - windowMs],
      );
      return r.rowCount === 1;
    },
    async nonceCount() {
      const { rows } = await ex.nonces.query<{ n: number }>('SELECT count(*) AS n FROM signature_nonces');
      return rows[0]?.n ?? 0;
    },
    async createSession(sessionMac, userId, nowMs) {
      await ex.query('INSERT INTO sessions (session_mac, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)', [
        sessionMac,
        userId,
        nowMs,
      ]);
    },
    async useSession(sessionMac, nowMs, idleMs) {
      const { rows } = await ex.query<{ user_id: string; last_seen_at: number }>(
        'SELECT user_id, last_seen_at FROM sessions WHERE session_mac = $1',
        [sessionMac],
      );
      const r = rows[0];
      if (!r) return undefined;
      if (r.last_seen_at < nowMs - idleMs) {
        await ex.query('DELETE FROM sessions WHERE session_mac = $1', [sessionMac]);
        return undefined;
      }
      // Write at most once a minute per session: reads stay reads.
      if (nowMs - r.last_seen_at > 60_000)
        await ex.query('UPDATE sessions SET last_seen_at = $1 WHERE session_mac = $2', [nowMs, sessionMac]);
      return r.user_id;
    },
    async endSession(sessionMac) {
      await ex.query('DELETE FROM sessions WHERE session_mac = $1', [sessionMac]);
    },
    async purgeSessions(olderThanMs) {
      await ex.query(purgeSql('sessions', 'session_mac', 'last_seen_at < $1'), [olderThanMs]);
    },
    async signInFailures(keys) {
      if (keys.length === 0) return [];
      const { rows } = await ex.query<{ throttle_key: string; failures: number; last_failure_at: number }>(
        'SELECT throttle_key, failures, last_failure_at FROM sign_in_failures WHERE throttle_key = ANY($1::text[])',
        [keys],
      );
      const byKey = new Map(rows.map((r) => [r.throttle_key, r]));
      return keys.flatMap((key) => {
        const r = byKey.get(key);
        return r ? [{ key: r.throttle_key, failures: r.failures, lastFailureAt: r.last_failure_at }] : [];
      });
    },
    /**
     * A transaction-level advisory lock per key, taken in the order of the keys' hashes, so two transactions locking
     * overlapping keys wait for each other instead of deadlocking. Held until the caller's transaction ends.
     */
    async lockForSeeding() {
      await ex.query(`SELECT pg_advisory_xact_lock(hashtextextended('seed', 0))`);
    },
    async lockSignInFailures(keys) {
      if (keys.length === 0) return;
      await ex.query(
        `SELECT pg_advisory_xact_lock(h) FROM
           (SELECT DISTINCT hashtextextended('sign-in:' || k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS hashed`,
        [keys],
      );
    },
    async addSignInFailure(key, nowMs) {
      await ex.query(
        `INSERT INTO sign_in_failures (throttle_key, failures, last_failure_at) VALUES ($1, 1, $2)
         ON CONFLICT (throttle_key) DO UPDATE SET failures = sign_in_failures.failures + 1, last_failure_at = excluded.last_failure_at`,
        [key, nowMs],
      );
    },
    async forgetSignInFailures(key) {
      await ex.query('DELETE FROM sign_in_failures WHERE throttle_key = $1', [key]);
    },
    async takeBackSignInFailure(key) {
      await ex.query('UPDATE sign_in_failures SET failures = greatest(0, failures - 1) WHERE throttle_key = $1', [key]);
    },
    async purgeSignInFailures(olderThanMs) {
      await ex.query(purgeSql('sign_in_failures', 'throttle_key', 'last_failure_at < $1'), [olderThanMs]);
    },
    /** One transaction under an advisory lock per user: two requests of one user in any replica take turns. */
    async startGitCheck(userId, nowMs, limits) {
      return ex.atomic(async (q) => {
        await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('git-check:' || $1::text, 0))`, [userId]);
        await q.query(purgeSql('git_checks', 'check_id', 'started_at < $1'), [nowMs - Math.max(60_000, limits.staleMs)]);
        const running = await q.query<{ n: number }>(
          'SELECT count(*) AS n FROM git_checks WHERE user_id = $1 AND started_at >= $2 AND finished_at IS NULL',
          [userId, nowMs - limits.staleMs],
        );
        if ((running.rows[0]?.n ?? 0) >= limits.atOnce) return { refused: 'at-once' as const };
        const recent = await q.query<{ started_at: number }>(
          'SELECT started_at FROM git_checks WHERE user_id = $1 AND started_at > $2 ORDER BY started_at LIMIT $3',
          [userId, nowMs - 60_000, limits.perMinute],
        );
        if (recent.rows.length >= limits.perMinute) {
          const oldest = recent.rows[0]?.started_at ?? nowMs;
          return { refused: 'per-minute' as const, retryAfterMs: Math.max(0, oldest + 60_000 - nowMs) };
        }
        const checkId = randomUUID();
        await q.query('INSERT INTO git_checks (check_id, user_id, started_at) VALUES ($1, $2, $3)', [checkId, userId, nowMs]);
        return { checkId };
      });
    },
    async finishGitCheck(checkId, nowMs) {
      await ex.query('UPDATE git_checks SET finished_at = $1 WHERE check_id = $2', [nowMs, checkId]);
    },
    async upsertUpstreamUser(userId, userName) {
      await ex.query(
        'INSERT INTO users (user_id, user_name, password_hash) VALUES ($1, $2, NULL) ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name',
        [userId, userName],
      );
    },
    async saveUpstreamCredential(sessionMac, credential) {
      await ex.query(
        'INSERT INTO upstream_credentials (session_mac, access_key_id, secret_sealed, upstream_user_id, display_name) VALUES ($1, $2, $3, $4, $5)',
        [
          sessionMac,
          credential.accessKeyId,
          keyring.seal(credential.accessKeySecret, upstreamSecretBinding(sessionMac, credential.accessKeyId)),
          credential.upstreamUserId ?? null,
          credential.displayName,
        ],
      );
    },
    async upstreamCredential(sessionMac) {
      const { rows } = await ex.query<UpstreamSessionRow>(
        'SELECT access_key_id, secret_sealed, upstream_user_id, display_name FROM upstream_credentials WHERE session_mac = $1',
        [sessionMac],
      );
      const r = rows[0];
      return r && upstreamSessionOf(r, keyring, sessionMac);
    },
    async insertWorkspace(workspaceId, name) {
      await ex.query('INSERT INTO workspaces (workspace_id, workspace_name) VALUES ($1, $2)', [workspaceId, name]);
    },
    async insertUser(userId, userName, passwordHash) {
      await ex.query('INSERT INTO users (user_id, user_name, password_hash) VALUES ($1, $2, $3)', [userId, userName, passwordHash]);
    },
    async insertAccessKey(accessKeyId, userId, secret, nowMs = Date.now()) {
      await ex.query('INSERT INTO access_keys (access_key_id, user_id, secret_sealed, created_at) VALUES ($1, $2, $3, $4)', [
        accessKeyId,
        userId,
        keyring.seal(secret, secretBinding(accessKeyId)),
        nowMs,
      ]);
    },
    async insertMember(workspaceId, userId, roles) {
      await ex.query('INSERT INTO members (workspace_id, user_id, roles) VALUES ($1, $2, $3)', [
        workspaceId,
        userId,
        JSON.stringify(roles),
      ]);
    },
    async isEmpty() {
      const { rows } = await ex.query<{ n: number }>('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM workspaces) AS n');
      return rows[0]?.n === 0;
    },
    async meta(key) {
      const { rows } = await ex.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
      return rows[0]?.value;
    },
    async setMeta(key, value) {
      await ex.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
    },
  };
}

function repositories(ex: Executor, shared: Shared): Repositories {
  return { codeSources: createCodeSources(ex, shared), identity: createIdentity(ex, shared) };
}

export interface PostgresStorageOptions {
  /** `postgres://user@host:port/database` (DATABASE_URL). */
  url: string;
  /** The same Keyring as SQLite's (SECRET_KEY): sealed bytes are interchangeable. */
  keyring: Keyring;
  clock?: () => Date;
  /** Connections for requests and transactions (default 10); nonces have 2 more of their own. */
  poolSize?: number;
}

/**
 * Connects, migrates (under the migration advisory lock) and answers the Storage. Nothing is left open when it
 * fails.
 */
export async function openPostgresStorage(opts: PostgresStorageOptions): Promise<Storage> {
  const types = poolTypes();
  // Bounded waits: a database that stops answering gives an error (503) within seconds instead of requests that hang
  // until the pool is exhausted; a statement may not outlast the HTTP request it serves (30 s).
  const bounded = { connectionTimeoutMillis: 5_000 };
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    types,
    application_name: 'code-config',
    options: '-c statement_timeout=30000',
    ...bounded,
  });
  // Nonce writes commit without waiting for the WAL flush (see the signature_nonces table in migrations.ts).
  const noncePool = new pg.Pool({
    connectionString: opts.url,
    max: 2,
    types,
    application_name: 'code-config-nonces',
    options: '-c synchronous_commit=off -c statement_timeout=30000',
    ...bounded,
  });
  // A checked-out client has no pool listener: a connection the server drops while a query or transaction uses it
  // (a restart, a failover, pg_terminate_backend) would emit an unhandled 'error' and end the process. The query in
  // flight fails on its own (→ 503); this only keeps the replica alive.
  for (const p of [pool, noncePool]) p.on('connect', (client) => client.on('error', () => undefined));
  // An idle connection that breaks (the server restarted) is dropped by the pool; without a listener the pool's
  // 'error' event would end the process. The next query opens a fresh connection, and its failure is the caller's.
  pool.on('error', () => undefined);
  noncePool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await Promise.allSettled([pool.end(), noncePool.end()]);
    throw error;
  }

  const shared: Shared = {
    keyring: opts.keyring,
    clock: opts.clock ?? (() => new Date()),
    lastNow: '',
    lastNoncePurgeAt: -Infinity,
    openedSecrets: new Map(),
  };
  const own = repositories(poolExecutor(pool, noncePool), shared);
  const inFlight = createInFlight();
  let closing: Promise<void> | undefined;

  return {
    engine: 'postgres',
    codeSources: wrapped(own.codeSources, inFlight.run),
    identity: wrapped(own.identity, inFlight.run),
    /**
     * BEGIN (READ COMMITTED) on one pooled client; `fn` gets repositories bound to it, their calls run one at a time
     * and their own multi-row steps become savepoints. Row locks make two transactions on the same rows take turns.
     */
    transaction: (fn) => inFlight.run(() => runTransaction(fn)),
    ping: () => inFlight.run(async () => void (await pool.query('SELECT 1'))),
    /** Lets every call under way finish (new ones are refused), then closes every connection. Twice is harmless. */
    close() {
      closing ??= (async () => {
        await inFlight.drain();
        await Promise.all([pool.end(), noncePool.end()]);
      })();
      return closing;
    },
  };

  async function runTransaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    const lane = createLane();
    try {
      await client.query('BEGIN').catch((error: unknown) => {
        broken = true;
        throw error;
      });
      const tx = repositories(transactionExecutor(client), shared);
      try {
        const result = await fn({ codeSources: wrapped(tx.codeSources, lane.run), identity: wrapped(tx.identity, lane.run) });
        await lane.end();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await lane.end().catch(() => undefined);
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }
}
