import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { TEST_USERS, WS } from '@/testing/test-seed';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const SESSION = '/api/v1/session';

async function signIn(userName: string, password: string, headers: Record<string, string> = {}) {
  return t.anonymous.post(SESSION, { UserName: userName, Password: password }, headers);
}
function cookieFrom(res: Response): string {
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] ?? '';
}

describe('browser sessions', () => {
  it('signs in with user name and password: HttpOnly SameSite=Strict cookie, CSRF token, no password echo', async () => {
    const res = await signIn('dev1', TEST_USERS.dev.Password);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^cc_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ SignedIn: true, UserId: '300002', UserName: 'dev1', CsrfToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(body)).not.toContain(TEST_USERS.dev.Password);
    const me = await t.anonymous.get('/api/v1/me', { cookie: cookieFrom(res) });
    expect(await me.json()).toMatchObject({ UserId: '300002', UserName: 'dev1' });
  });

  it('rejects a wrong password and an unknown user alike with 401', async () => {
    const a = await signIn('dev1', 'wrong-password');
    const b = await signIn('nobody', 'wrong-password');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    const ab = (await a.json()) as Record<string, unknown>;
    const bb = (await b.json()) as Record<string, unknown>;
    expect(ab.Code).toBe('Unauthenticated.InvalidCredentials');
    expect(bb.Message).toBe(ab.Message);
    expect(a.headers.get('set-cookie')).toBeNull();
  });

  it('validates the sign-in body', async () => {
    const res = await t.anonymous.post(SESSION, { UserName: '', Password: 'x' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ Field: 'UserName' });
  });

  it('GET /session answers SignedIn false without a session, and with the CSRF token with one', async () => {
    expect(await (await t.anonymous.get(SESSION)).json()).toMatchObject({ SignedIn: false });
    const signedIn = await signIn('dev1', TEST_USERS.dev.Password);
    const { CsrfToken } = (await signedIn.json()) as { CsrfToken: string };
    const again = await t.anonymous.get(SESSION, { cookie: cookieFrom(signedIn) });
    expect(await again.json()).toMatchObject({ SignedIn: true, UserName: 'dev1', CsrfToken });
  });

  it('state-changing requests need the CSRF token and the same origin', async () => {
    const signedIn = await signIn('dev1', TEST_USERS.dev.Password);
    const cookie = cookieFrom(signedIn);
    const { CsrfToken } = (await signedIn.json()) as { CsrfToken: string };
    const post = (headers: Record<string, string>) => t.anonymous.post('/api/v1/codesources', createBody(), { cookie, ...headers });
    const noToken = await post({});
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ Code: 'Forbidden.CsrfTokenInvalid' });
    expect((await post({ 'x-csrf-token': 'f'.repeat(64) })).status).toBe(403);
    expect((await post({ 'x-csrf-token': CsrfToken, origin: 'http://localhost:9999' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': CsrfToken, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await t.sql<{ n: number }>('SELECT count(*) AS n FROM code_sources'))[0]?.n).toBe(0);
    const ok = await post({ 'x-csrf-token': CsrfToken, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(200);
  });

  it('a cross-origin sign-in is refused (login CSRF)', async () => {
    const res = await signIn('dev1', TEST_USERS.dev.Password, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('sign-out ends the session on the server: the old cookie no longer works', async () => {
    const signedIn = await signIn('dev1', TEST_USERS.dev.Password);
    const cookie = cookieFrom(signedIn);
    const { CsrfToken } = (await signedIn.json()) as { CsrfToken: string };
    const out = await t.anonymous.delete(SESSION, { cookie, 'x-csrf-token': CsrfToken });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/cc_session=;.*Max-Age=0/);
    const after = await t.anonymous.get('/api/v1/me', { cookie });
    expect(after.status).toBe(401);
    expect((await t.sql<{ n: number }>('SELECT count(*) AS n FROM sessions'))[0]?.n).toBe(0);
  });

  it('a session idle longer than SESSION_IDLE_MINUTES expires', async () => {
    const signedIn = await signIn('dev1', TEST_USERS.dev.Password);
    const cookie = cookieFrom(signedIn);
    t.clock.now += 59 * 60_000;
    expect((await t.anonymous.get('/api/v1/me', { cookie })).status).toBe(200);
    // Use slides the window: another 59 minutes is still fine, then 61 idle minutes are not.
    t.clock.now += 59 * 60_000;
    expect((await t.anonymous.get('/api/v1/me', { cookie })).status).toBe(200);
    t.clock.now += 61 * 60_000;
    expect((await t.anonymous.get('/api/v1/me', { cookie })).status).toBe(401);
  });

  it('a new sign-in removes sessions idle past the window', async () => {
    await signIn('dev1', TEST_USERS.dev.Password);
    t.clock.now += 61 * 60_000;
    await signIn('dev2', TEST_USERS.dev2.Password);
    const rows = await t.sql<{ user_id: string }>('SELECT user_id FROM sessions');
    expect(rows.map((r) => r.user_id)).toEqual([TEST_USERS.dev2.UserId]);
  });

  it('stores only a MAC of the session id, never the id itself', async () => {
    const signedIn = await signIn('dev1', TEST_USERS.dev.Password);
    const id = cookieFrom(signedIn).split('=')[1] ?? '';
    const rows = await t.sql<{ session_mac: string }>('SELECT session_mac FROM sessions');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.session_mac).not.toContain(id);
  });

  it('throttles failed sign-ins per user with 429 and Retry-After, then lets the user in after the window', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('dev1', `wrong-${i}`)).status).toBe(401);
    const blocked = await signIn('dev1', TEST_USERS.dev.Password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ Code: 'Throttling.SignIn' });
    // Another user from the same client is not blocked by dev1's failures.
    expect((await signIn('dev2', TEST_USERS.dev2.Password)).status).toBe(200);
    t.clock.now += 16 * 60_000;
    expect((await signIn('dev1', TEST_USERS.dev.Password)).status).toBe(200);
  });

  it('throttles one client trying many user names', async () => {
    for (let i = 0; i < 20; i++) expect((await signIn(`user${i}`, 'nope-nope')).status).toBe(401);
    expect((await signIn('dev1', TEST_USERS.dev.Password)).status).toBe(429);
  });

  it("lists the caller's workspaces with roles", async () => {
    const res = await t.as('dev').get('/api/v1/workspaces');
    expect(await res.json()).toMatchObject({
      Workspaces: [{ WorkspaceId: WS, WorkspaceName: 'test-main', Roles: ['PAI.AlgoDeveloper'], IsAdmin: false, CanCreate: true }],
      TotalCount: 1,
    });
    const guest = (await (await t.as('guest').get('/api/v1/workspaces')).json()) as { Workspaces: { CanCreate: boolean }[] };
    expect(guest.Workspaces[0]?.CanCreate).toBe(false);
  });

  it('API routes answer 401 without a session or signature', async () => {
    for (const path of ['/api/v1/me', '/api/v1/workspaces', `/api/v1/codesources?WorkspaceId=${WS}`, '/api/v1/codesources/code-x']) {
      const res = await t.anonymous.get(path);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toMatchObject({ Code: 'Unauthenticated' });
    }
  });
});
