import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { httpRequest, signInOver } from '@/testing/http-client';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { signRequest } from '@/testing/sign';
import { createTestApp, type TestApp } from '@/testing/test-app';
import { storedPlaces } from '@/testing/test-engine';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';
import { Client, Config, OpenApiRequest, Params, RuntimeOptions } from './alicloud-sdk';

type Json = Record<string, unknown>;
const CODE_SOURCES = '/api/v1/codesources';
const MINUTE = 60_000;

/** Alibaba Cloud's own client with the given pair, calling ListCodeSources on `port`. */
function listWith(port: number, accessKeyId: string, accessKeySecret: string) {
  const client = new Client(new Config({ accessKeyId, accessKeySecret, protocol: 'http', endpoint: `127.0.0.1:${port}` }));
  const params = new Params({
    action: 'ListCodeSources',
    version: '2021-02-04',
    protocol: 'HTTP',
    pathname: CODE_SOURCES,
    method: 'GET',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const runtime = new RuntimeOptions({ autoretry: false, readTimeout: 10_000, connectTimeout: 5_000 });
  return async () =>
    (await client.callApi(params, new OpenApiRequest({ query: { WorkspaceId: WS } }), runtime)) as { statusCode: number; body: Json };
}

/** The error the client throws (its `code` is the body's Code); fails when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<{ code: string; statusCode: number }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; statusCode: number };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('self-service AccessKeys in process (route table checked on every answer)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const create = async (user: TestUser) => {
    const res = await t.as(user).post(apiPaths.accessKeys);
    return { res, body: (await res.json()) as Json };
  };
  const list = async (user: TestUser) => {
    const res = await t.as(user).get(apiPaths.accessKeys);
    expect(res.status).toBe(200);
    return ((await res.json()) as { AccessKeys: Json[] }).AccessKeys;
  };
  /** A signed ListCodeSources at the app's clock. */
  const signedList = (accessKeyId: string, accessKeySecret: string) => {
    const r = signRequest({
      method: 'GET',
      pathname: CODE_SOURCES,
      query: { WorkspaceId: WS },
      action: 'ListCodeSources',
      accessKeyId,
      accessKeySecret,
      host: 'localhost',
      date: new Date(t.clock.now),
    });
    return t.app.request(r.url, { method: r.method, headers: r.headers });
  };

  it('creates a pair in Alibaba Cloud’s shape, shown once (no-store), listed without its secret', async () => {
    const { res, body } = await create('dev');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(body).sort()).toEqual(['AccessKeyId', 'AccessKeySecret', 'RequestId']);
    expect(body.AccessKeyId).toMatch(/^LTAI[0-9A-Za-z]{20}$/);
    expect(body.AccessKeySecret).toMatch(/^[0-9A-Za-z]{30}$/);

    const keys = await list('dev');
    // The seeded key is there too (created by the migration's default: Active).
    expect(keys.map((k) => k.AccessKeyId)).toEqual(expect.arrayContaining([TEST_USERS.dev.AccessKeyId, body.AccessKeyId]));
    const created = keys.find((k) => k.AccessKeyId === body.AccessKeyId);
    expect(created).toEqual({
      AccessKeyId: body.AccessKeyId,
      Status: 'Active',
      GmtCreateTime: new Date(t.clock.now).toISOString(),
      GmtLastUsedTime: null,
    });
    const listText = JSON.stringify(keys);
    expect(listText).not.toContain(body.AccessKeySecret as string);
    expect(listText).not.toContain(TEST_USERS.dev.AccessKeySecret);
    expect(t.logs.join('\n')).not.toContain(body.AccessKeySecret as string);
    // Another user's list does not show it.
    expect((await list('dev2')).map((k) => k.AccessKeyId)).not.toContain(body.AccessKeyId);
  });

  it('at most 2 per user, the seeded key counting: the next is 409 AccessKey.LimitExceeded; deleting one frees a place', async () => {
    expect((await create('dev')).res.status).toBe(200); // the seeded key + this one = 2
    const third = await create('dev');
    expect(third.res.status).toBe(409);
    expect(third.body).toMatchObject({ Code: 'AccessKey.LimitExceeded' });
    expect(third.body.Message).toContain('2');
    expect(await list('dev')).toHaveLength(2);

    expect((await t.as('dev').delete(apiPaths.accessKey(TEST_USERS.dev.AccessKeyId))).status).toBe(200);
    expect((await create('dev')).res.status).toBe(200);
    // Parallel creations cannot both take the last place.
    expect((await t.as('dev2').delete(apiPaths.accessKey(TEST_USERS.dev2.AccessKeyId))).status).toBe(200);
    const statuses = await Promise.all([1, 2, 3, 4].map(async () => (await create('dev2')).res.status));
    expect(statuses.sort()).toEqual([200, 200, 409, 409]);
  });

  it('a signed request cannot list, create, change or delete keys (403 Forbidden.SessionRequired)', async () => {
    const { AccessKeyId, AccessKeySecret } = TEST_USERS.dev;
    const cases = [
      { method: 'POST', pathname: apiPaths.accessKeys, action: 'CreateAccessKey' },
      { method: 'GET', pathname: apiPaths.accessKeys, action: 'ListAccessKeys' },
      { method: 'PUT', pathname: apiPaths.accessKey(AccessKeyId), action: 'UpdateAccessKey', body: { Status: 'Inactive' } },
      { method: 'DELETE', pathname: apiPaths.accessKey(AccessKeyId), action: 'DeleteAccessKey' },
    ];
    for (const c of cases) {
      const r = signRequest({
        ...c,
        accessKeyId: AccessKeyId,
        accessKeySecret: AccessKeySecret,
        host: 'localhost',
        date: new Date(t.clock.now),
      });
      const res = await t.app.request(r.url, { method: r.method, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) });
      expect([c.method, res.status, ((await res.json()) as Json).Code]).toEqual([c.method, 403, 'Forbidden.SessionRequired']);
    }
    expect(await list('dev')).toEqual([expect.objectContaining({ AccessKeyId, Status: 'Active' })]);
    expect((await t.anonymous.get(apiPaths.accessKeys)).status).toBe(401);
  });

  it("another user's key is a 404 like an unknown one, and stays as it was; a write without the CSRF token is refused", async () => {
    const devKey = TEST_USERS.dev.AccessKeyId;
    for (const res of [
      await t.as('dev2').put(apiPaths.accessKey(devKey), { Status: 'Inactive' }),
      await t.as('dev2').delete(apiPaths.accessKey(devKey)),
      await t.as('dev').put(apiPaths.accessKey('LTAInoSuchKey0000000000'), { Status: 'Inactive' }),
    ]) {
      expect(res.status).toBe(404);
      expect(((await res.json()) as Json).Code).toBe('InvalidAccessKeyId.NotFound');
    }
    const headers = await t.as('dev').authHeaders();
    const noCsrf = await t.app.request(apiPaths.accessKey(devKey), {
      method: 'PUT',
      headers: { host: 'localhost', cookie: headers.cookie ?? '', 'content-type': 'application/json' },
      body: JSON.stringify({ Status: 'Inactive' }),
    });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as Json).Code).toBe('Forbidden.CsrfTokenInvalid');
    expect((await t.as('dev').post(apiPaths.accessKeys, undefined, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect(await list('dev')).toEqual([expect.objectContaining({ AccessKeyId: devKey, Status: 'Active' })]);
    expect((await signedList(devKey, TEST_USERS.dev.AccessKeySecret)).status).toBe(200);
  });

  it('disabled: InvalidAccessKeyId.Inactive on every use, through a second storage too; enabled again it works', async () => {
    const { body } = await create('dev');
    const id = body.AccessKeyId as string;
    const secret = body.AccessKeySecret as string;
    expect((await signedList(id, secret)).status).toBe(200); // the secret is now in this process's cache
    expect((await t.as('dev').put(apiPaths.accessKey(id), { Status: 'Inactive' })).status).toBe(200);
    const refused = await signedList(id, secret);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Json).Code).toBe('InvalidAccessKeyId.Inactive');
    // A bad signature with an inactive key still says the signature is wrong (the status is told only to the holder).
    const forged = await signedList(id, 'x'.repeat(30));
    expect(((await forged.json()) as Json).Code).toBe('SignatureDoesNotMatch');

    // Another process's storage (its own secret cache) enables it; this one sees it at once.
    const other = await t.openAnother();
    expect(await other.identity.setAccessKeyStatus(TEST_USERS.dev.UserId, id, 'Active')).toBe(true);
    expect((await signedList(id, secret)).status).toBe(200);
    expect(await other.identity.deleteAccessKey(TEST_USERS.dev.UserId, id)).toBe(true);
    const gone = await signedList(id, secret);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as Json).Code).toBe('InvalidAccessKeyId.NotFound');
  });

  it('the last use is written at most once a minute per key', async () => {
    const { body } = await create('dev');
    const id = body.AccessKeyId as string;
    const secret = body.AccessKeySecret as string;
    const lastUsed = async () => (await list('dev')).find((k) => k.AccessKeyId === id)?.GmtLastUsedTime;
    const stored = async () =>
      (await t.sql<{ last_used_at: number | null }>('SELECT last_used_at FROM access_keys WHERE access_key_id = ?', id))[0];

    const first = t.clock.now;
    expect((await signedList(id, secret)).status).toBe(200);
    expect(await lastUsed()).toBe(new Date(first).toISOString());
    t.clock.now += 30_000;
    expect((await signedList(id, secret)).status).toBe(200);
    expect(await stored()).toEqual({ last_used_at: first });
    t.clock.now += MINUTE;
    expect((await signedList(id, secret)).status).toBe(200);
    expect(await stored()).toEqual({ last_used_at: t.clock.now });
  });
});

