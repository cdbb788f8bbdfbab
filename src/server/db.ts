import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * The service's database: the main file (every durable fact, `synchronous=FULL`) and, on a connection of its own,
 * the signature-nonce file next to it (see `openNonceDatabase`). Closing it closes both.
 */
export class AppDatabase extends Database {
  constructor(
    file: string,
    /** Nonces of signed requests: replay protection that must not cost a durable write on every signed read. */
    readonly nonces: Database.Database,
  ) {
    super(file);
  }

  override close(): this {
    if (this.nonces.open) this.nonces.close();
    return super.close();
  }
}

export type Db = AppDatabase;

/** How many code points of each suffix of a folded name migration 6 keeps (its SQL says 24 literally). */
export const SEARCH_SUFFIX_LENGTH = 24;

/**
 * Versioned migrations, applied in order inside one transaction each; `PRAGMA user_version` records the last one.
 * Never edit a released migration: add the next.
 */
const migrations: string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE workspaces (
    workspace_id TEXT PRIMARY KEY,
    workspace_name TEXT NOT NULL
  ) STRICT;

  CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT
  ) STRICT;

  CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    secret_sealed BLOB NOT NULL
  ) STRICT;

  CREATE TABLE members (
    workspace_id TEXT NOT NULL REFERENCES workspaces(workspace_id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    roles TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
  ) STRICT;
  CREATE INDEX members_by_user ON members(user_id);

  CREATE TABLE code_sources (
    id INTEGER PRIMARY KEY,
    code_source_id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(workspace_id),
    user_id TEXT NOT NULL REFERENCES users(user_id),
    display_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    code_repo TEXT NOT NULL,
    code_branch TEXT NOT NULL DEFAULT '',
    code_commit TEXT NOT NULL DEFAULT '',
    code_repo_user_name TEXT NOT NULL DEFAULT '',
    access_token_sealed BLOB,
    mount_path TEXT NOT NULL,
    accessibility TEXT NOT NULL CHECK (accessibility IN ('PRIVATE', 'PUBLIC')),
    clone_type INTEGER NOT NULL CHECK (clone_type IN (0, 1)),
    gmt_create_time TEXT NOT NULL,
    gmt_modify_time TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
  ) STRICT;
  -- Uniqueness of a name within a workspace, ignoring case, is the database's job (also across processes).
  CREATE UNIQUE INDEX code_sources_name ON code_sources(workspace_id, name_fold);
  -- One index per SortBy, each ending in the tie-breaker, so no sort needs a temporary B-tree.
  CREATE INDEX code_sources_by_create ON code_sources(workspace_id, gmt_create_time, code_source_id);
  CREATE INDEX code_sources_by_modify ON code_sources(workspace_id, gmt_modify_time, code_source_id);
  CREATE INDEX code_sources_by_id ON code_sources(workspace_id, code_source_id);
  -- Counting what a developer may see (PUBLIC or own) without touching the table.
  CREATE INDEX code_sources_visibility ON code_sources(workspace_id, accessibility, user_id);

  -- Substring search on the folded name; queries of 1-2 characters fall back to instr() on name_fold.
  CREATE VIRTUAL TABLE code_sources_fts USING fts5(
    name_fold, content='code_sources', content_rowid='id', tokenize='trigram case_sensitive 1'
  );
  CREATE TRIGGER code_sources_fts_insert AFTER INSERT ON code_sources BEGIN
    INSERT INTO code_sources_fts(rowid, name_fold) VALUES (new.id, new.name_fold);
  END;
  CREATE TRIGGER code_sources_fts_delete AFTER DELETE ON code_sources BEGIN
    INSERT INTO code_sources_fts(code_sources_fts, rowid, name_fold) VALUES ('delete', old.id, old.name_fold);
  END;
  CREATE TRIGGER code_sources_fts_update AFTER UPDATE OF name_fold ON code_sources BEGIN
    INSERT INTO code_sources_fts(code_sources_fts, rowid, name_fold) VALUES ('delete', old.id, old.name_fold);
    INSERT INTO code_sources_fts(rowid, name_fold) VALUES (new.id, new.name_fold);
  END;

  -- ClientToken idempotency for Create, scoped to the user; body_mac is an HMAC of the canonical body.
  CREATE TABLE client_tokens (
    user_id TEXT NOT NULL,
    client_token TEXT NOT NULL,
    body_mac TEXT NOT NULL,
    code_source_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, client_token)
  ) STRICT;
  CREATE INDEX client_tokens_age ON client_tokens(created_at);

  -- Browser sessions; the id is stored only as an HMAC.
  CREATE TABLE sessions (
    session_mac TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_by_user ON sessions(user_id);

  -- Signature nonces seen in the last 15 minutes (shared by every process on the file).
  CREATE TABLE signature_nonces (
    access_key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
  ) STRICT;
  CREATE INDEX signature_nonces_age ON signature_nonces(seen_at);
  `,
  `
  -- Visible-row counts without counting rows: per workspace, visibility and creator, kept by triggers in the same
  -- transaction as the write. TotalCount of an unsearched list is a sum over a few of these.
  CREATE TABLE code_source_counts (
    workspace_id TEXT NOT NULL,
    accessibility TEXT NOT NULL,
    user_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, accessibility, user_id)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO code_source_counts (workspace_id, accessibility, user_id, n)
    SELECT workspace_id, accessibility, user_id, count(*) FROM code_sources GROUP BY 1, 2, 3;
  CREATE TRIGGER code_source_counts_insert AFTER INSERT ON code_sources BEGIN
    INSERT INTO code_source_counts (workspace_id, accessibility, user_id, n) VALUES (new.workspace_id, new.accessibility, new.user_id, 1)
      ON CONFLICT (workspace_id, accessibility, user_id) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER code_source_counts_delete AFTER DELETE ON code_sources BEGIN
    UPDATE code_source_counts SET n = n - 1
      WHERE workspace_id = old.workspace_id AND accessibility = old.accessibility AND user_id = old.user_id;
  END;
  CREATE TRIGGER code_source_counts_update AFTER UPDATE OF workspace_id, accessibility, user_id ON code_sources
    WHEN old.workspace_id IS NOT new.workspace_id OR old.accessibility IS NOT new.accessibility OR old.user_id IS NOT new.user_id
  BEGIN
    UPDATE code_source_counts SET n = n - 1
      WHERE workspace_id = old.workspace_id AND accessibility = old.accessibility AND user_id = old.user_id;
    INSERT INTO code_source_counts (workspace_id, accessibility, user_id, n) VALUES (new.workspace_id, new.accessibility, new.user_id, 1)
      ON CONFLICT (workspace_id, accessibility, user_id) DO UPDATE SET n = n + 1;
  END;
  `,
  `
  -- Failed sign-ins per throttle key (a MAC of "pair, user name, client" or "client, address"), shared by every
  -- process on the file; rows untouched for a day are purged.
  CREATE TABLE sign_in_failures (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX sign_in_failures_age ON sign_in_failures(last_failure_at);
  `,
  `
  -- The change history: one row per change, written by the service in the same transaction as the change. No
  -- foreign key to code_sources: the history of a deleted code source stays. Append-only, enforced here.
  CREATE TABLE code_source_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    code_source_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('Create', 'Update', 'Publish', 'Unpublish', 'Delete', 'TransferOwner')),
    display_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('Console', 'AccessKey', 'Seed')),
    access_key_id TEXT,
    request_id TEXT NOT NULL,
    batch_id TEXT,
    changes TEXT NOT NULL CHECK (json_valid(changes)),
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX code_source_events_item ON code_source_events(code_source_id, seq);
  CREATE INDEX code_source_events_workspace ON code_source_events(workspace_id, seq);
  CREATE INDEX code_source_events_action ON code_source_events(workspace_id, action, seq);
  CREATE INDEX code_source_events_user ON code_source_events(workspace_id, user_id, seq);
  CREATE TRIGGER code_source_events_no_update BEFORE UPDATE ON code_source_events BEGIN
    SELECT RAISE(ABORT, 'code_source_events is append-only');
  END;
  CREATE TRIGGER code_source_events_no_delete BEFORE DELETE ON code_source_events BEGIN
    SELECT RAISE(ABORT, 'code_source_events is append-only');
  END;
  `,
  `
  -- Signature nonces moved to their own file (openNonceDatabase): a signed read no longer costs a durable write here.
  DROP TABLE signature_nonces;
  `,
  `
  -- Substring search by suffix ranges (replaces the FTS5 trigram index). Every suffix of a folded name, cut to
  -- 24 code points (SEARCH_SUFFIX_LENGTH), is a key: a name contains q (up to that length) exactly when some key of it starts with
  -- q, so a search is one index range [q, q with its last code point + 1) and its count is index-only
  -- (count(DISTINCT id): a name may contain q twice). Longer queries use the range of their first 24 code points
  -- and test the literal substring. Visibility columns ride along so scoped counts need no row.
  CREATE TABLE suffix_positions (i INTEGER PRIMARY KEY) STRICT;
  -- 1..1024: more than any folded name has (128 code points, at most doubled by case folding).
  WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < 1024) INSERT INTO suffix_positions (i) SELECT i FROM p;
  CREATE TABLE code_source_suffixes (
    workspace_id TEXT NOT NULL,
    suffix TEXT NOT NULL,
    id INTEGER NOT NULL,
    accessibility TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, suffix, id)
  ) STRICT, WITHOUT ROWID;
  INSERT OR IGNORE INTO code_source_suffixes (workspace_id, suffix, id, accessibility, user_id)
    SELECT cs.workspace_id, substr(cs.name_fold, p.i, 24), cs.id, cs.accessibility, cs.user_id
    FROM code_sources cs JOIN suffix_positions p ON p.i <= length(cs.name_fold)
    ORDER BY 1, 2, 3;
  CREATE TRIGGER code_source_suffixes_insert AFTER INSERT ON code_sources BEGIN
    INSERT OR IGNORE INTO code_source_suffixes (workspace_id, suffix, id, accessibility, user_id)
      SELECT new.workspace_id, substr(new.name_fold, p.i, 24), new.id, new.accessibility, new.user_id
      FROM suffix_positions p WHERE p.i <= length(new.name_fold);
  END;
  CREATE TRIGGER code_source_suffixes_delete AFTER DELETE ON code_sources BEGIN
    DELETE FROM code_source_suffixes WHERE workspace_id = old.workspace_id AND id = old.id
      AND suffix IN (SELECT substr(old.name_fold, p.i, 24) FROM suffix_positions p WHERE p.i <= length(old.name_fold));
  END;
  CREATE TRIGGER code_source_suffixes_rename AFTER UPDATE OF workspace_id, name_fold ON code_sources
    WHEN old.workspace_id IS NOT new.workspace_id OR old.name_fold IS NOT new.name_fold
  BEGIN
    DELETE FROM code_source_suffixes WHERE workspace_id = old.workspace_id AND id = old.id
      AND suffix IN (SELECT substr(old.name_fold, p.i, 24) FROM suffix_positions p WHERE p.i <= length(old.name_fold));
    INSERT OR IGNORE INTO code_source_suffixes (workspace_id, suffix, id, accessibility, user_id)
      SELECT new.workspace_id, substr(new.name_fold, p.i, 24), new.id, new.accessibility, new.user_id
      FROM suffix_positions p WHERE p.i <= length(new.name_fold);
  END;
  CREATE TRIGGER code_source_suffixes_visibility AFTER UPDATE OF accessibility, user_id ON code_sources
    WHEN (old.accessibility IS NOT new.accessibility OR old.user_id IS NOT new.user_id)
      AND old.workspace_id IS new.workspace_id AND old.name_fold IS new.name_fold
  BEGIN
    UPDATE code_source_suffixes SET accessibility = new.accessibility, user_id = new.user_id
      WHERE workspace_id = new.workspace_id AND id = new.id
        AND suffix IN (SELECT substr(new.name_fold, p.i, 24) FROM suffix_positions p WHERE p.i <= length(new.name_fold));
  END;

  -- A per-workspace version, bumped in the writing transaction by every change that can change a search count
  -- (create, delete, rename, visibility, owner). Cached counts are keyed by it, so a cached count is exact for the
  -- snapshot that reads the same version, in every process.
  CREATE TABLE code_source_write_versions (
    workspace_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  INSERT INTO code_source_write_versions (workspace_id, version) SELECT DISTINCT workspace_id, 1 FROM code_sources;
  CREATE TRIGGER code_source_write_versions_insert AFTER INSERT ON code_sources BEGIN
    INSERT INTO code_source_write_versions (workspace_id, version) VALUES (new.workspace_id, 1)
      ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
  END;
  CREATE TRIGGER code_source_write_versions_delete AFTER DELETE ON code_sources BEGIN
    INSERT INTO code_source_write_versions (workspace_id, version) VALUES (old.workspace_id, 1)
      ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
  END;
  CREATE TRIGGER code_source_write_versions_update AFTER UPDATE OF workspace_id, name_fold, accessibility, user_id ON code_sources
    WHEN old.workspace_id IS NOT new.workspace_id OR old.name_fold IS NOT new.name_fold
      OR old.accessibility IS NOT new.accessibility OR old.user_id IS NOT new.user_id
  BEGIN
    INSERT INTO code_source_write_versions (workspace_id, version) VALUES (old.workspace_id, 1)
      ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
    INSERT INTO code_source_write_versions (workspace_id, version) VALUES (new.workspace_id, 1)
      ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
  END;

  DROP TRIGGER code_sources_fts_insert;
  DROP TRIGGER code_sources_fts_delete;
  DROP TRIGGER code_sources_fts_update;
  DROP TABLE code_sources_fts;
  `,
  `
  -- Git checks a user has started (the per-user limits: at once, per minute), shared by every process and replica. A
  -- check whose process died without finishing stops counting as running once it is older than the check timeout.
  CREATE TABLE git_checks (
    check_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX git_checks_by_user ON git_checks(user_id, started_at);
  `,
  `
  -- Upstream mode (PAI_ENDPOINT): the PAI AccessKey a browser session signs its calls with, sealed, bound to the
  -- session and gone with it (sign-out, expiry, purge).
  CREATE TABLE upstream_credentials (
    session_mac TEXT PRIMARY KEY REFERENCES sessions(session_mac) ON DELETE CASCADE,
    access_key_id TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    -- PAI's id of the person (when the endpoint says it) and the name the console shows.
    upstream_user_id TEXT,
    display_name TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  `
  -- Self-service AccessKeys: a key can be disabled (read on every signed request, so every process refuses it at once),
  -- and its creation and last use (written at most once a minute) are shown to its owner. Keys from before count as
  -- created now and Active.
  ALTER TABLE access_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive'));
  ALTER TABLE access_keys ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE access_keys ADD COLUMN last_used_at INTEGER;
  UPDATE access_keys SET created_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
  CREATE INDEX access_keys_by_user ON access_keys(user_id, created_at);
  `,
];

/** Where the nonces of `file` live: `code-config.sqlite` → `code-config-nonces.sqlite`, in the same folder. */
export function nonceFileOf(file: string): string {
  return /\.sqlite$/.test(file) ? file.replace(/\.sqlite$/, '-nonces.sqlite') : `${file}-nonces`;
}

/**
 * The nonce file: WAL with `synchronous=NORMAL`, so inserting a nonce writes to the WAL without an fsync (a crash of
 * the machine may forget the last moment's nonces; see the README). Every process on the main file opens the same
 * nonce file, and one INSERT under SQLite's write lock decides a replay, so replay protection stays exact across
 * processes. It holds only what can be rebuilt by waiting 30 minutes, so it has no migrations: the table is made
 * if missing.
 */
export function openNonceDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS signature_nonces (
        access_key_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (access_key_id, nonce)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS signature_nonces_age ON signature_nonces(seen_at);
    `);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Opens (creating if needed) the database file with the pragmas every connection needs, and migrates it; the nonce
 * file beside it is opened (and created) with it.
 */
export function openDatabase(file: string): Db {
  const nonces = openNonceDatabase(nonceFileOf(file));
  let db: AppDatabase | undefined;
  try {
    db = new AppDatabase(file, nonces);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    migrate(db);
    return db;
  } catch (error) {
    // A main file that cannot be opened or migrated must not leave either connection (and its file lock) behind.
    if (db?.open) db.close();
    if (nonces.open) nonces.close();
    throw error;
  }
}

export function migrate(db: Db): void {
  const apply = db.transaction(() => {
    // Read inside the write transaction so two processes starting together do not both migrate.
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < migrations.length; v++) {
      db.exec(migrations[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  apply.immediate();
}

/** Runs `fn` in a write transaction that takes the lock at once (no upgrade deadlock across processes). */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** True when SQLite refused a row because of a UNIQUE constraint on `column` (e.g. `code_sources.name_fold`). */
export function isUniqueViolation(error: unknown, column: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') && (e.message ?? '').includes(column);
}

/** How often the background checkpointer copies committed WAL frames back into the main file. */
const BACKGROUND_CHECKPOINT_MS = 250;
/** Checkpoints failing in a row (about 5 s of them) after which the thread stops and the server is told. */
const CHECKPOINT_FAILURES_BEFORE_GIVING_UP = 20;
/** The connection's own automatic checkpoint (in frames), left as a safety net should the background thread stop. */
const FALLBACK_AUTOCHECKPOINT_FRAMES = 10_000;

/**
 * Moves WAL checkpoints off the request path. With SQLite's automatic checkpoint, the commit that took the WAL past
 * 1,000 frames copied them into the main file and fsynced it inside its own request (in the bench's update load, the
 * commits over 2 ms were ~45 % of the storage's time). Here a worker thread with its own connection runs
 * `PRAGMA wal_checkpoint(PASSIVE)` (which never blocks writers and does nothing when nothing is new) every
 * `BACKGROUND_CHECKPOINT_MS`. Durability is unchanged: every commit still fsyncs the WAL (`synchronous=FULL`), and a
 * checkpoint fsyncs the main file before the WAL is reused. The serving connection keeps an automatic checkpoint at
 * `FALLBACK_AUTOCHECKPOINT_FRAMES`, so the WAL stays bounded without the thread, and goes back to SQLite's default
 * if the thread fails (`onError` is told).
 */
export function startBackgroundCheckpoints(
  db: Db,
  onError: (error: Error) => void = () => undefined,
  /** Tests only: another statement for the thread to run each round (one that fails, to see the thread give up). */
  testing?: { pragma: string },
): { stop(): Promise<void> } {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_FRAMES}`);
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.sqlite);
    const db = new Database(workerData.file);
    db.pragma('synchronous = FULL');
    let failures = 0;
    const timer = setInterval(() => {
      try {
        db.pragma(workerData.pragma);
        failures = 0;
      } catch (error) {
        // A moment's trouble: the next round tries again. Failing round after round (an I/O error, say), the thread
        // gives up with the error, so the server is told and its own connection checkpoints every 1,000 frames
        // again, instead of letting the WAL grow to the fallback's 10,000 frames unnoticed.
        if (++failures < workerData.giveUpAfter) return;
        clearInterval(timer);
        try { db.close(); } catch {}
        throw error;
      }
    }, workerData.everyMs);
    parentPort.once('message', () => {
      clearInterval(timer);
      db.close();
      parentPort.close();
    });
    `,
    {
      eval: true,
      workerData: {
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: db.name,
        everyMs: BACKGROUND_CHECKPOINT_MS,
        giveUpAfter: CHECKPOINT_FAILURES_BEFORE_GIVING_UP,
        pragma: testing?.pragma ?? 'wal_checkpoint(PASSIVE)',
      },
    },
  );
  worker.unref();
  // A thread that fails (its connection cannot open, say) must not take the server with it: the serving connection
  // goes back to SQLite's own checkpoint every 1,000 frames.
  worker.on('error', (error) => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
    onError(error);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: () => {
      // Held while it stops: an unreferenced thread would let the process exit before its own shutdown ran.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
