import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CSRF_HEADER } from '@/shared/api-paths';
import type { SeedInput } from '@/shared/seed.schema';
import { createApp, type GitOptions } from '@/server/app';
import { createKeyring } from '@/server/crypto';
import { openDatabase } from '@/server/db';
import { createLogger } from '@/server/logger';
import { applySeed, parseSeed } from '@/server/seed';
import { SESSION_COOKIE } from '@/server/auth';
import { assertDocumentedResponse } from './route-contract';
import { TEST_USERS, testSeed, type TestUser } from './test-seed';

/** The fixed key of test databases (tests only; production keys come from SECRET_KEY or DATA_DIR/secret.key). */
export const TEST_KEY = Buffer.alloc(32, 7);

const templates = new Map<string, Promise<string>>();

/**
 * A seeded database file built once per seed and worker (password hashing is slow on purpose), copied for each
 * test so that every test starts from its own fresh database.
 */
async function templateFor(seed: SeedInput): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(seed)).digest('hex').slice(0, 16);
  let pending = templates.get(key);
  if (!pending) {
    pending = (async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-template-'));
      const file = path.join(dir, 'template.sqlite');
      const db = openDatabase(file);
      const { identity, service } = createApp({ db, keyring: createKeyring(TEST_KEY), logger: createLogger('silent') });
      await applySeed(parseSeed(seed), 'test seed', { identity, service });
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      return file;
    })();
    templates.set(key, pending);
  }
  return pending;
}

export interface TestApp {
  app: ReturnType<typeof createApp>['app'];
  parts: ReturnType<typeof createApp>;
  db: ReturnType<typeof openDatabase>;
  dir: string;
  file: string;
  logs: string[];
  /** Advance the app's clock. */
  clock: { now: number };
  /** Requests as `user` through a browser session (cookie + CSRF token). */
  as(user: TestUser): Client;
  /** Requests with no credentials. */
  anonymous: Client;
  close(): void;
}

export interface Client {
  /** The cookie and CSRF headers this client sends. */
  authHeaders(): Record<string, string>;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  delete(url: string, headers?: Record<string, string>): Promise<Response>;
}

export async function createTestApp({ seed = testSeed, git }: { seed?: SeedInput; git?: GitOptions } = {}): Promise<TestApp> {
  const template = await templateFor(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-'));
  const file = path.join(dir, 'code-config.sqlite');
  fs.copyFileSync(template, file);
  const db = openDatabase(file);
  const logs: string[] = [];
  const clock = { now: Date.now() };
  const parts = createApp({
    db,
    keyring: createKeyring(TEST_KEY),
    logger: createLogger('debug', (l) => logs.push(l)),
    clock: () => clock.now,
    git,
  });
  const { sessions } = parts;
  const app = checkedAgainstRouteTable(parts.app);

  const client = (auth: () => Record<string, string>): Client => {
    const request = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const init: RequestInit = { method, headers: { host: 'localhost', ...auth(), ...headers } };
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

  const sessionsByUser = new Map<TestUser, { cookie: string; csrf: string }>();
  return {
    app,
    parts,
    db,
    dir,
    file,
    logs,
    clock,
    as(user) {
      return client(() => {
        let s = sessionsByUser.get(user);
        if (!s) {
          const started = sessions.start(TEST_USERS[user].UserId);
          s = { cookie: `${SESSION_COOKIE}=${started.sessionId}`, csrf: started.csrfToken };
          sessionsByUser.set(user, s);
        }
        return { cookie: s.cookie, [CSRF_HEADER]: s.csrf };
      });
    },
    anonymous: client(() => ({})),
    close() {
      db.close();
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
