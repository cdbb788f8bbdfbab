import { createCodeSourcesRepository } from './code-sources.repository';
import type { Keyring } from './crypto';
import type { Db } from './db';
import { createIdentityRepository } from './identity.repository';
import type { Promised, Repositories, Storage } from './storage';

/**
 * Each method of a synchronous repository as one answering a Promise (a throw becomes a rejection). With `gate`, a
 * call made while the gate answers a promise (a transaction of `Storage.transaction` is open) waits for it first.
 */
function promised<T extends object>(sync: T, gate?: () => Promise<void> | undefined): Promised<T> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sync)) {
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    const call = (args: unknown[]): Promise<unknown> => {
      const open = gate?.();
      if (open) return open.then(() => call(args));
      try {
        return Promise.resolve(method.apply(sync, args));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    out[name] = (...args: unknown[]) => call(args);
  }
  return out as Promised<T>;
}

/**
 * The embedded engine: SQLite through better-sqlite3, whose calls are synchronous, so each repository call is atomic
 * within the process; across processes SQLite's write lock (`BEGIN IMMEDIATE`) orders writers.
 *
 * `transaction(fn)` holds the one connection from BEGIN to COMMIT while `fn` awaits its repositories. Another
 * request's call arriving meanwhile (its continuation can run between `fn`'s awaits) must not land inside that
 * transaction — a rollback would take its acknowledged write with it — so the repositories everyone else holds wait
 * for the transaction to end, and transactions take turns.
 */
export function createSqliteStorage(db: Db, keyring: Keyring, clock: () => Date = () => new Date()): Storage {
  const { transaction: _sync, ...identity } = createIdentityRepository(db, keyring);
  const codeSources = createCodeSourcesRepository(db, keyring, clock);
  let open: Promise<void> | undefined;
  const gate = () => open;
  const inside: Repositories = { codeSources: promised(codeSources), identity: promised(identity) };
  return {
    engine: 'sqlite',
    codeSources: promised(codeSources, gate),
    identity: promised(identity, gate),
    async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
      while (open) await open;
      let ended!: () => void;
      open = new Promise<void>((resolve) => (ended = resolve));
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(inside);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      } finally {
        open = undefined;
        ended();
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
