import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, startBackgroundCheckpoints, type Db } from './db';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoints-'));
  db = openDatabase(path.join(dir, 'code-config.sqlite'));
});
afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The main file alone, as if the WAL were lost: what a checkpoint has copied into it. */
function mainFileAlone(): Database.Database {
  const copy = path.join(dir, 'main-only.sqlite');
  fs.copyFileSync(path.join(dir, 'code-config.sqlite'), copy);
  return new Database(copy, { readonly: true });
}

describe('background WAL checkpoints', () => {
  it('copies committed writes into the main file without a checkpoint on the writing connection', async () => {
    // The schema in the main file; from here on, writes go to the WAL.
    db.pragma('wal_checkpoint(TRUNCATE)');
    const checkpoints = startBackgroundCheckpoints(db);
    try {
      // Far fewer frames than the writing connection's own automatic checkpoint (10,000): only the thread copies.
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      const write = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        for (let i = 0; i < 50; i++) write.run(`k${i}`, 'x'.repeat(2000));
      })();
      let copied = 0;
      for (let waited = 0; waited < 5000 && copied < 50; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const main = mainFileAlone();
        copied = (main.prepare('SELECT count(*) AS n FROM meta').get() as { n: number }).n;
        main.close();
      }
      expect(copied).toBe(50);
    } finally {
      await checkpoints.stop();
    }
  });

  it('stops: the thread closes its connection, and the database closes and reopens intact', async () => {
    const checkpoints = startBackgroundCheckpoints(db);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('k', 'v');
    await checkpoints.stop();
    db.close();
    db = openDatabase(path.join(dir, 'code-config.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT value FROM meta WHERE key = ?').get('k')).toEqual({ value: 'v' });
  });

  it('a thread that cannot open the file reports it and leaves SQLite checkpointing on commit again', async () => {
    const errors: Error[] = [];
    // The thread is pointed at a file that is not a database: its first statement fails.
    const notDatabase = path.join(dir, 'not-a-database.sqlite');
    fs.writeFileSync(notDatabase, 'this is not an SQLite file, and it is longer than the 100-byte header SQLite reads first. '.repeat(3));
    const checkpoints = startBackgroundCheckpoints(
      // The serving connection as it is, under the other file's name.
      new Proxy(db, {
        get: (target, key) => {
          if (key === 'name') return notDatabase;
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }),
      (e) => errors.push(e),
    );
    for (let waited = 0; waited < 5000 && errors.length === 0; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toHaveLength(1);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpoints.stop();
  });

  it('a thread whose checkpoints keep failing gives up after ~5 s, reports it, and SQLite checkpoints on commit again', async () => {
    const errors: Error[] = [];
    // Each round's statement fails (a pragma SQLite rejects), as a checkpoint would on a disk that keeps failing.
    const checkpoints = startBackgroundCheckpoints(db, (e) => errors.push(e), { pragma: 'wal_checkpoint(NOT_A_MODE' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A few failed rounds are not yet a reason to give up.
    expect(errors).toEqual([]);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    for (let waited = 0; waited < 15_000 && errors.length === 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toHaveLength(1);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpoints.stop();
  });
});
