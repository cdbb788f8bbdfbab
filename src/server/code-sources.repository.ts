import { randomInt, randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Accessibility, Order, SortBy } from '@/shared/code-source.schema';
import type { CodeSourceEvent, EventAction, EventChange, EventVia } from '@/shared/admin.schema';
import type { Keyring } from './crypto';
import { isUniqueViolation, SEARCH_SUFFIX_LENGTH, writeTransaction, type Db } from './db';

/** A stored code source as the service sees it; the token stays sealed, only whether one is set. */
export interface CodeSourceRecord {
  codeSourceId: string;
  workspaceId: string;
  userId: string;
  userName: string;
  displayName: string;
  description: string;
  codeRepo: string;
  codeBranch: string;
  codeCommit: string;
  codeRepoUserName: string;
  hasAccessToken: boolean;
  mountPath: string;
  accessibility: Accessibility;
  cloneType: 0 | 1;
  gmtCreateTime: string;
  gmtModifyTime: string;
  version: number;
}

/** The columns a write sets; `accessToken` is plaintext here and sealed before it reaches SQLite. */
export interface CodeSourceFields {
  displayName: string;
  nameFold: string;
  description: string;
  codeRepo: string;
  codeBranch: string;
  codeCommit: string;
  codeRepoUserName: string;
  accessToken: string;
  mountPath: string;
  accessibility: Accessibility;
  cloneType: 0 | 1;
}

export type Visibility = { kind: 'all' } | { kind: 'public' } | { kind: 'public-or-own'; userId: string };

export interface ListFilter {
  workspaceId: string;
  visibility: Visibility;
  /** Already folded (NFC, lower-case); matched as a literal substring. */
  search?: string | undefined;
  accessibility?: Accessibility | undefined;
  creatorId?: string | undefined;
  sortBy: SortBy;
  order: Order;
  limit: number;
  offset: number;
}

/** What the service records with a change; the repository adds the ids, the workspace and the time. */
export interface EventInput {
  action: EventAction;
  displayName: string;
  userId: string;
  userName: string;
  via: EventVia;
  accessKeyId?: string | undefined;
  requestId: string;
  batchId?: string | undefined;
  changes: EventChange[];
}

export type EventVisibility = Visibility;
export interface EventFilter {
  workspaceId: string;
  visibility: EventVisibility;
  action?: EventAction | undefined;
  userId?: string | undefined;
  codeSourceId?: string | undefined;
  limit: number;
  offset: number;
}

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
  code_source_exists: number;
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
    CodeSourceExists: r.code_source_exists === 1,
  };
}

const EVENT_COLUMNS = `e.event_id, e.workspace_id, e.code_source_id, e.action, e.display_name, e.user_id, e.user_name, e.via,
  e.access_key_id, e.request_id, e.batch_id, e.changes, e.created_at,
  EXISTS (SELECT 1 FROM code_sources x WHERE x.code_source_id = e.code_source_id) AS code_source_exists`;

export class DuplicateNameError extends Error {}
/** The row changed (or vanished) since the version the caller read. */
export class VersionConflictError extends Error {}

const SORT_COLUMNS: Record<SortBy, string> = {
  GmtCreateTime: 'cs.gmt_create_time',
  GmtModifyTime: 'cs.gmt_modify_time',
  DisplayName: 'cs.name_fold',
  CodeSourceId: 'cs.code_source_id',
};

const SELECT_COLUMNS = `
  SELECT cs.code_source_id, cs.workspace_id, cs.user_id, u.user_name, cs.display_name, cs.description, cs.code_repo,
         cs.code_branch, cs.code_commit, cs.code_repo_user_name, cs.access_token_sealed IS NOT NULL AS has_token,
         cs.mount_path, cs.accessibility, cs.clone_type, cs.gmt_create_time, cs.gmt_modify_time, cs.version`;
const SELECT = `${SELECT_COLUMNS} FROM code_sources cs JOIN users u ON u.user_id = cs.user_id`;

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
  has_token: number;
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
    hasAccessToken: r.has_token === 1,
    mountPath: r.mount_path,
    accessibility: r.accessibility,
    cloneType: r.clone_type,
    gmtCreateTime: r.gmt_create_time,
    gmtModifyTime: r.gmt_modify_time,
    version: r.version,
  };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** PAI's id format: `code-<yyyyMMddHHmmss>-<12 lowercase alphanumerics>`. */
export function newCodeSourceId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  let suffix = '';
  for (let i = 0; i < 12; i++) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `code-${stamp}-${suffix}`;
}

