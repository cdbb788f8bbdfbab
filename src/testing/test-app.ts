import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CSRF_HEADER } from '@/shared/api-paths';
import type { SeedInput } from '@/shared/seed.schema';
import { createApp, type GitOptions } from '@/server/app';
import { createKeyring } from '@/server/crypto';
import pg from 'pg';
import { openDatabase, type Db } from '@/server/db';
import { openPostgresStorage } from '@/server/postgres/storage';
import { createSqliteStorage } from '@/server/sqlite-storage';
import type { Engine, Storage } from '@/server/storage';
import { createDatabase } from './postgres-fixture';
import { TEST_ENGINE, TEST_KEY } from './test-engine';
import { createLogger } from '@/server/logger';
import { applySeed, parseSeed } from '@/server/seed';
import { SESSION_COOKIE } from '@/server/auth';
import { assertDocumentedResponse } from './route-contract';
import { TEST_USERS, testSeed, type TestUser } from './test-seed';

export { TEST_ENGINE, TEST_KEY };

const templates = new Map<string, Promise<string>>();

/**
 * A seeded database built once per seed and worker (password hashing is slow on purpose), copied for each test so
 * that every test starts from its own fresh database: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
 * PostgreSQL. Returns the template's file or database name.
 */
async function templateFor(seed: SeedInput): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(seed)).digest('hex').slice(0, 16);
  let pending = templates.get(key);
  if (!pending) {
    pending = (async () => {
      const keyring = createKeyring(TEST_KEY);
      if (TEST_ENGINE === 'postgres') {
        const url = await createDatabase(`template_${key}`);
        const storage = await openPostgresStorage({ url, keyring });
        await applySeed(parseSeed(seed), 'test seed', { storage, keyring });
        await storage.close();
        return new URL(url).pathname.slice(1);
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-template-'));
      const file = path.join(dir, 'template.sqlite');
      const db = openDatabase(file);
      await applySeed(parseSeed(seed), 'test seed', { storage: createSqliteStorage(db, keyring), keyring });
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      return file;
    })();
    templates.set(key, pending);
  }
  return pending;
}

/** A fresh database for one test from the template: its storage, and the SQLite file or the PostgreSQL pool. */
async function freshStorage(seed: SeedInput, clock: () => Date) {
  const template = await templateFor(seed);
  const keyring = createKeyring(TEST_KEY);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-'));
  if (TEST_ENGINE === 'postgres') {
    const url = await createDatabase('test', undefined, template);
    const storage = await openPostgresStorage({ url, keyring, clock });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('connect', (client) => client.setTypeParser(20, Number));
    return { storage, dir, file: url, db: undefined, pg: pool };
  }
  const file = path.join(dir, 'code-config.sqlite');
  fs.copyFileSync(template, file);
  const db = openDatabase(file);
  return { storage: createSqliteStorage(db, keyring, clock), dir, file, db, pg: undefined };
}

export interface TestApp {
  app: ReturnType<typeof createApp>['app'];
  parts: ReturnType<typeof createApp>;
  engine: Engine;
  storage: Storage;
  /** The SQLite connection (SQLite runs only). */
  db: Db | undefined;
  /** A pool on the test's own database (PostgreSQL runs only). */
  pg: pg.Pool | undefined;
  dir: string;
  /** The SQLite file, or the PostgreSQL database's URL. */
  file: string;
  logs: string[];
  /** Advance the app's clock. */
  clock: { now: number };
  /**
   * SQL on the test's own database with `?` placeholders, on either engine: the rows a query returns (PostgreSQL's
   * bigints as numbers), [] for a statement.
   */
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]>;
  /** A second storage on the same database, as another server process or replica has (closed with the test app). */
  openAnother(): Promise<Storage>;
  /** Requests as `user` through a browser session (cookie + CSRF token). */
  as(user: TestUser): Client;
  /** Requests with no credentials. */
  anonymous: Client;
  close(): Promise<void>;
}

