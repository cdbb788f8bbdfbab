/**
 * `npm run db:copy` (scripts/db-copy.ts): copies the service's SQLite database (DATA_DIR, or the .sqlite file itself) into an EMPTY PostgreSQL database —
 * how a team moves when it outgrows one machine. Ids, times, sealed secrets (as the same bytes: the same SECRET_KEY
 * opens them) and the whole change history are kept. Everything is written in one transaction, so a failed copy leaves
 * the target as empty as it was. At the end it verifies, inside that transaction: the row count and a digest of every
 * row of each table on both sides, the kept visibility counts, and (with the key) that every sealed secret opens.
 *
 * The password of the target never goes on the command line: put it in PGPASSWORD, or pass `--to env` to read the
 * whole URL from DATABASE_URL. Signature nonces and Git-check usage are not copied: they expire within 30 minutes
 * (stop the old server at least 15 minutes before serving from the copy if replayed requests matter to you).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createKeyring, loadOrCreateMasterKey } from '@/server/crypto';
import { decodeKey, parseDatabaseUrl, SECRET_URL_PARAMETERS } from '@/server/env';
import { openPostgresStorage } from './storage';

/** Copied in this order (foreign keys); each with the columns that order its rows the same on both engines. */
const TABLES: { name: string; orderBy: string }[] = [
  { name: 'meta', orderBy: 'key' },
  { name: 'workspaces', orderBy: 'workspace_id' },
  { name: 'users', orderBy: 'user_id' },
  { name: 'access_keys', orderBy: 'access_key_id' },
  { name: 'members', orderBy: 'workspace_id, user_id' },
  { name: 'code_sources', orderBy: 'code_source_id' },
  { name: 'client_tokens', orderBy: 'user_id, client_token' },
  { name: 'sessions', orderBy: 'session_mac' },
  { name: 'sign_in_failures', orderBy: 'throttle_key' },
  { name: 'code_source_events', orderBy: 'seq' },
];
const BATCH_ROWS = 500;

/** A mistake of the person running the copy: shown as it is, nothing was written. */
export class UsageError extends Error {}

export function parseCopyArgs(argv: string[]): { from: string; to: string } {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if ((name === '--from' || name === '--to') && value !== undefined) {
      args.set(name, value);
      i++;
    } else throw new UsageError(`Unknown argument ${name ?? ''}`);
  }
  const from = args.get('--from');
  let to = args.get('--to');
  if (!from || !to) throw new UsageError('Both --from sqlite:<DATA_DIR or file> and --to postgres://… (or --to env) are required');
  if (!from.startsWith('sqlite:')) throw new UsageError('--from must be sqlite:<DATA_DIR or .sqlite file>');
  if (to === 'env') {
    to = process.env.DATABASE_URL ?? '';
    if (!to) throw new UsageError('--to env reads DATABASE_URL, which is not set');
  } else {
    const url = parseDatabaseUrl(to);
    if (!url) throw new UsageError('--to must be a PostgreSQL URL: postgres://user@host:port/database');
    if (url.password !== '' || SECRET_URL_PARAMETERS.some((name) => url.searchParams.has(name))) {
      throw new UsageError(
        '--to must not carry a password (it would show in the process list): use PGPASSWORD, or --to env with DATABASE_URL',
      );
    }
  }
  if (!parseDatabaseUrl(to)) throw new UsageError('DATABASE_URL is not a PostgreSQL URL');
  return { from: from.slice('sqlite:'.length), to };
}

/** A row in a form both engines agree on: bytes as hex, integers as numbers, JSON as its parsed value. */
function canonical(row: Record<string, unknown>, columns: string[]): string {
  return JSON.stringify(
    columns.map((c) => {
      const v = row[c];
      if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string' && /^\d+$/.test(v) && (c.endsWith('_at') || c === 'seq')) return Number(v);
      if (c === 'changes' && typeof v === 'string') return JSON.parse(v) as unknown;
      return v;
    }),
  );
}

