import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { createDatabase } from '@/testing/postgres-fixture';
import { TEST_KEY } from '@/testing/test-engine';
import { testSeed, TEST_USERS, WS } from '@/testing/test-seed';
import { createApp } from '@/server/app';
import { createKeyring } from '@/server/crypto';
import { openDatabase } from '@/server/db';
import { createLogger } from '@/server/logger';
import { applySeed, parseSeed } from '@/server/seed';
import { createSqliteStorage } from '@/server/sqlite-storage';
import type { Storage } from '@/server/storage';
import { copySqliteToPostgres, parseCopyArgs, UsageError } from './copy-from-sqlite';
import { openPostgresStorage } from './storage';

const keyring = createKeyring(TEST_KEY);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An app over `storage`, signed in as `user` through a real session. */
async function clientOf(storage: Storage, user: keyof typeof TEST_USERS) {
  const { app, sessions } = createApp({ storage, keyring, logger: createLogger('silent') });
  const { sessionId, csrfToken } = await sessions.start(TEST_USERS[user].UserId);
  const headers = { host: 'localhost', cookie: `cc_session=${sessionId}`, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  return {
    get: async (url: string) => (await app.request(url, { headers })).json() as Promise<Record<string, unknown>>,
    send: async (method: string, url: string, body?: unknown) => {
      const res = await app.request(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    },
  };
}

/** A SQLite DATA_DIR in use: the test seed, then creates (with tokens and a ClientToken), edits, a publish and a delete. */
async function sourceDataDir(): Promise<{ dataDir: string; ids: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-copy-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dataDir, 'secret.key'), TEST_KEY.toString('hex'), { mode: 0o600 });
  const db = openDatabase(path.join(dataDir, 'code-config.sqlite'));
  const storage = createSqliteStorage(db, keyring);
  await applySeed(parseSeed(testSeed), 'test seed', { storage, keyring });
  const dev = await clientOf(storage, 'dev');
  const admin = await clientOf(storage, 'admin');
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const body = {
      WorkspaceId: WS,
      DisplayName: `Copy-Me-${i}`,
      CodeRepo: 'https://github.com/example/copy.git',
      ...(i % 3 === 0 ? { CodeRepoAccessToken: `ghp_copy_token_${i}` } : {}),
      ...(i === 1 ? { ClientToken: 'copy-client-token' } : {}),
    };
    ids.push(String((await dev.send('POST', apiPaths.codeSources, body)).CodeSourceId));
  }
  await dev.send('PUT', apiPaths.codeSource(ids[0] ?? ''), { Description: 'edited before the move' });
  await admin.send('PUT', apiPaths.publish(ids[2] ?? ''));
  await admin.send('DELETE', apiPaths.codeSource(ids[3] ?? ''));
  await storage.close();
  return { dataDir, ids: ids.filter((_, i) => i !== 3) };
}

async function postgresStorage(url: string): Promise<Storage> {
  const storage = await openPostgresStorage({ url, keyring });
  cleanups.push(() => storage.close());
  return storage;
}