export interface Client {
  /** The cookie and CSRF headers this client sends. */
  authHeaders(): Promise<Record<string, string>>;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  delete(url: string, headers?: Record<string, string>): Promise<Response>;
}

export async function createTestApp({ seed = testSeed, git }: { seed?: SeedInput; git?: GitOptions } = {}): Promise<TestApp> {
  const clock = { now: Date.now() };
  const { storage, dir, file, db, pg: pool } = await freshStorage(seed, () => new Date(clock.now));
  const logs: string[] = [];
  const parts = createApp({
    storage,
    keyring: createKeyring(TEST_KEY),
    logger: createLogger('debug', (l) => logs.push(l)),
    clock: () => clock.now,
    git,
  });
  const { sessions } = parts;
  const app = checkedAgainstRouteTable(parts.app);

  const client = (auth: () => Promise<Record<string, string>>): Client => {
    const request = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const init: RequestInit = { method, headers: { host: 'localhost', ...(await auth()), ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      return app.request(url, init);
    };
    return {
      authHeaders: auth,
      request,
      get: (url, headers) => request('GET', url, undefined, headers),
      post: (url, body, headers) => request('POST', url, body, headers),
      put: (url, body, headers) => request('PUT', url, body, headers),
      delete: (url, headers) => request('DELETE', url, undefined, headers),
    };
  };

  const others: Storage[] = [];
  const sessionsByUser = new Map<TestUser, Promise<{ cookie: string; csrf: string }>>();
  return {
    app,
    parts,
    engine: storage.engine,
    storage,
    db,
    pg: pool,
    dir,
    file,
    logs,
    clock,
    async sql<T>(query: string, ...params: unknown[]): Promise<T[]> {
      if (pool) {
        let n = 0;
        const text = query.replace(/\?/g, () => `$${++n}`);
        return (await (params.length > 0 ? pool.query(text, params) : pool.query(text))).rows as T[];
      }
      const stmt = db!.prepare(query);
      if (stmt.reader) return stmt.all(...params) as T[];
      stmt.run(...params);
      return [];
    },
    async openAnother() {
      const keyring = createKeyring(TEST_KEY);
      const clockOf = () => new Date(clock.now);
      const another = pool
        ? await openPostgresStorage({ url: file, keyring, clock: clockOf })
        : createSqliteStorage(openDatabase(file), keyring, clockOf);
      others.push(another);
      return another;
    },
    as(user) {
      return client(async () => {
        let pending = sessionsByUser.get(user);
        if (!pending) {
          pending = sessions
            .start(TEST_USERS[user].UserId)
            .then((started) => ({ cookie: `${SESSION_COOKIE}=${started.sessionId}`, csrf: started.csrfToken }));
          sessionsByUser.set(user, pending);
        }
        const s = await pending;
        return { cookie: s.cookie, [CSRF_HEADER]: s.csrf };
      });
    },
    anonymous: client(() => Promise.resolve({})),
    async close() {
      for (const another of others.splice(0)) await another.close();
      await pool?.end();
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid create body; override what the test is about. */
export function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    WorkspaceId: '2001',
    DisplayName: `cs-${Math.random().toString(36).slice(2, 10)}`,
    CodeRepo: 'https://github.com/example/repo.git',
    ...overrides,
  };
}

/**
 * The app, with every answer of `app.request` checked against the route table (`assertDocumentedResponse`): a
 * status the route does not document, or a body off its schema, fails the test that received it.
 */
function checkedAgainstRouteTable<A extends { request: (...args: never[]) => Response | Promise<Response> }>(app: A): A {
  return new Proxy(app, {
    get(target, property, receiver) {
      if (property !== 'request') return Reflect.get(target, property, receiver) as unknown;
      return async (input: string | URL | Request, init?: RequestInit, ...rest: unknown[]) => {
        const response = await (target.request as (...args: unknown[]) => Response | Promise<Response>)(input, init, ...rest);
        const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
        await assertDocumentedResponse(method, input instanceof Request ? input.url : String(input), response);
        return response;
      };
    },
  });
}