export async function copySqliteToPostgres(
  from: string,
  to: string,
  log: (line: string) => void = console.log,
): Promise<{ rows: Record<string, number> }> {
  const file = fs.existsSync(from) && fs.statSync(from).isDirectory() ? path.join(from, 'code-config.sqlite') : from;
  if (!fs.existsSync(file)) throw new UsageError(`No SQLite database at ${file}`);
  const dataDir = path.dirname(file);
  // The key: SECRET_KEY, else the source's own secret.key (never created here). Without one, secrets are copied as
  // bytes but not checked.
  const envKey = process.env.SECRET_KEY === undefined ? undefined : (decodeKey(process.env.SECRET_KEY) ?? undefined);
  const keyFile = path.join(dataDir, 'secret.key');
  const keyring = envKey || fs.existsSync(keyFile) ? createKeyring(loadOrCreateMasterKey(dataDir, envKey)) : undefined;

  const source = new Database(file, { readonly: true, fileMustExist: true });
  // Migrates the target (the same code a server runs at start), then is closed: the copy uses its own connection.
  const migrated = await openPostgresStorage({ url: to, keyring: keyring ?? createKeyring(Buffer.alloc(32)) });
  await migrated.close();
  const target = new pg.Client({ connectionString: to });
  target.setTypeParser(20, (v) => Number(v));
  await target.connect();
  const rows: Record<string, number> = {};
  try {
    await target.query('BEGIN');
    // Nothing else may write while the copy runs: a server started on the target too early waits for it.
    await target.query(`LOCK TABLE ${TABLES.map((t) => t.name).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    for (const { name } of TABLES) {
      const { rows: any } = await target.query(`SELECT 1 FROM ${name} LIMIT 1`);
      if (any.length > 0 && name !== 'meta') throw new UsageError(`The target database is not empty (table ${name} has rows)`);
    }
    await target.query('DELETE FROM meta');

    for (const { name, orderBy } of TABLES) {
      const targetColumns = new Set(
        (
          await target.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
            [name],
          )
        ).rows.map((r) => r.column_name),
      );
      const sourceColumns = (source.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((r) => r.name);
      // SQLite's rowid alias `code_sources.id` (its search index keys) has no counterpart: PostgreSQL keys by code_source_id.
      const columns = sourceColumns.filter((c) => targetColumns.has(c));
      const missing = [...targetColumns].filter((c) => !sourceColumns.includes(c));
      if (missing.length > 0) throw new Error(`Table ${name}: the target has columns the source lacks: ${missing.join(', ')}`);
      const select = source.prepare(`SELECT ${columns.join(', ')} FROM ${name} ORDER BY ${orderBy}`);
      let batch: Record<string, unknown>[] = [];
      let copied = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const values: unknown[] = [];
        const tuples = batch.map((row) => `(${columns.map((c) => `$${values.push(row[c])}`).join(', ')})`);
        await target.query(`INSERT INTO ${name} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
        copied += batch.length;
        batch = [];
      };
      for (const row of select.iterate() as Iterable<Record<string, unknown>>) {
        batch.push(row);
        if (batch.length >= BATCH_ROWS) await flush();
      }
      await flush();
      rows[name] = copied;
      log(`copied ${name}: ${copied} rows`);
    }
    // The history keeps its numbers; new events continue after them.
    await target.query(
      `SELECT setval(pg_get_serial_sequence('code_source_events', 'seq'), (SELECT coalesce(max(seq), 0) + 1 FROM code_source_events), false)`,
    );

    // Verify, still inside the transaction: every row of every table, and the counts the triggers kept.
    for (const { name, orderBy } of TABLES) {
      const columns = (source.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[])
        .map((r) => r.name)
        .filter((c) => c !== 'id');
      const digest = (rowsOf: Iterable<Record<string, unknown>>) => {
        const h = createHash('sha256');
        let n = 0;
        for (const row of rowsOf) {
          h.update(canonical(row, columns)).update('\n');
          n++;
        }
        return `${n}:${h.digest('hex')}`;
      };
      const a = digest(
        source.prepare(`SELECT ${columns.join(', ')} FROM ${name} ORDER BY ${orderBy}`).iterate() as Iterable<Record<string, unknown>>,
      );
      const b = digest(
        (await target.query(`SELECT ${columns.join(', ')} FROM ${name} ORDER BY ${orderBy}`)).rows as Record<string, unknown>[],
      );
      if (a !== b)
        throw new Error(`Verification failed for ${name}: source ${a.split(':')[0]} rows, copy ${b.split(':')[0]} rows, digests differ`);
    }
    const countsOf = (list: { workspace_id: string; accessibility: string; user_id: string; n: number }[]) =>
      JSON.stringify(list.filter((r) => r.n > 0).map((r) => [r.workspace_id, r.accessibility, r.user_id, Number(r.n)]));
    const countSql = 'SELECT workspace_id, accessibility, user_id, n FROM code_source_counts ORDER BY workspace_id, accessibility, user_id';
    const sourceCounts = countsOf(source.prepare(countSql).all() as never);
    const targetCounts = countsOf((await target.query(countSql)).rows as never);
    if (sourceCounts !== targetCounts) throw new Error('Verification failed: the kept visibility counts differ');
    await target.query('COMMIT');
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await target.end();
    source.close();
  }

  if (keyring) {
    // Every sealed token and AccessKey secret opens with the key on the copy, through the PostgreSQL storage itself.
    const storage = await openPostgresStorage({ url: to, keyring });
    try {
      const check = new Database(file, { readonly: true, fileMustExist: true });
      const tokens = check.prepare('SELECT code_source_id AS id FROM code_sources WHERE access_token_sealed IS NOT NULL').all() as {
        id: string;
      }[];
      const keys = check.prepare('SELECT access_key_id AS id FROM access_keys').all() as { id: string }[];
      check.close();
      for (const { id } of tokens)
        if ((await storage.codeSources.readAccessToken(id)) === undefined) throw new Error(`Token of ${id} does not open`);
      for (const { id } of keys) if (!(await storage.identity.accessKey(id))) throw new Error(`AccessKey ${id} does not open`);
      log(`verified: ${tokens.length} sealed tokens and ${keys.length} AccessKey secrets open with the key`);
    } finally {
      await storage.close();
    }
  } else {
    log('secrets copied as sealed bytes; not opened (no SECRET_KEY and no secret.key beside the source)');
  }
  return { rows };
}
