import path from 'node:path';
import type { Keyring } from './crypto';
import { openDatabase, type Db } from './db';
import { ConfigError, redactedDatabaseUrl } from './env';
import { openPostgresStorage } from './postgres/storage';
import { createSqliteStorage } from './sqlite-storage';
import type { Storage } from './storage';

/**
 * The configured database: PostgreSQL at `databaseUrl` when set, else the SQLite file in `dataDir`. Both are migrated
 * before this returns. `db` is the SQLite connection (its background checkpoints are the caller's), absent on
 * PostgreSQL.
 */
export async function openStorage(
  config: { dataDir: string; databaseUrl: string | undefined },
  keyring: Keyring,
  clock?: () => Date,
): Promise<{ storage: Storage; db?: Db }> {
  if (config.databaseUrl !== undefined) {
    try {
      return { storage: await openPostgresStorage({ url: config.databaseUrl, keyring, clock }) };
    } catch (error) {
      // The driver's message names the host and the reason (refused, authentication failed, no such database); the
      // URL itself, which may hold a password, is not repeated.
      throw new ConfigError(`Cannot use DATABASE_URL ${redactedDatabaseUrl(config.databaseUrl)}: ${(error as Error).message}`);
    }
  }
  const db = openDatabase(path.join(config.dataDir, 'code-config.sqlite'));
  return { storage: createSqliteStorage(db, keyring, clock), db };
}