describe('self-service AccessKeys with Alibaba Cloud’s client against two real server processes', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let dev: Record<string, string>;

  beforeAll(async () => {
    a = await startServer();
    b = await a.sibling();
    dev = await signInOver(a.url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.cleanup();
  });

  it('a new key lists code sources at once on both; disabled through one, the other refuses it at once; deleted, NotFound', async () => {
    const created = await httpRequest(`${a.url}${apiPaths.accessKeys}`, { method: 'POST', headers: dev });
    expect(created.status).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const { AccessKeyId: id, AccessKeySecret: secret } = created.json() as { AccessKeyId: string; AccessKeySecret: string };

    const onA = listWith(a.port, id, secret);
    const onB = listWith(b.port, id, secret);
    expect((await onA()).statusCode).toBe(200);
    expect((await onB()).body).toMatchObject({ TotalCount: expect.any(Number) as number });

    const disable = await httpRequest(`${a.url}${apiPaths.accessKey(id)}`, { method: 'PUT', headers: dev, body: { Status: 'Inactive' } });
    expect(disable.status).toBe(200);
    expect(await failure(onB())).toMatchObject({ code: 'InvalidAccessKeyId.Inactive', statusCode: 400 });
    expect(await failure(onA())).toMatchObject({ code: 'InvalidAccessKeyId.Inactive', statusCode: 400 });

    expect(
      (await httpRequest(`${b.url}${apiPaths.accessKey(id)}`, { method: 'PUT', headers: dev, body: { Status: 'Active' } })).status,
    ).toBe(200);
    expect((await onA()).statusCode).toBe(200);

    const listed = await httpRequest(`${b.url}${apiPaths.accessKeys}`, { headers: dev });
    expect(listed.body).not.toContain(secret);
    expect((listed.json().AccessKeys as Json[]).find((k) => k.AccessKeyId === id)).toMatchObject({
      Status: 'Active',
      GmtLastUsedTime: expect.stringMatching(/^\d{4}-/) as string,
    });

    expect((await httpRequest(`${a.url}${apiPaths.accessKey(id)}`, { method: 'DELETE', headers: dev })).status).toBe(200);
    expect(await failure(onB())).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });

    // The secret was in the creating answer only: not in either process's output, not in the stored data (files, WAL).
    const output = [...a.logs, ...a.stderr, ...b.logs, ...b.stderr].join('\n');
    expect(output).toContain(id);
    expect(output).not.toContain(secret);
    const { places, containing } = await storedPlaces(a, secret);
    expect(places).toEqual(
      expect.arrayContaining(a.databaseUrl === undefined ? ['code-config.sqlite', 'code-config.sqlite-wal'] : ['access_keys']),
    );
    expect(containing).toEqual([]);
  });

  it('a key created and kept: its secret is only sealed in the stored data, and a signed call cannot create another', async () => {
    const created = await httpRequest(`${b.url}${apiPaths.accessKeys}`, { method: 'POST', headers: dev });
    const { AccessKeyId: id, AccessKeySecret: secret } = created.json() as { AccessKeyId: string; AccessKeySecret: string };
    expect((await listWith(a.port, id, secret)()).statusCode).toBe(200);
    expect((await storedPlaces(a, id)).containing.length).toBeGreaterThan(0); // the search finds what is stored plainly
    expect((await storedPlaces(a, secret)).containing).toEqual([]);

    // The new key itself, through the real client, cannot mint another.
    const client = new Client(new Config({ accessKeyId: id, accessKeySecret: secret, protocol: 'http', endpoint: `127.0.0.1:${a.port}` }));
    const params = new Params({
      action: 'CreateAccessKey',
      version: '2021-02-04',
      protocol: 'HTTP',
      pathname: apiPaths.accessKeys,
      method: 'POST',
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });
    const refused = await failure(client.callApi(params, new OpenApiRequest({}), new RuntimeOptions({ autoretry: false })));
    expect(refused).toMatchObject({ code: 'Forbidden.SessionRequired', statusCode: 403 });
  });
});
