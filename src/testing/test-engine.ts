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
