import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { createBody, createTestApp, TEST_KEY, type TestApp } from '@/testing/test-app';
import { TEST_USERS } from '@/testing/test-seed';
import { createApp } from './app';
import { MAX_SIGN_IN_DELAY_MS, signInDelayMs } from './auth';
import { parseTrustProxy } from './client-address';
import { createKeyring } from './crypto';
import { createLogger } from './logger';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const SESSION = '/api/v1/session';
const ATTACKER = '198.51.100.66';
const USER_ADDRESS = '203.0.113.5';
const dev = TEST_USERS.dev;

type App = TestApp['app'];
interface Attempt {
  from?: string;
  user?: string;
  password: string;
  headers?: Record<string, string>;
  app?: App;
}

/** POST /session as a browser at socket address `from` would (through `app`, by default the test app). */
async function signIn({ from = '127.0.0.1', user = dev.UserName, password, headers = {}, app = t.app }: Attempt): Promise<Response> {
  const init = {
    method: 'POST',
    headers: { host: 'localhost', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ UserName: user, Password: password }),
  };
  return app.request(SESSION, init, { incoming: { socket: { remoteAddress: from } } } as never);
}
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const me = async (cookie: string) => {
  const res = await t.anonymous.get('/api/v1/me', { cookie });
  return res.status === 200 ? ((await res.json()) as { UserName: string }).UserName : res.status;
};

/** Another app on the same database file, as another server process would be, optionally behind proxies. */
async function otherApp(trustProxy?: string): Promise<App> {
  const storage = await t.openAnother();
  const trust = trustProxy === undefined ? undefined : (parseTrustProxy(trustProxy) ?? undefined);
  if (trustProxy !== undefined) expect(trust).toBeDefined();
  const { app } = createApp({
    storage,
    keyring: createKeyring(TEST_KEY),
    logger: createLogger('silent'),
    clock: () => t.clock.now,
    trustProxy: trust,
  });
  return app;
}

