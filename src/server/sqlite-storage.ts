import { createCodeSourcesRepository } from './code-sources.repository';
import type { Keyring } from './crypto';
import type { Db } from './db';
import { createIdentityRepository } from './identity.repository';
import type { Promised, Repositories, Storage } from './storage';

/** Each method of a synchronous repository as one answering a Promise (a throw becomes a rejection). */
function promised<T extends object>(sync: T): Promised<T> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sync)) {
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    out[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve(method.apply(sync, args));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
  }
  return out as Promised<T>;
}

/**
 * The embedded engine: SQLite through better-sqlite3, whose calls are synchronous. Every repository call runs to the
 * end before any other request's code, so the methods are atomic within the process; across processes SQLite's
 * write lock (`BEGIN IMMEDIATE`) orders writers.
 */
export function createSqliteStorage(db: Db, keyring: Keyring, clock: () => Date = () => new Date()): Storage {
  const { transaction: _sync, ...identity } = createIdentityRepository(db, keyring);
  const repositories: Repositories = {
    codeSources: promised(createCodeSourcesRepository(db, keyring, clock)),
    identity: promised(identity),
  };
  return {
    engine: 'sqlite',
    ...repositories,
    async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
      // The repositories answer with already-settled promises, so `fn` runs to its end in this turn of the event
      // loop (microtasks only) and no other request's statement lands inside this transaction.
      if (db.inTransaction) throw new Error('Storage.transaction cannot be nested');
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(repositories);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    ping() {
      db.prepare('SELECT 1').get();
      return Promise.resolve();
    },
    close() {
      if (db.open) db.close();
      return Promise.resolve();
    },
  };
}
