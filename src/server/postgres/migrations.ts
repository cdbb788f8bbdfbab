import type pg from 'pg';

/**
 * The session-level advisory lock every process takes before reading `schema_migrations`, so replicas starting
 * together migrate once: the second waits, then finds nothing left to do. Any constant works as long as it never
 * changes ("code-cfg" in ASCII).
 */
export const MIGRATION_LOCK_KEY = '7237954737213888359';

/**
 * The PostgreSQL schema, in versions (`schema_migrations` records the applied ones); each runs in its own
 * transaction. Never edit a released migration: add the next. The numbering is this engine's own (SQLite's
 * `user_version` counts its own history); the tables and columns carry the same names as in `db.ts`, so a copy
 * between the engines maps column to column.
 *
 * Rules that keep both engines answering alike:
 * - Every text column that is compared or sorted is `COLLATE "C"`: code-point order, as SQLite's BINARY, whatever the
 *   database's default collation is.
 * - Times shown to clients (`gmt_*_time`, `created_at` of events) stay ISO-8601 text, exactly as SQLite stores them
 *   (ISO-8601 in UTC sorts by time under "C"); millisecond counters are BIGINT.
 * - User names are unique ignoring ASCII case, like SQLite's `COLLATE NOCASE` (which folds A-Z only): `lower()` under
 *   "C" folds exactly A-Z.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- Literal substring search on the folded name with a trigram GIN index (LIKE '%…%' of 3+ characters uses it).
  CREATE EXTENSION IF NOT EXISTS pg_trgm;

  CREATE TABLE meta (
    key text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
  );

  CREATE TABLE workspaces (
    workspace_id text COLLATE "C" PRIMARY KEY,
    workspace_name text COLLATE "C" NOT NULL
  );

  CREATE TABLE users (
    user_id text COLLATE "C" PRIMARY KEY,
    user_name text COLLATE "C" NOT NULL,
    password_hash text
  );
  -- SQLite: user_name UNIQUE COLLATE NOCASE (A-Z folded, nothing else). lower() of a "C" column folds A-Z only.
  CREATE UNIQUE INDEX users_name ON users (lower(user_name));

  CREATE TABLE access_keys (
    access_key_id text COLLATE "C" PRIMARY KEY,
    user_id text COLLATE "C" NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    secret_sealed bytea NOT NULL
  );
  CREATE INDEX access_keys_by_user ON access_keys(user_id);

  CREATE TABLE members (
    workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces(workspace_id) ON DELETE CASCADE,
    user_id text COLLATE "C" NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    roles text NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
  );
  CREATE INDEX members_by_user ON members(user_id);

  CREATE TABLE code_sources (
    code_source_id text COLLATE "C" PRIMARY KEY,
    workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces(workspace_id),
    user_id text COLLATE "C" NOT NULL REFERENCES users(user_id),
    display_name text COLLATE "C" NOT NULL,
    name_fold text COLLATE "C" NOT NULL,
    description text NOT NULL DEFAULT '',
    code_repo text NOT NULL,
    code_branch text NOT NULL DEFAULT '',
    code_commit text NOT NULL DEFAULT '',
    code_repo_user_name text NOT NULL DEFAULT '',
    access_token_sealed bytea,
    mount_path text NOT NULL,
    accessibility text COLLATE "C" NOT NULL CHECK (accessibility IN ('PRIVATE', 'PUBLIC')),
    clone_type smallint NOT NULL CHECK (clone_type IN (0, 1)),
    gmt_create_time text COLLATE "C" NOT NULL,
    gmt_modify_time text COLLATE "C" NOT NULL,
    version integer NOT NULL DEFAULT 1
  );
  -- Uniqueness of a name within a workspace, ignoring case (the caller folds it), is the database's job. Also the
  -- DisplayName sort (no ties: the folded name is unique in its workspace).
  CREATE UNIQUE INDEX code_sources_name ON code_sources(workspace_id, name_fold);
  -- One index per SortBy, each ending in the tie-breaker.
  CREATE INDEX code_sources_by_create ON code_sources(workspace_id, gmt_create_time, code_source_id);
  CREATE INDEX code_sources_by_modify ON code_sources(workspace_id, gmt_modify_time, code_source_id);
  CREATE INDEX code_sources_by_id ON code_sources(workspace_id, code_source_id);
  CREATE INDEX code_sources_visibility ON code_sources(workspace_id, accessibility, user_id);
  CREATE INDEX code_sources_by_user ON code_sources(user_id);
  -- Substring search: name_fold LIKE '%q%' (q escaped). Trigrams of 3+ characters come from this index; 1-2
  -- character searches scan, still exact. fastupdate off: new names go into the index at once instead of a pending
  -- list that every search scans whole and that makes the planner shun the index until a vacuum merges it (reads far
  -- outnumber writes here).
  CREATE INDEX code_sources_name_trgm ON code_sources USING gin (name_fold gin_trgm_ops) WITH (fastupdate = off);

  -- Visible-row counts without counting rows, kept by triggers in the writing transaction. TotalCount of an
  -- unsearched list is a sum over a few of these.
  CREATE TABLE code_source_counts (
    workspace_id text COLLATE "C" NOT NULL,
    accessibility text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (workspace_id, accessibility, user_id)
  );
  CREATE FUNCTION code_source_counts_add(ws text, acc text, uid text, delta integer) RETURNS void
  LANGUAGE sql AS $$
    INSERT INTO code_source_counts (workspace_id, accessibility, user_id, n) VALUES (ws, acc, uid, delta)
      ON CONFLICT (workspace_id, accessibility, user_id) DO UPDATE SET n = code_source_counts.n + excluded.n;
  $$;
  CREATE FUNCTION code_source_counts_keep() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM code_source_counts_add(NEW.workspace_id, NEW.accessibility, NEW.user_id, 1);
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM code_source_counts_add(OLD.workspace_id, OLD.accessibility, OLD.user_id, -1);
    ELSIF (OLD.workspace_id, OLD.accessibility, OLD.user_id) IS DISTINCT FROM (NEW.workspace_id, NEW.accessibility, NEW.user_id) THEN
      -- The two count rows are locked in key order, so two moves in opposite directions (A→B and B→A) wait for each
      -- other instead of deadlocking.
      IF (OLD.workspace_id, OLD.accessibility, OLD.user_id) < (NEW.workspace_id, NEW.accessibility, NEW.user_id) THEN
        PERFORM code_source_counts_add(OLD.workspace_id, OLD.accessibility, OLD.user_id, -1);
        PERFORM code_source_counts_add(NEW.workspace_id, NEW.accessibility, NEW.user_id, 1);
      ELSE
        PERFORM code_source_counts_add(NEW.workspace_id, NEW.accessibility, NEW.user_id, 1);
        PERFORM code_source_counts_add(OLD.workspace_id, OLD.accessibility, OLD.user_id, -1);
      END IF;
    END IF;
    RETURN NULL;
  END;
  $$;
  CREATE TRIGGER code_source_counts_keep AFTER INSERT OR DELETE OR UPDATE OF workspace_id, accessibility, user_id
    ON code_sources FOR EACH ROW EXECUTE FUNCTION code_source_counts_keep();

  -- ClientToken idempotency for Create, scoped to the user; body_mac is an HMAC of the canonical body. The row is
  -- reserved (INSERT … ON CONFLICT DO NOTHING) before the code source is written, so two retries racing on two
  -- connections meet on this primary key: the second waits for the first and then reads its id.
  CREATE TABLE client_tokens (
    user_id text COLLATE "C" NOT NULL,
    client_token text COLLATE "C" NOT NULL,
    body_mac text NOT NULL,
    code_source_id text COLLATE "C" NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (user_id, client_token)
  );
  CREATE INDEX client_tokens_age ON client_tokens(created_at);

  -- Browser sessions; the id is stored only as an HMAC.
  CREATE TABLE sessions (
    session_mac text COLLATE "C" PRIMARY KEY,
    user_id text COLLATE "C" NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    last_seen_at bigint NOT NULL
  );
  CREATE INDEX sessions_by_user ON sessions(user_id);
  CREATE INDEX sessions_age ON sessions(last_seen_at);

  -- Signature nonces seen in the window, shared by every replica: one INSERT … ON CONFLICT decides a replay.
  -- Not UNLOGGED: PostgreSQL empties an unlogged table after any crash and a promoted standby has none of its rows,
  -- so every nonce of the last window would be forgotten at once (replays accepted for up to the whole window).
  -- Instead the storage writes nonces on connections with synchronous_commit = off: the row is WAL-logged and
  -- visible to every connection at commit, but the commit does not wait for the WAL flush. A crash of the server
  -- may then forget only the last moment's nonces (about 3 × wal_writer_delay), which is what SQLite's no-fsync
  -- nonce file risks too (db.ts, openNonceDatabase).
  CREATE TABLE signature_nonces (
    access_key_id text COLLATE "C" NOT NULL,
    nonce text COLLATE "C" NOT NULL,
    seen_at bigint NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
  );
  CREATE INDEX signature_nonces_age ON signature_nonces(seen_at);

  -- Failed sign-ins per throttle key (a MAC), shared by every replica; rows untouched for a day are purged.
  CREATE TABLE sign_in_failures (
    throttle_key text COLLATE "C" PRIMARY KEY,
    failures integer NOT NULL,
    last_failure_at bigint NOT NULL
  );
  CREATE INDEX sign_in_failures_age ON sign_in_failures(last_failure_at);

  -- The change history: one row per change, written in the transaction of the change. No foreign key to
  -- code_sources: the history of a deleted code source stays. seq is BY DEFAULT so a copy from SQLite can keep its
  -- numbers (then setval the sequence past them).
  CREATE TABLE code_source_events (
    seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    event_id text COLLATE "C" NOT NULL UNIQUE,
    workspace_id text COLLATE "C" NOT NULL,
    code_source_id text COLLATE "C" NOT NULL,
    action text COLLATE "C" NOT NULL CHECK (action IN ('Create', 'Update', 'Publish', 'Unpublish', 'Delete', 'TransferOwner')),
    display_name text NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    user_name text NOT NULL,
    via text COLLATE "C" NOT NULL CHECK (via IN ('Console', 'AccessKey', 'Seed')),
    access_key_id text,
    request_id text NOT NULL,
    batch_id text,
    -- json (not jsonb): validated, and kept as the exact text written.
    changes json NOT NULL,
    created_at text COLLATE "C" NOT NULL
  );
  CREATE INDEX code_source_events_item ON code_source_events(code_source_id, seq);
  CREATE INDEX code_source_events_workspace ON code_source_events(workspace_id, seq);
  CREATE INDEX code_source_events_action ON code_source_events(workspace_id, action, seq);
  CREATE INDEX code_source_events_user ON code_source_events(workspace_id, user_id, seq);
  -- Append-only, enforced here for every role that is not allowed to drop triggers: no UPDATE, DELETE or TRUNCATE.
  CREATE FUNCTION code_source_events_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'code_source_events is append-only' USING ERRCODE = 'restrict_violation';
  END;
  $$;
  CREATE TRIGGER code_source_events_no_update BEFORE UPDATE OR DELETE ON code_source_events
    FOR EACH ROW EXECUTE FUNCTION code_source_events_append_only();
  CREATE TRIGGER code_source_events_no_truncate BEFORE TRUNCATE ON code_source_events
    FOR EACH STATEMENT EXECUTE FUNCTION code_source_events_append_only();

  -- Git checks a user has started (the per-user limits: at once, per minute), shared by every replica.
  CREATE TABLE git_checks (
    check_id text COLLATE "C" PRIMARY KEY,
    user_id text COLLATE "C" NOT NULL,
    started_at bigint NOT NULL,
    finished_at bigint
  );
  CREATE INDEX git_checks_by_user ON git_checks(user_id, started_at);
  CREATE INDEX git_checks_age ON git_checks(started_at);
  `,
  `
  -- Upstream mode (PAI_ENDPOINT): the PAI AccessKey a browser session signs its calls with, sealed, bound to the
  -- session and gone with it (sign-out, expiry, purge).
  CREATE TABLE upstream_credentials (
    session_mac text COLLATE "C" PRIMARY KEY REFERENCES sessions(session_mac) ON DELETE CASCADE,
    access_key_id text COLLATE "C" NOT NULL,
    secret_sealed bytea NOT NULL,
    -- PAI's id of the person (when the endpoint says it) and the name the console shows.
    upstream_user_id text COLLATE "C",
    display_name text NOT NULL
  );
  `,
  `
  -- Self-service AccessKeys (SQLite's migration of the same name): status read on every signed request, creation
  -- and last use (written at most once a minute). Keys from before count as created now and Active.
  ALTER TABLE access_keys ADD COLUMN status text COLLATE "C" NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive'));
  ALTER TABLE access_keys ADD COLUMN created_at bigint NOT NULL DEFAULT 0;
  ALTER TABLE access_keys ADD COLUMN last_used_at bigint;
  UPDATE access_keys SET created_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  `,
];

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, while holding
 * `pg_advisory_lock(MIGRATION_LOCK_KEY)`: processes starting together take turns, and each one after the first finds
 * nothing left to do. Answers the versions this call applied.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly string[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((r) => r.version));
      const applied: number[] = [];
      for (let i = 0; i < migrations.length; i++) {
        const version = i + 1;
        if (done.has(version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migrations[i] ?? '');
          await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        applied.push(version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => {
        // The lock dies with the session: the connection is destroyed below rather than returned holding it.
        broken = true;
      });
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.release(broken);
  }
}