describe('a new sign-in replaces the live session', () => {
  it('needs no CSRF token (none, or a stale one), and ends the old session on the server', async () => {
    const first = await signIn({ password: dev.Password });
    const oldCookie = cookieOf(first);
    // Another tab or a bookmarked /sign-in: the page has the cookie but not the token.
    const second = await signIn({ user: TEST_USERS.dev2.UserName, password: TEST_USERS.dev2.Password, headers: { cookie: oldCookie } });
    expect(second.status, await second.clone().text()).toBe(200);
    expect(await second.json()).toMatchObject({ SignedIn: true, UserName: 'dev2' });
    const newCookie = cookieOf(second);
    expect(newCookie).not.toBe(oldCookie);
    expect(await me(oldCookie)).toBe(401);
    expect(await me(newCookie)).toBe('dev2');
    expect((await t.sql<{ n: number }>('SELECT count(*) AS n FROM sessions'))[0]?.n).toBe(1);

    const third = await signIn({
      password: dev.Password,
      headers: { cookie: newCookie, 'x-csrf-token': 'f'.repeat(64), origin: 'http://localhost' },
    });
    expect(third.status).toBe(200);
    expect(await me(newCookie)).toBe(401);
    expect(await me(cookieOf(third))).toBe('dev1');
  });

  it('a failed or cross-origin sign-in leaves the current session alone; other writes still need the token', async () => {
    const cookie = cookieOf(await signIn({ password: dev.Password }));
    expect((await signIn({ user: 'dev2', password: 'wrong-password', headers: { cookie } })).status).toBe(401);
    expect(await me(cookie)).toBe('dev1');
    const crossSite = await signIn({
      user: 'dev2',
      password: TEST_USERS.dev2.Password,
      headers: { cookie, origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(
      (await signIn({ user: 'dev2', password: TEST_USERS.dev2.Password, headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status,
    ).toBe(403);
    expect(await me(cookie)).toBe('dev1');
    expect((await t.anonymous.delete(SESSION, { cookie })).status).toBe(403);
    expect((await t.anonymous.post('/api/v1/codesources', createBody(), { cookie })).status).toBe(403);
    expect(await me(cookie)).toBe('dev1');
  });
});

describe('sign-in throttling', () => {
  it('an attacker guessing from one address never locks the user out on another', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn({ from: ATTACKER, password: `guess-${i}` })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await signIn({ from: ATTACKER, password: `guess-x${i}` })).status).toBe(429);
    // The attacker's address waits even with the right password; the user elsewhere signs in at once.
    expect((await signIn({ from: ATTACKER, password: dev.Password })).status).toBe(429);
    expect((await signIn({ from: USER_ADDRESS, password: dev.Password })).status).toBe(200);
    // And other users on the attacker's address are not held up by the pair's failures.
    expect((await signIn({ from: ATTACKER, user: 'dev2', password: TEST_USERS.dev2.Password })).status).toBe(200);
  });

  it('after five failures of a pair the waits grow (2, 4, 8 s) with Retry-After; a success starts the pair afresh', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn({ password: `guess-${i}` })).status).toBe(401);
    for (const wait of [2, 4, 8]) {
      const refused = await signIn({ password: 'guess' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe(String(wait));
      expect(await refused.json()).toMatchObject({ Code: 'Throttling.SignIn' });
      t.clock.now += wait * 1000 - 1;
      expect((await signIn({ password: 'guess' })).status).toBe(429);
      t.clock.now += 1;
      expect((await signIn({ password: wait === 8 ? dev.Password : 'guess' })).status).toBe(wait === 8 ? 200 : 401);
    }
    expect((await signIn({ password: 'guess-again' })).status).toBe(401);
    expect((await signIn({ password: 'guess-again' })).status).toBe(401);
  });

  it('the wait doubles up to a cap of 15 minutes', () => {
    expect([4, 5, 6, 7].map((f) => signInDelayMs(f, 5))).toEqual([0, 2000, 4000, 8000]);
    expect(signInDelayMs(14, 5)).toBe(MAX_SIGN_IN_DELAY_MS);
    expect(signInDelayMs(10_000, 5)).toBe(MAX_SIGN_IN_DELAY_MS);
    expect(MAX_SIGN_IN_DELAY_MS).toBe(15 * 60_000);
  });

  it('a client trying many user names waits; signing in to its own account does not reset that', async () => {
    for (let i = 0; i < 19; i++) expect((await signIn({ from: ATTACKER, user: `user${i}`, password: 'nope-nope' })).status).toBe(401);
    expect((await signIn({ from: ATTACKER, user: 'dev2', password: TEST_USERS.dev2.Password })).status).toBe(200);
    expect((await signIn({ from: ATTACKER, user: 'user19', password: 'nope-nope' })).status).toBe(401);
    const refused = await signIn({ from: ATTACKER, password: dev.Password });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await signIn({ from: USER_ADDRESS, password: dev.Password })).status).toBe(200);
  });

  it('without TRUST_PROXY, X-Forwarded-For cannot make one client look like many', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await signIn({ from: ATTACKER, password: `guess-${i}`, headers: { 'x-forwarded-for': `192.0.2.${i}` } })).status).toBe(401);
    }
    expect((await signIn({ from: ATTACKER, password: dev.Password, headers: { 'x-forwarded-for': '192.0.2.99' } })).status).toBe(429);
  });

  it('counters live in the database: another process sees them; keys are MACs; old rows are purged', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn({ from: ATTACKER, password: `guess-${i}` })).status).toBe(401);
    const second = await otherApp();
    expect((await signIn({ app: second, from: ATTACKER, password: dev.Password })).status).toBe(429);
    const rows = await t.sql<{ throttle_key: string; failures: number }>(
      'SELECT throttle_key, failures FROM sign_in_failures ORDER BY failures',
    );
    expect(rows.map((r) => r.failures)).toEqual([5, 5]);
    for (const r of rows) {
      expect(r.throttle_key).toMatch(/^[0-9a-f]{64}$/);
      expect(r.throttle_key).not.toContain(ATTACKER);
    }
    t.clock.now += 24 * 3600_000 + 1;
    expect((await signIn({ from: USER_ADDRESS, password: 'guess' })).status).toBe(401);
    expect((await t.sql<{ failures: number }>('SELECT failures FROM sign_in_failures')).map((r) => r.failures)).toEqual([1, 1]);
  });
});

