import path from 'node:path';
import type { Keyring } from './crypto';
import { openDatabase, type Db } from './db';
import { ConfigError } from './env';
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
    throw new ConfigError('Invalid configuration: DATABASE_URL is not supported by this build yet');
  }
  const db = openDatabase(path.join(config.dataDir, 'code-config.sqlite'));
  return { storage: createSqliteStorage(db, keyring, clock), db };
}