describe('npm run db:copy: SQLite → an empty PostgreSQL database', () => {
  it('copies ids, times, sealed secrets, sessions and the whole history; the copy answers exactly as the original', async () => {
    const { dataDir, ids } = await sourceDataDir();
    const sqlite = createSqliteStorage(openDatabase(path.join(dataDir, 'code-config.sqlite')), keyring);
    cleanups.push(() => sqlite.close());
    const before = await clientOf(sqlite, 'admin');
    const list = `${apiPaths.codeSources}?WorkspaceId=${WS}&PageSize=100&SortBy=DisplayName&Order=ASC`;
    const strip = (body: Record<string, unknown>) => ({ ...body, RequestId: undefined });
    const expected = {
      list: strip(await before.get(list)),
      searched: strip(await before.get(`${list}&DisplayName=me-1`)),
      one: strip(await before.get(apiPaths.codeSource(ids[0] ?? ''))),
      activity: strip(await before.get(`${apiPaths.workspaceEvents(WS)}?PageSize=100`)),
    };

    const url = await createDatabase('copy target');
    const lines: string[] = [];
    const { rows } = await copySqliteToPostgres(dataDir, url, (line) => lines.push(line));
    expect(rows.code_sources).toBe(29);
    expect(rows.code_source_events).toBe(33);
    expect(lines.some((l) => /verified: 9 sealed tokens and \d+ AccessKey secrets open/.test(l))).toBe(true);

    const copy = await postgresStorage(url);
    const after = await clientOf(copy, 'admin');
    expect(strip(await after.get(list))).toEqual(expected.list);
    expect(strip(await after.get(`${list}&DisplayName=me-1`))).toEqual(expected.searched);
    expect(strip(await after.get(apiPaths.codeSource(ids[0] ?? '')))).toEqual(expected.one);
    expect(strip(await after.get(`${apiPaths.workspaceEvents(WS)}?PageSize=100`))).toEqual(expected.activity);
    // Secrets open with the same key; the ClientToken is remembered; new events continue the history.
    expect(await copy.codeSources.readAccessToken(ids[0] ?? '')).toBe('ghp_copy_token_0');
    expect(await copy.identity.accessKey(TEST_USERS.dev.AccessKeyId)).toMatchObject({ secret: TEST_USERS.dev.AccessKeySecret });
    const dev = await clientOf(copy, 'dev');
    const retried = await dev.send('POST', apiPaths.codeSources, {
      WorkspaceId: WS,
      DisplayName: 'Copy-Me-1',
      CodeRepo: 'https://github.com/example/copy.git',
      ClientToken: 'copy-client-token',
    });
    expect(retried.CodeSourceId).toBe(ids[1]);
    await dev.send('PUT', apiPaths.codeSource(ids[1] ?? ''), { Description: 'after the move' });
    const history = await after.get(`${apiPaths.workspaceEvents(WS)}?PageSize=1`);
    expect(history).toMatchObject({ TotalCount: 34, Events: [{ CodeSourceId: ids[1], Action: 'Update' }] });
  });

  it('refuses a target that is not empty, and a failed copy leaves the target as it was', async () => {
    const { dataDir } = await sourceDataDir();
    const url = await createDatabase('copy twice');
    await copySqliteToPostgres(dataDir, url, () => undefined);
    await expect(copySqliteToPostgres(dataDir, url, () => undefined)).rejects.toThrow(/not empty \(table workspaces has rows\)/);

    // A source whose rows break a rule of the target (a code source of a workspace that does not exist): all or nothing.
    const broken = await sourceDataDir();
    const db = openDatabase(path.join(broken.dataDir, 'code-config.sqlite'));
    db.pragma('foreign_keys = OFF');
    db.prepare(`UPDATE code_sources SET workspace_id = 'nowhere' WHERE code_source_id = ?`).run(broken.ids[5]);
    db.close();
    const empty = await createDatabase('copy broken');
    await expect(copySqliteToPostgres(broken.dataDir, empty, () => undefined)).rejects.toThrow(/foreign key/);
    const client = new pg.Client({ connectionString: empty });
    await client.connect();
    try {
      const counts = await client.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM code_sources) AS n',
      );
      expect(Number(counts.rows[0]?.n)).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('keeps passwords off the command line', () => {
    expect(() => parseCopyArgs(['--from', 'sqlite:./data', '--to', 'postgres://u:hunter2@127.0.0.1:5432/db'])).toThrow(UsageError);
    expect(() => parseCopyArgs(['--from', 'sqlite:./data', '--to', 'postgres://u:hunter2@127.0.0.1:5432/db'])).toThrow(/PGPASSWORD/);
    expect(() => parseCopyArgs(['--from', 'sqlite:./data', '--to', 'postgres://u@127.0.0.1:5432/db?password=hunter2'])).toThrow(
      /PGPASSWORD/,
    );
    expect(parseCopyArgs(['--from', 'sqlite:./data', '--to', 'postgres://u@127.0.0.1:5432/db'])).toEqual({
      from: './data',
      to: 'postgres://u@127.0.0.1:5432/db',
    });
    expect(() => parseCopyArgs(['--from', './data', '--to', 'postgres://u@127.0.0.1/db'])).toThrow(/sqlite:/);
  });
});