describe('behind proxies (TRUST_PROXY)', () => {
  it('a hop count takes the client from X-Forwarded-For; what the client prepends is ignored', async () => {
    const app = await otherApp('1');
    const proxy = '10.0.0.1';
    for (let i = 0; i < 5; i++) {
      const res = await signIn({ app, from: proxy, password: `guess-${i}`, headers: { 'x-forwarded-for': `192.0.2.${i}, ${ATTACKER}` } });
      expect(res.status).toBe(401);
    }
    expect((await signIn({ app, from: proxy, password: 'guess', headers: { 'x-forwarded-for': `192.0.2.77, ${ATTACKER}` } })).status).toBe(
      429,
    );
    // Another client behind the same proxy is someone else.
    expect((await signIn({ app, from: proxy, password: dev.Password, headers: { 'x-forwarded-for': USER_ADDRESS } })).status).toBe(200);
  });

  it('a CIDR list skips trusted proxies from the right; a peer outside it is the client, whatever it forwards', async () => {
    const app = await otherApp('10.0.0.0/8');
    for (let i = 0; i < 5; i++) {
      const res = await signIn({
        app,
        from: '10.0.0.1',
        password: `guess-${i}`,
        headers: { 'x-forwarded-for': `192.0.2.${i}, ${ATTACKER}, 10.0.0.2` },
      });
      expect(res.status).toBe(401);
    }
    // The attacker connecting directly, claiming to be the user's address, is still the attacker.
    expect((await signIn({ app, from: ATTACKER, password: dev.Password, headers: { 'x-forwarded-for': USER_ADDRESS } })).status).toBe(429);
    expect(
      (await signIn({ app, from: '10.0.0.1', password: dev.Password, headers: { 'x-forwarded-for': `${USER_ADDRESS}, 10.0.0.2` } })).status,
    ).toBe(200);
  });

  it('X-Forwarded-Proto https makes the cookie Secure and X-Forwarded-Host is the origin, only from a trusted proxy', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'console.example.com', origin: 'https://console.example.com' };
    const app = await otherApp('10.0.0.0/8');
    const res = await signIn({ app, from: '10.0.0.1', password: dev.Password, headers: forwarded });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    const { CsrfToken } = (await res.json()) as { CsrfToken: string };
    const create = await app.request(
      '/api/v1/codesources',
      {
        method: 'POST',
        headers: { host: 'localhost', 'content-type': 'application/json', cookie: cookieOf(res), 'x-csrf-token': CsrfToken, ...forwarded },
        body: JSON.stringify(createBody()),
      },
      { incoming: { socket: { remoteAddress: '10.0.0.1' } } } as never,
    );
    expect(create.status, await create.clone().text()).toBe(200);
    // The forwarded scheme is the only one: plain http from that origin is another origin.
    expect(
      (await signIn({ app, from: '10.0.0.1', password: dev.Password, headers: { ...forwarded, origin: 'http://console.example.com' } }))
        .status,
    ).toBe(403);

    // Not from a trusted peer, and not without TRUST_PROXY: the forwarded headers do not count.
    expect((await signIn({ app, from: ATTACKER, password: dev.Password, headers: forwarded })).status).toBe(403);
    expect((await signIn({ password: dev.Password, headers: forwarded })).status).toBe(403);
    const plain = await signIn({ password: dev.Password, headers: { 'x-forwarded-proto': 'https' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
    const proxiedHttp = await signIn({ app, from: '10.0.0.1', password: dev.Password });
    expect(proxiedHttp.headers.get('set-cookie')).not.toMatch(/Secure/);
  });
});

/** POST /session to a real server from the loopback address `from` (any 127.x works on Linux). */
function signInOverTcp(server: ServerProcess, from: string, password: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ UserName: dev.UserName, Password: password });
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      `${server.url}${SESSION}`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the real server', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
  });

  it('throttles by the socket address and ignores X-Forwarded-For without TRUST_PROXY', async () => {
    server = await startServer();
    for (let i = 0; i < 5; i++)
      expect((await signInOverTcp(server, '127.0.0.2', `guess-${i}`, { 'x-forwarded-for': `192.0.2.${i}` })).status).toBe(401);
    expect((await signInOverTcp(server, '127.0.0.2', dev.Password, { 'x-forwarded-for': '127.0.0.3' })).status).toBe(429);
    expect((await signInOverTcp(server, '127.0.0.3', dev.Password)).status).toBe(200);
  });

  it('with TRUST_PROXY=1, the client comes from X-Forwarded-For and https from X-Forwarded-Proto', async () => {
    server = await startServer({ env: { TRUST_PROXY: '1' } });
    for (let i = 0; i < 5; i++)
      expect((await signInOverTcp(server, '127.0.0.1', `guess-${i}`, { 'x-forwarded-for': ATTACKER })).status).toBe(401);
    expect((await signInOverTcp(server, '127.0.0.1', dev.Password, { 'x-forwarded-for': ATTACKER })).status).toBe(429);
    const user = await signInOverTcp(server, '127.0.0.1', dev.Password, { 'x-forwarded-for': USER_ADDRESS, 'x-forwarded-proto': 'https' });
    expect(user.status).toBe(200);
    expect(String(user.headers['set-cookie'])).toMatch(/; Secure/);
  });
});
