import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyring, hashPassword, loadOrCreateMasterKey, verifyPassword } from './crypto';
import { nonceFileOf, openDatabase } from './db';
import { createBody, createTestApp, TEST_ENGINE, type TestApp } from '@/testing/test-app';
import { TEST_USERS, WS } from '@/testing/test-seed';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** Every encoding a careless write could leave a secret in. */
function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, b.toString('base64').replace(/=+$/, ''), b.toString('base64url').replace(/=+$/, ''), b.toString('hex')];
}
function filesOf(dbFile: string): Buffer[] {
  return ['', '-wal', '-shm']
    .map((s) => dbFile + s)
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f));
}

describe('secrets at rest', () => {
  it('no token, password or AccessKey secret appears in the database, its WAL or shm', async () => {
    const tokens = ['ghp_plaintextTokenNumberOne1234567890', 'glpat-secondTokenValue-XYZ987', 'third_token_value_for_clear'];
    const create = await t.as('dev').post('/api/v1/codesources', createBody({ CodeRepoAccessToken: tokens[0] }));
    const { CodeSourceId } = (await create.json()) as { CodeSourceId: string };
    await t.as('dev').put(`/api/v1/codesources/${CodeSourceId}`, { CodeRepoAccessToken: tokens[1] });
    await t.as('dev').post('/api/v1/codesources', createBody({ CodeRepoAccessToken: tokens[2] }));
    const secrets = [...tokens, ...Object.values(TEST_USERS).flatMap((u) => [u.Password, u.AccessKeySecret])];
    // SQLite: the bytes of the files. PostgreSQL: every row of every table of the test's database, as text.
    const files = t.engine === 'sqlite' ? filesOf(t.file) : [Buffer.from(await everyRowAsText())];
    expect(files.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const form of encodings(secret)) {
        for (const file of files) expect(file.includes(Buffer.from(form, 'utf8')), `${secret} as ${form}`).toBe(false);
      }
    }
    expect(await t.parts.codeSources.readAccessToken(CodeSourceId)).toBe(tokens[1]);
  });

  it('no secret appears in any response body or header or any log line, in any encoding', async () => {
    const seen: string[] = [];
    const keep = async (res: Response) => {
      seen.push(JSON.stringify([...res.headers]), await res.clone().text());
      return res;
    };
    const tokens = ['ghp_roundTripSecretA1', 'glpat_roundTripSecretB2', 'ghp_roundTripSecretC3'];
    const signIn = await keep(
      await t.anonymous.post('/api/v1/session', { UserName: TEST_USERS.dev.UserName, Password: TEST_USERS.dev.Password }),
    );
    expect(signIn.status).toBe(200);
    await keep(await t.anonymous.post('/api/v1/session', { UserName: TEST_USERS.dev2.UserName, Password: 'wrong-password' }));
    const created = await keep(await t.as('dev').post('/api/v1/codesources', createBody({ CodeRepoAccessToken: tokens[0] })));
    const { CodeSourceId } = (await created.json()) as { CodeSourceId: string };
    await keep(await t.as('dev').put(`/api/v1/codesources/${CodeSourceId}`, { CodeRepoAccessToken: tokens[1] }));
    await keep(await t.as('dev').get(`/api/v1/codesources/${CodeSourceId}`));
    await keep(await t.as('dev').put(`/api/v1/codesources/${CodeSourceId}`, { CodeRepoAccessToken: '' }));
    await keep(
      await t
        .as('dev')
        .post('/api/v1/codesources', createBody({ CodeRepoAccessToken: tokens[2], CodeRepo: 'https://x:' + tokens[2] + '@h/r.git' })),
    );
    await keep(await t.as('dev').get(`/api/v1/codesources?WorkspaceId=${WS}`));
    const secrets = [...tokens, ...Object.values(TEST_USERS).flatMap((u) => [u.Password, u.AccessKeySecret])];
    const haystack = [...seen, ...t.logs].join('\n');
    for (const secret of secrets) for (const form of encodings(secret)) expect(haystack.includes(form), `${secret} as ${form}`).toBe(false);
    for (const file of filesOf(t.file))
      for (const secret of secrets)
        for (const form of encodings(secret)) expect(file.includes(Buffer.from(form)), `${secret} in DB`).toBe(false);
  });

  it('a sealed token copied to another row does not open (bound to its row)', async () => {
    const a = (await (await t.as('dev').post('/api/v1/codesources', createBody({ CodeRepoAccessToken: 'token-a' }))).json()) as {
      CodeSourceId: string;
    };
    const b = (await (await t.as('dev').post('/api/v1/codesources', createBody({ CodeRepoAccessToken: 'token-b' }))).json()) as {
      CodeSourceId: string;
    };
    await t.sql(
      'UPDATE code_sources SET access_token_sealed = (SELECT access_token_sealed FROM code_sources WHERE code_source_id = ?) WHERE code_source_id = ?',
      a.CodeSourceId,
      b.CodeSourceId,
    );
    await expect(t.parts.codeSources.readAccessToken(b.CodeSourceId)).rejects.toThrow();
  });

  it('seals with a random IV: the same token twice gives different ciphertexts', () => {
    const keyring = createKeyring(Buffer.alloc(32, 1));
    const x = keyring.seal('same', 'b');
    const y = keyring.seal('same', 'b');
    expect(x.equals(y)).toBe(false);
    expect(keyring.open(x, 'b')).toBe('same');
    expect(() => keyring.open(x, 'other-binding')).toThrow();
    expect(() => createKeyring(Buffer.alloc(32, 2)).open(x, 'b')).toThrow();
  });

  it('creates the key file with mode 0600 once and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-key-'));
    try {
      const k1 = loadOrCreateMasterKey(dir, undefined);
      const k2 = loadOrCreateMasterKey(dir, undefined);
      expect(k1.equals(k2)).toBe(true);
      expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
      const fromEnv = Buffer.alloc(32, 9);
      expect(loadOrCreateMasterKey(dir, fromEnv).equals(fromEnv)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hashes passwords with scrypt and a salt; verifies only the right one', async () => {
    const params = { N: 1024, r: 8, p: 1 };
    const h1 = await hashPassword('correct horse', params);
    const h2 = await hashPassword('correct horse', params);
    expect(h1).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horsE', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

/** PostgreSQL: the text of every row of every table in the test's database (what a dump would hold). */
async function everyRowAsText(): Promise<string> {
  const tables = await t.sql<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
  let text = '';
  for (const { name } of tables) {
    for (const row of await t.sql<{ r: string }>(`SELECT t::text AS r FROM "${name}" t`)) text += `${row.r}\n`;
  }
  return text;
}

describe.runIf(TEST_ENGINE === 'sqlite')('SQLite schema and query plans', () => {
  const sqlite = () => {
    if (!t.db) throw new Error('an SQLite test app');
    return t.db;
  };
  it('the nonce file is created next to the main one, and the main file no longer holds nonces', () => {
    expect(fs.existsSync(nonceFileOf(t.file))).toBe(true);
    expect(nonceFileOf(t.file)).toBe(path.join(path.dirname(t.file), 'code-config-nonces.sqlite'));
    expect(sqlite().prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'signature_nonces'").get()).toEqual({ n: 0 });
    expect(sqlite().nonces.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('a main file that cannot be opened closes the nonce connection it opened first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-db-'));
    const file = path.join(dir, 'code-config.sqlite');
    fs.writeFileSync(file, 'this is not an SQLite database, only text long enough to have a header'.repeat(20));
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    try {
      expect(() => openDatabase(file)).toThrow(/not a database/);
      const nonces = (pragma.mock.contexts as Database.Database[]).find((db) => db.name === nonceFileOf(file));
      expect(nonces).toBeDefined();
      expect(nonces?.open).toBe(false);
    } finally {
      pragma.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrations are idempotent and recorded in user_version', () => {
    const again = openDatabase(t.file);
    expect(again.pragma('user_version', { simple: true })).toBe(9);
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.pragma('synchronous', { simple: true })).toBe(2);
    expect(again.pragma('foreign_keys', { simple: true })).toBe(1);
    again.close();
  });

  it('the UNIQUE index, not a check, keeps names unique per workspace ignoring case', () => {
    const insert = sqlite().prepare(
      `INSERT INTO code_sources (code_source_id, workspace_id, user_id, display_name, name_fold, code_repo, mount_path, accessibility, clone_type, gmt_create_time, gmt_modify_time)
       VALUES (?, '${WS}', '300002', ?, ?, 'https://x/y', '/root/code/', 'PRIVATE', 0, 't', 't')`,
    );
    insert.run('code-1', 'Name', 'name');
    expect(() => insert.run('code-2', 'NAME', 'name')).toThrow(/UNIQUE/);
  });

  it.each(['GmtCreateTime', 'GmtModifyTime', 'DisplayName', 'CodeSourceId'])(
    'List by %s, both orders, as admin, developer and guest: an index and no temporary B-tree',
    async (sortBy) => {
      const plans: string[] = [];
      const original = sqlite().prepare.bind(sqlite());
      sqlite().prepare = ((sql: string) => {
        if (/ORDER BY/.test(sql)) {
          const stmt = original(sql);
          plans.push(sql);
          return stmt;
        }
        return original(sql);
      }) as typeof Database.prototype.prepare;
      for (const user of ['admin', 'dev', 'guest'] as const) {
        for (const order of ['ASC', 'DESC']) {
          const res = await t.as(user).get(`/api/v1/codesources?WorkspaceId=${WS}&SortBy=${sortBy}&Order=${order}`);
          expect(res.status).toBe(200);
        }
      }
      sqlite().prepare = original;
      // One statement per role's visibility filter and per order: admin, developer and guest, ASC and DESC.
      expect(plans).toHaveLength(6);
      for (const sql of plans) {
        const params = sql.includes('cs.user_id = ?') ? [WS, '300002', 20, 0] : [WS, 20, 0];
        const plan = (
          sqlite()
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(...params) as { detail: string }[]
        )
          .map((r) => r.detail)
          .join('\n');
        expect(plan).not.toMatch(/TEMP B-TREE/);
        expect(plan).not.toMatch(/^SCAN cs$/m);
        expect(plan).toMatch(/USING (COVERING )?INDEX/);
      }
    },
  );
});

describe('search plans agree', () => {
  it('many hits (sort-index walk), few hits (trigram index) and 1-2 characters (name scan) give exact results', async () => {
    const repo = t.parts.codeSources;
    await t.storage.transaction(async (tx) => {
      for (let i = 0; i < 2600; i++) {
        const name = i % 5 === 0 ? `other-${i}` : `many-${i}`;
        await tx.codeSources.create(
          {
            workspaceId: WS,
            userId: TEST_USERS.dev.UserId,
            displayName: name,
            nameFold: name,
            description: '',
            codeRepo: 'https://h/r.git',
            codeBranch: 'master',
            codeCommit: '',
            codeRepoUserName: '',
            accessToken: '',
            mountPath: '/root/code/',
            accessibility: i % 2 ? 'PUBLIC' : 'PRIVATE',
            cloneType: 0,
          },
          {
            action: 'Create',
            displayName: name,
            userId: TEST_USERS.dev.UserId,
            userName: 'dev',
            via: 'Seed',
            requestId: 'test',
            changes: [],
          },
        );
      }
    });
    const all = (await t.sql<{ n: string }>(`SELECT display_name AS n FROM code_sources WHERE workspace_id = ?`, WS)).map((r) => r.n);
    const base = { workspaceId: WS, sortBy: 'DisplayName' as const, order: 'ASC' as const, limit: 20, offset: 40 };
    for (const search of ['many', 'other', 'ny-24', 'y', '-1', 'zz', 'zzq', 'many-2599', 'r-1', '"x"']) {
      for (const visibility of [
        { kind: 'all' as const },
        { kind: 'public' as const },
        { kind: 'public-or-own' as const, userId: TEST_USERS.dev2.UserId },
      ]) {
        const expected = all
          .filter((n) => n.includes(search))
          .filter((n) => visibility.kind === 'all' || Number(n.split('-')[1]) % 2 === 1)
          .sort();
        const got = await repo.list({ ...base, search, visibility });
        expect(got.total, `${search} ${visibility.kind}`).toBe(expected.length);
        expect(got.items.map((i) => i.displayName)).toEqual(expected.slice(40, 60));
      }
    }
  }, 180_000);
});

describe('Storage.transaction, on either engine', () => {
  it("another request's write made while a transaction is open is its own: the transaction's rollback does not take it", async () => {
    let outside: Promise<void> | undefined;
    const tx = t.storage.transaction(async ({ identity }) => {
      await identity.setMeta('inside-before', '1');
      // Another request's call, arriving between this transaction's steps.
      outside = t.storage.identity.setMeta('outside', 'kept');
      await identity.setMeta('inside-after', '1');
      throw new Error('roll back');
    });
    await expect(tx).rejects.toThrow('roll back');
    await outside;
    expect(await t.storage.identity.meta('outside')).toBe('kept');
    expect(await t.storage.identity.meta('inside-before')).toBeUndefined();
    expect(await t.storage.identity.meta('inside-after')).toBeUndefined();
  });

  it('two transactions at once take turns; both commit', async () => {
    const run = (key: string) =>
      t.storage.transaction(async ({ identity }) => {
        await identity.setMeta(key, 'a');
        await identity.setMeta(key, `${await identity.meta(key)}b`);
      });
    await Promise.all([run('first'), run('second')]);
    expect(await t.storage.identity.meta('first')).toBe('ab');
    expect(await t.storage.identity.meta('second')).toBe('ab');
  });
});