/** How long a Create's ClientToken is remembered. */
export const CLIENT_TOKEN_TTL_MS = 7 * 24 * 3600_000;

/** Binds a sealed token to its row, so a sealed value copied to another row does not open. */
const tokenBinding = (codeSourceId: string) => `code_sources.access_token:${codeSourceId}`;

/**
 * Where a page is read from, on either engine. Past the middle, the same rows are the first ones from the other end
 * (the total is exact, so the offset from the far end is too): a deep page walks the sort index from the nearer end,
 * in the opposite direction, and `reverse` says to turn the rows read back into the asked order.
 */
export function pageWindow(
  total: number,
  offset: number,
  limit: number,
  order: string,
): { reverse: boolean; offset: number; limit: number; dir: 'ASC' | 'DESC' } {
  const end = Math.min(total, offset + limit);
  const reverse = offset < total && offset > total - end;
  const forward = order === 'DESC' ? 'DESC' : 'ASC';
  return {
    reverse,
    offset: reverse ? total - end : offset,
    limit: reverse ? end - offset : limit,
    dir: reverse ? (forward === 'ASC' ? 'DESC' : 'ASC') : forward,
  };
}

/** Storage of code sources. Knows SQL and sealing; knows nothing of HTTP, roles or requests. */
export function createCodeSourcesRepository(
  db: Db,
  keyring: Keyring,
  clock: () => Date = () => new Date(),
  options: { countCache: boolean } = { countCache: true },
) {
  const byId = db.prepare<[string], Row>(`${SELECT} WHERE cs.code_source_id = ?`);
  const insert = db.prepare(`
    INSERT INTO code_sources (code_source_id, workspace_id, user_id, display_name, name_fold, description, code_repo,
      code_branch, code_commit, code_repo_user_name, access_token_sealed, mount_path, accessibility, clone_type,
      gmt_create_time, gmt_modify_time, version)
    VALUES (@codeSourceId, @workspaceId, @userId, @displayName, @nameFold, @description, @codeRepo, @codeBranch,
      @codeCommit, @codeRepoUserName, @sealed, @mountPath, @accessibility, @cloneType, @now, @now, 1)`);
  const update = db.prepare(`
    UPDATE code_sources SET display_name = @displayName, name_fold = @nameFold, description = @description,
      code_repo = @codeRepo, code_branch = @codeBranch, code_commit = @codeCommit,
      code_repo_user_name = @codeRepoUserName,
      access_token_sealed = CASE WHEN @keepToken THEN access_token_sealed ELSE @sealed END, mount_path = @mountPath,
      accessibility = @accessibility, clone_type = @cloneType, gmt_modify_time = @now, version = version + 1
    WHERE code_source_id = @codeSourceId AND version = @version`);
  // A change that keeps the name and the visibility leaves those columns out of its SET: SQLite rewrites the entries
  // of every index on a column the SET names, even to the same value, which put the name and visibility index pages
  // into every such commit (the `version` condition makes "unchanged" exact: the row is the one the caller read).
  const updateContent = db.prepare(`
    UPDATE code_sources SET description = @description, code_repo = @codeRepo, code_branch = @codeBranch,
      code_commit = @codeCommit, code_repo_user_name = @codeRepoUserName,
      access_token_sealed = CASE WHEN @keepToken THEN access_token_sealed ELSE @sealed END, mount_path = @mountPath,
      clone_type = @cloneType, gmt_modify_time = @now, version = version + 1
    WHERE code_source_id = @codeSourceId AND version = @version`);
  const sealedToken = db.prepare<[string], { access_token_sealed: Buffer | null }>(
    'SELECT access_token_sealed FROM code_sources WHERE code_source_id = ?',
  );
  const remove = db.prepare('DELETE FROM code_sources WHERE code_source_id = ? AND version = ?');
  const findToken = db.prepare<[string, string, number], { body_mac: string; code_source_id: string }>(
    'SELECT body_mac, code_source_id FROM client_tokens WHERE user_id = ? AND client_token = ? AND created_at >= ?',
  );
  const saveToken = db.prepare(
    'INSERT INTO client_tokens (user_id, client_token, body_mac, code_source_id, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const purgeTokens = db.prepare('DELETE FROM client_tokens WHERE created_at < ?');
  const insertEvent = db.prepare(`
    INSERT INTO code_source_events (event_id, workspace_id, code_source_id, action, display_name, user_id, user_name, via,
      access_key_id, request_id, batch_id, changes, created_at)
    VALUES (@eventId, @workspaceId, @codeSourceId, @action, @displayName, @userId, @userName, @via, @accessKeyId,
      @requestId, @batchId, @changes, @createdAt)`);
  const setOwner = db.prepare(
    'UPDATE code_sources SET user_id = ?, gmt_modify_time = ?, version = version + 1 WHERE code_source_id = ? AND version = ?',
  );
  const eventsOfItem = db.prepare<[string, number, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM code_source_events e WHERE e.code_source_id = ? ORDER BY e.seq DESC LIMIT ? OFFSET ?`,
  );
  const countEventsOfItem = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM code_source_events WHERE code_source_id = ?');
  const lastEventOf = db.prepare<[string], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM code_source_events e WHERE e.code_source_id = ? ORDER BY e.seq DESC LIMIT 1`,
  );
  const countsByVisibility = db.prepare<[string], { accessibility: Accessibility; user_id: string; n: number }>(
    'SELECT accessibility, user_id, n FROM code_source_counts WHERE workspace_id = ? AND n > 0',
  );

  /** Records `event` for the code source; called only inside the write transaction of the change itself. */
  const recordEvent = (codeSourceId: string, workspaceId: string, event: EventInput, at: string) =>
    insertEvent.run({
      eventId: randomUUID(),
      workspaceId,
      codeSourceId,
      action: event.action,
      displayName: event.displayName,
      userId: event.userId,
      userName: event.userName,
      via: event.via,
      accessKeyId: event.accessKeyId ?? null,
      requestId: event.requestId,
      batchId: event.batchId ?? null,
      changes: JSON.stringify(event.changes),
      createdAt: at,
    });

  const seal = (codeSourceId: string, token: string) => (token === '' ? null : keyring.seal(token, tokenBinding(codeSourceId)));
  /** Strictly increasing per process, so two writes in one millisecond still order by modify time. */
  let lastNow = '';
  const now = () => {
    let iso = clock().toISOString();
    if (iso <= lastNow) iso = new Date(Date.parse(lastNow) + 1).toISOString();
    lastNow = iso;
    return iso;
  };

  // List SQL varies only by which filters are present: a handful of shapes, each prepared once.
  const statements = new Map<string, Statement<unknown[]>>();
  const prepared = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare<unknown[]>(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };

  /** The filter as SQL on rows aliased `cs` — the counts table has the same columns, so it shares this. */
  function buildWhere(f: ListFilter): { sql: string; params: unknown[] } {
    const clauses = ['cs.workspace_id = ?'];
    const params: unknown[] = [f.workspaceId];
    if (f.visibility.kind === 'public') clauses.push(`cs.accessibility = 'PUBLIC'`);
    if (f.visibility.kind === 'public-or-own') {
      clauses.push(`(cs.accessibility = 'PUBLIC' OR cs.user_id = ?)`);
      params.push(f.visibility.userId);
    }
    if (f.accessibility) {
      clauses.push('cs.accessibility = ?');
      params.push(f.accessibility);
    }
    if (f.creatorId !== undefined) {
      clauses.push('cs.user_id = ?');
      params.push(f.creatorId);
    }
    return { sql: clauses.join(' AND '), params };
  }

  /**
   * How a searched list finds its hits. Every suffix of every folded name (cut to SEARCH_SUFFIX_LENGTH code points) is
   * a key of code_source_suffixes, so the names containing q are one key range: [q, q with its last code point + 1)
   * — exact under SQLite's binary (UTF-8 byte, i.e. code point) order. A longer q takes the range of its first
   * SEARCH_SUFFIX_LENGTH code points as candidates and tests the literal substring with instr(), so %, _ and \ mean
   * themselves everywhere.
   */
  interface SuffixRange {
    lo: string;
    hi: string;
    /** The range alone decides (q fits in a key); otherwise candidates are tested with instr(). */
    exact: boolean;
  }
  function suffixRange(search: string): SuffixRange | undefined {
    const points = [...search].slice(0, SEARCH_SUFFIX_LENGTH);
    const exact = points.length === [...search].length;
    // U+10FFFF has no successor: drop it from the key (the candidates are then tested).
    let dropped = false;
    while (points.length > 0 && points.at(-1) === '\u{10FFFF}') {
      points.pop();
      dropped = true;
    }
    const last = points.pop();
    if (last === undefined) return undefined;
    const cp = last.codePointAt(0) ?? 0;
    const next = cp === 0xd7ff ? 0xe000 : cp + 1; // no surrogates in text
    const prefix = points.join('');
    return { lo: prefix + last, hi: prefix + String.fromCodePoint(next), exact: exact && !dropped };
  }

  /** Above this many keys in a 1-2 character range, testing every name (the name index) counts sooner. */
  const RANGE_CAP = 30_000;
  /** Up to this many hits, fetching them all and sorting is cheap; above, it depends on how far the page is. */
  const FEW_HITS = 2000;

  /** Counts of searched lists, keyed by the workspace's write version (read in the same snapshot as the page). */
  const countCache = new Map<string, number>();
  const COUNT_CACHE_ENTRIES = 1000;
  const writeVersion = db.prepare<[string], { version: number }>('SELECT version FROM code_source_write_versions WHERE workspace_id = ?');

  /** TotalCount of a searched list, read in the caller's transaction. */
  function searchTotal(f: ListFilter & { search: string }, range: SuffixRange | undefined): number {
    const where = buildWhere(f);
    if (range?.exact && [...f.search].length <= 2) {
      // 1-2 characters can be in most names: count up to a cap of keys in one pass, and scan the names instead when
      // the range is larger than that.
      const capped = prepared(
        `SELECT count(*) AS keys, count(DISTINCT id) AS n FROM (SELECT cs.id FROM code_source_suffixes cs WHERE ${where.sql} AND cs.suffix >= ? AND cs.suffix < ? LIMIT ?)`,
      ).get(...where.params, range.lo, range.hi, RANGE_CAP) as { keys: number; n: number };
      if (capped.keys < RANGE_CAP) return capped.n;
      range = undefined;
    }
    if (!range) {
      return (
        prepared(
          `SELECT count(*) AS n FROM code_sources cs INDEXED BY code_sources_name WHERE ${where.sql} AND instr(cs.name_fold, ?) > 0`,
        ).get(...where.params, f.search) as { n: number }
      ).n;
    }
    if (range.exact) {
      // Index-only: the suffix table carries the workspace and visibility columns under the same names.
      return (
        prepared(
          `SELECT count(DISTINCT cs.id) AS n FROM code_source_suffixes cs WHERE ${where.sql} AND cs.suffix >= ? AND cs.suffix < ?`,
        ).get(...where.params, range.lo, range.hi) as { n: number }
      ).n;
    }
    const q = candidates(f, range);
    return (prepared(`SELECT count(*) AS n FROM ${q.from} WHERE ${q.where}`).get(...q.params) as { n: number }).n;
  }

  /** The hits of a searched list from its suffix range, each row once, then filtered and tested with instr(). */
  function candidates(f: ListFilter & { search: string }, range: SuffixRange): { from: string; where: string; params: unknown[] } {
    const where = buildWhere(f);
    return {
      from: `(SELECT DISTINCT s.id FROM code_source_suffixes s WHERE s.workspace_id = ? AND s.suffix >= ? AND s.suffix < ?) hit
             CROSS JOIN code_sources cs ON cs.id = hit.id`,
      where: `${where.sql} AND instr(cs.name_fold, ?) > 0`,
      params: [f.workspaceId, range.lo, range.hi, ...where.params, f.search],
    };
  }

  /** Walks a sort index (or the table) in order, testing each row: cheap when hits are dense or there is no search. */
  function ordered(f: ListFilter): { from: string; where: string; params: unknown[] } {
    const where = buildWhere(f);
    if (!f.search) return { from: 'code_sources cs', where: where.sql, params: where.params };
    return { from: 'code_sources cs', where: `${where.sql} AND instr(cs.name_fold, ?) > 0`, params: [...where.params, f.search] };
  }

  const unsearchedTotal = (f: ListFilter) => {
    const where = buildWhere(f);
    return (
      prepared(`SELECT coalesce(sum(cs.n), 0) AS n FROM code_source_counts cs WHERE ${where.sql}`).get(...where.params) as { n: number }
    ).n;
  };

  return {
    findById(codeSourceId: string): CodeSourceRecord | undefined {
      const row = byId.get(codeSourceId);
      return row && toRecord(row);
    },

    /**
     * A page and the exact TotalCount, both from one read transaction (one snapshot). A page past the middle is read
     * from the far end in the opposite order (the total is exact, so the offset from the far end is too).
     */
    list(f: ListFilter): { items: CodeSourceRecord[]; total: number } {
      const read = db.transaction(() => {
        let total: number;
        const search = f.search || undefined;
        const range = search === undefined ? undefined : suffixRange(search);
        if (search === undefined) total = unsearchedTotal(f);
        else {
          const key = options.countCache
            ? JSON.stringify([
                f.workspaceId,
                writeVersion.get(f.workspaceId)?.version ?? 0,
                search,
                f.visibility,
                f.accessibility ?? null,
                f.creatorId ?? null,
              ])
            : undefined;
          const cached = key === undefined ? undefined : countCache.get(key);
          if (cached !== undefined) total = cached;
          else {
            total = searchTotal({ ...f, search }, range);
            if (key !== undefined) {
              if (countCache.size >= COUNT_CACHE_ENTRIES) countCache.delete(countCache.keys().next().value ?? '');
              countCache.set(key, total);
            }
          }
        }

        // A searched page past the last hit is empty: no walk of the sort index looking for rows that do not exist.
        if (search !== undefined && f.offset >= total) return { total, items: [] };
        const { reverse, offset, limit, dir } = pageWindow(total, f.offset, f.limit, f.order);
        // Ties are broken by the id, so paging never repeats or skips a row.
        const orderBy =
          f.sortBy === 'CodeSourceId' ? `cs.code_source_id ${dir}` : `${SORT_COLUMNS[f.sortBy]} ${dir}, cs.code_source_id ${dir}`;

        // Few hits, or a page so deep that walking the sort index would pass more rows than there are hits: fetch
        // the hits and sort them. Otherwise walk the sort index and stop after the page.
        let q = ordered(f);
        if (search !== undefined && range && total > 0) {
          const density = total / Math.max(1, unsearchedTotal(f));
          if (total <= FEW_HITS || (offset + limit) / density > 2 * total) q = candidates({ ...f, search }, range);
        }
        const rows = prepared(
          `${SELECT_COLUMNS} FROM ${q.from} JOIN users u ON u.user_id = cs.user_id WHERE ${q.where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
        ).all(...q.params, limit, offset) as Row[];
        if (reverse) rows.reverse();
        return { total, items: rows.map(toRecord) };
      });
      return read.deferred();
    },

    /**
     * Inserts a code source; with a client token, the token and the row are written in one transaction, and a
     * token seen before returns the earlier id (or 'token-mismatch' when the body differs).
     */
    create(
      input: CodeSourceFields & { workspaceId: string; userId: string },
      event: EventInput,
      clientToken?: { token: string; bodyMac: string },
    ): { codeSourceId: string; created: boolean } | 'token-mismatch' {
      return writeTransaction(db, () => {
        // Tokens are remembered CLIENT_TOKEN_TTL_MS by the app's clock: older ones are gone before the lookup.
        const tokensSince = clock().getTime() - CLIENT_TOKEN_TTL_MS;
        if (clientToken) {
          purgeTokens.run(tokensSince);
          const seen = findToken.get(input.userId, clientToken.token, tokensSince);
          if (seen) return seen.body_mac === clientToken.bodyMac ? { codeSourceId: seen.code_source_id, created: false } : 'token-mismatch';
        }
        const current = now();
        const codeSourceId = newCodeSourceId(new Date(current));
        try {
          insert.run({ ...input, codeSourceId, sealed: seal(codeSourceId, input.accessToken), now: current });
        } catch (error) {
          if (isUniqueViolation(error, 'code_sources.name_fold')) throw new DuplicateNameError();
          throw error;
        }
        if (clientToken) saveToken.run(input.userId, clientToken.token, clientToken.bodyMac, codeSourceId, Date.parse(current));
        recordEvent(codeSourceId, input.workspaceId, event, current);
        return { codeSourceId, created: true };
      });
    },

    /**
     * Replaces the fields of the row `current` (as read, at its version). `accessToken: undefined` keeps the sealed
     * token as it is. Throws VersionConflictError when the row is no longer at that version.
     */
    update(
      current: Pick<CodeSourceRecord, 'codeSourceId' | 'version' | 'displayName' | 'accessibility'>,
      fields: Omit<CodeSourceFields, 'accessToken'> & { accessToken: string | undefined },
      event: EventInput,
    ): CodeSourceRecord {
      const { codeSourceId, version } = current;
      return writeTransaction(db, () => {
        const keepToken = fields.accessToken === undefined ? 1 : 0;
        const sealed = fields.accessToken === undefined ? null : seal(codeSourceId, fields.accessToken);
        const sameNameAndVisibility = fields.displayName === current.displayName && fields.accessibility === current.accessibility;
        let changes: number;
        const at = now();
        try {
          const params = { ...fields, codeSourceId, version, sealed, keepToken, now: at };
          // Named parameters the narrower statement does not use are ignored.
          changes = (sameNameAndVisibility ? updateContent : update).run(params).changes;
        } catch (error) {
          if (isUniqueViolation(error, 'code_sources.name_fold')) throw new DuplicateNameError();
          throw error;
        }
        if (changes !== 1) throw new VersionConflictError();
        const row = byId.get(codeSourceId);
        if (!row) throw new VersionConflictError();
        recordEvent(codeSourceId, row.workspace_id, event, at);
        return toRecord(row);
      });
    },

    /** Hands the row at `version` to another user. Throws VersionConflictError when it is no longer at that version. */
    transferOwner(codeSourceId: string, version: number, userId: string, event: EventInput): CodeSourceRecord {
      return writeTransaction(db, () => {
        const at = now();
        if (setOwner.run(userId, at, codeSourceId, version).changes !== 1) throw new VersionConflictError();
        const row = byId.get(codeSourceId);
        if (!row) throw new VersionConflictError();
        recordEvent(codeSourceId, row.workspace_id, event, at);
        return toRecord(row);
      });
    },

    delete(codeSourceId: string, version: number, workspaceId: string, event: EventInput): void {
      writeTransaction(db, () => {
        if (remove.run(codeSourceId, version).changes !== 1) throw new VersionConflictError();
        recordEvent(codeSourceId, workspaceId, event, now());
      });
    },

    /** The history of one code source, newest first. */
    eventsOf(codeSourceId: string, limit: number, offset: number): { items: CodeSourceEvent[]; total: number } {
      return db
        .transaction(() => ({
          total: countEventsOfItem.get(codeSourceId)?.n ?? 0,
          items: eventsOfItem.all(codeSourceId, limit, offset).map(toEvent),
        }))
        .deferred();
    },

    /** The newest event of a code source (a deleted one's says who could see it last). */
    lastEventOf(codeSourceId: string): CodeSourceEvent | undefined {
      const row = lastEventOf.get(codeSourceId);
      return row && toEvent(row);
    },

    /**
     * A workspace's activity, newest first. `all` (admins) reads the events alone, deleted code sources included;
     * otherwise only events of code sources that exist and are visible now.
     */
    workspaceEvents(f: EventFilter): { items: CodeSourceEvent[]; total: number } {
      const clauses = ['e.workspace_id = ?'];
      const params: unknown[] = [f.workspaceId];
      let join = '';
      if (f.visibility.kind !== 'all') {
        join = 'JOIN code_sources cs ON cs.code_source_id = e.code_source_id';
        if (f.visibility.kind === 'public') clauses.push(`cs.accessibility = 'PUBLIC'`);
        else {
          clauses.push(`(cs.accessibility = 'PUBLIC' OR cs.user_id = ?)`);
          params.push(f.visibility.userId);
        }
      }
      if (f.action) {
        clauses.push('e.action = ?');
        params.push(f.action);
      }
      if (f.userId !== undefined) {
        clauses.push('e.user_id = ?');
        params.push(f.userId);
      }
      if (f.codeSourceId !== undefined) {
        clauses.push('e.code_source_id = ?');
        params.push(f.codeSourceId);
      }
      const where = clauses.join(' AND ');
      return db
        .transaction(() => ({
          total: (prepared(`SELECT count(*) AS n FROM code_source_events e ${join} WHERE ${where}`).get(...params) as { n: number }).n,
          items: (
            prepared(`SELECT ${EVENT_COLUMNS} FROM code_source_events e ${join} WHERE ${where} ORDER BY e.seq DESC LIMIT ? OFFSET ?`).all(
              ...params,
              f.limit,
              f.offset,
            ) as EventRow[]
          ).map(toEvent),
        }))
        .deferred();
    },

    /** PUBLIC and PRIVATE code sources of a workspace that `visibility` lets one see, from the kept counts. */
    countsByVisibility(workspaceId: string, visibility: Visibility): { publicCount: number; privateCount: number } {
      let publicCount = 0;
      let privateCount = 0;
      for (const r of countsByVisibility.all(workspaceId)) {
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

    /** The plaintext token, for the job runtime that clones the repository; no route calls this. */
    readAccessToken(codeSourceId: string): string | undefined {
      const sealed = sealedToken.get(codeSourceId)?.access_token_sealed;
      return sealed ? keyring.open(sealed, tokenBinding(codeSourceId)) : undefined;
    },
  };
}

export type CodeSourcesRepository = ReturnType<typeof createCodeSourcesRepository>;
