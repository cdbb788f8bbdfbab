import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Engine } from '@/server/storage';
import { createDatabase } from './postgres-fixture';

/**
 * Which engine the server suites run on: `TEST_DATABASE=postgres` (the vitest project `node-postgres`, on the run's
 * throw-away cluster) or SQLite (the default). One setup for both: every suite that builds its app or starts its
 * server through `src/testing/` runs on both.
 */
export const TEST_ENGINE: Engine = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** The fixed key of test databases (tests only; production keys come from SECRET_KEY or DATA_DIR/secret.key). */
export const TEST_KEY = Buffer.alloc(32, 7);

/**
 * The environment that points a server process at the test engine: nothing on SQLite (its DATA_DIR), a fresh
 * database of the run's cluster and the key every replica must share on PostgreSQL.
 */
export async function serverDatabaseEnv(): Promise<Record<string, string>> {
  if (TEST_ENGINE === 'sqlite') return {};
  return { DATABASE_URL: await createDatabase('server'), SECRET_KEY: TEST_KEY.toString('hex') };
}

/**
 * Where a server's stored data holds `text` as plain UTF-8: the SQLite files of its DATA_DIR (main file, WAL, shm) that
 * contain it, or the PostgreSQL tables with a row whose text (bytea shown as hex, so searched as hex too) contains it.
 * `places` lists what was searched, so a test can see the search had something to look at.
 */
export async function storedPlaces(
  server: { dataDir: string; databaseUrl: string | undefined },
  text: string,
): Promise<{ places: string[]; containing: string[] }> {
  const needle = Buffer.from(text, 'utf8');
  if (server.databaseUrl === undefined) {
    const places = ['code-config.sqlite', 'code-config.sqlite-wal', 'code-config.sqlite-shm']
      .map((f) => path.join(server.dataDir, f))
      .filter((f) => fs.existsSync(f));
    return {
      places: places.map((f) => path.basename(f)),
      containing: places.filter((f) => fs.readFileSync(f).includes(needle)).map((f) => path.basename(f)),
    };
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const tables = (
      await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`)
    ).rows.map((r) => r.name);
    const containing: string[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table}" t WHERE strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0`,
        [text, needle.toString('hex')],
      );
      if ((rows[0]?.n ?? 0) > 0) containing.push(table);
    }
    return { places: tables, containing };
  } finally {
    await client.end();
  }
}

/** Read-only SQL on a server's database, whichever engine; booleans and bigints come back as numbers. */
export interface StoredDatabase {
  engine: Engine;
  all<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function openStoredDatabase(server: { dataDir: string; databaseUrl: string | undefined }): Promise<StoredDatabase> {
  if (server.databaseUrl === undefined) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(server.dataDir, 'code-config.sqlite'));
    db.pragma('busy_timeout = 10000');
    return {
      engine: 'sqlite',
      all: <T>(sql: string) => Promise.resolve(db.prepare(sql).all() as T[]),
      close: () => Promise.resolve(void db.close()),
    };
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  client.setTypeParser(20, Number);
  client.setTypeParser(16, (v: string) => (v === 't' ? 1 : 0));
  await client.connect();
  return {
    engine: 'postgres',
    all: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    close: () => client.end(),
  };
}
