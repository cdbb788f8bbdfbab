import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acsDate, signRequest, type SignInput, type SignedRequest } from '@/testing/sign';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';
import { Client, Config, OpenApiRequest, Params, RuntimeOptions } from './alicloud-sdk';

const CODE_SOURCES = '/api/v1/codesources';
const MINUTE = 60_000;
type Json = Record<string, unknown>;

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

type Req = Omit<SignInput, 'accessKeyId' | 'accessKeySecret'> & { accessKeyId?: string; accessKeySecret?: string };

/** Signs as `user` exactly as Alibaba Cloud's client would, at the app's clock unless a date is given. */
function signAs(user: TestUser, req: Req): SignedRequest {
  return signRequest({
    accessKeyId: TEST_USERS[user].AccessKeyId,
    accessKeySecret: TEST_USERS[user].AccessKeySecret,
    date: new Date(t.clock.now),
    ...req,
  });
}

const createReq = (body: Json = createBody()): Req => ({ method: 'POST', pathname: CODE_SOURCES, action: 'CreateCodeSource', body });
const listReq = (query: Record<string, string> = { WorkspaceId: WS }): Req => ({
  method: 'GET',
  pathname: CODE_SOURCES,
  action: 'ListCodeSources',
  query,
});

/** Sends a (possibly tampered) signed request to the in-process app. */
function send(
  r: SignedRequest,
  change: { url?: string; method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = change.body ?? r.body;
  return Promise.resolve(
    t.app.request(change.url ?? r.url, {
      method: change.method ?? r.method,
      headers: { ...r.headers, ...change.headers },
      ...(body === undefined ? {} : { body }),
    }),
  );
}

/** How many code sources of the workspace exist (the admin sees them all). */
async function count(): Promise<number> {
  const res = await t.as('admin').get(`${CODE_SOURCES}?WorkspaceId=${WS}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { TotalCount: number }).TotalCount;
}

/** An error in PAI's shape, with its RequestId also in the header. */
async function expectError(res: Response, status: number, code: string): Promise<Json> {
  const body = (await res.json()) as Json;
  expect({ status: res.status, code: body.Code }).toEqual({ status, code });
  expect(body).toMatchObject({ RequestId: expect.any(String), HostId: expect.any(String), Message: expect.any(String) });
  expect(res.headers.get('x-acs-request-id')).toBe(body.RequestId);
  return body;
}

async function createdId(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
}

describe('the hand signer mirrors @alicloud/openapi-client', () => {
  /** Calls the real client against a local listener that records what arrives and answers `{RequestId}`. */
  async function captureRealClient(
    call: (client: InstanceType<typeof Client>, runtime: InstanceType<typeof RuntimeOptions>) => Promise<unknown>,
  ) {
    const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const listener = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"RequestId":"captured"}');
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const { AccessKeyId, AccessKeySecret } = TEST_USERS.dev;
      const client = new Client(
        new Config({ accessKeyId: AccessKeyId, accessKeySecret: AccessKeySecret, protocol: 'http', endpoint: `127.0.0.1:${port}` }),
      );
      await call(client, new RuntimeOptions({ autoretry: false, readTimeout: 5_000, connectTimeout: 5_000 }));
    } finally {
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
    expect(seen).toHaveLength(1);
    return seen[0] as (typeof seen)[number];
  }

  const params = (action: string, method: string, pathname: string) =>
    new Params({
      action,
      version: '2021-02-04',
      protocol: 'HTTP',
      pathname,
      method,
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });

  it.each([
    {
      name: 'POST with a JSON body',
      action: 'CreateCodeSource',
      method: 'POST',
      query: undefined,
      body: { WorkspaceId: WS, DisplayName: "Ünïcode (copy)* it's!", CodeRepo: 'https://github.com/a/b.git' },
    },
    {
      name: 'GET with a query that needs escaping',
      action: 'ListCodeSources',
      method: 'GET',
      query: { WorkspaceId: WS, DisplayName: "it's (a) *b*! ~c ü+%", SortBy: 'DisplayName', Order: 'desc' },
      body: undefined,
    },
  ])(
    'produces the same Authorization as the real client ($name), and the server accepts the real request',
    async ({ action, method, query, body }) => {
      const captured = await captureRealClient((client, runtime) =>
        client.callApi(
          params(action, method, CODE_SOURCES),
          new OpenApiRequest({ ...(query ? { query } : {}), ...(body ? { body } : {}) }),
          runtime,
        ),
      );
      const headers = captured.headers as Record<string, string>;
      expect(headers.authorization).toMatch(
        /^ACS3-HMAC-SHA256 Credential=LTAItestDev00001,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$/,
      );

      // Same inputs (date, nonce, host, the client's extra x-acs header) → the same Authorization from the hand signer.
      const extra = Object.fromEntries(
        Object.entries(headers).filter(
          ([k]) =>
            k.startsWith('x-acs-') &&
            !['x-acs-version', 'x-acs-action', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'].includes(k),
        ),
      );
      const mine = signRequest({
        method,
        pathname: CODE_SOURCES,
        action,
        accessKeyId: TEST_USERS.dev.AccessKeyId,
        accessKeySecret: TEST_USERS.dev.AccessKeySecret,
        host: headers.host,
        date: new Date(headers['x-acs-date'] ?? ''),
        nonce: headers['x-acs-signature-nonce'],
        headers: extra,
        ...(query ? { query } : {}),
        ...(body ? { body } : {}),
      });
      expect(mine.headers.authorization).toBe(headers.authorization);
      expect(mine.headers['x-acs-content-sha256']).toBe(headers['x-acs-content-sha256']);
      expect(mine.body ?? '').toBe(captured.body);
      expect(headers['x-acs-date']).toBe(acsDate(new Date(headers['x-acs-date'] ?? '')));

      // The server verifies the client's request byte for byte as it arrived (wire query string included).
      const { authorization, ...rest } = headers;
      const res = await t.app.request(captured.url, {
        method,
        headers: { ...rest, authorization: authorization ?? '' },
        ...(captured.body ? { body: captured.body } : {}),
      });
      expect(res.status).toBe(200);
    },
  );
});

describe('ACS3-HMAC-SHA256 verification', () => {
  it('accepts correctly signed requests for every operation, without a cookie or a CSRF token', async () => {
    const name = "Ünïcode it's (v2) *b*! ~c";
    const id = await createdId(await send(signAs('dev', createReq(createBody({ DisplayName: name })))));

    const listed = await send(
      signAs(
        'dev',
        listReq({ WorkspaceId: WS, DisplayName: "IT'S (V2) *B*", SortBy: 'DisplayName', Order: 'desc', PageNumber: '1', PageSize: '10' }),
      ),
    );
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ TotalCount: 1, CodeSources: [{ CodeSourceId: id, DisplayName: name }] });

    const path = `${CODE_SOURCES}/${id}`;
    expect((await send(signAs('dev', { method: 'GET', pathname: path, action: 'GetCodeSource' }))).status).toBe(200);
    expect(
      (await send(signAs('dev', { method: 'PUT', pathname: path, action: 'UpdateCodeSource', body: { Description: 'signed' } }))).status,
    ).toBe(200);
    expect((await send(signAs('dev', { method: 'PUT', pathname: `${path}/publish`, action: 'PublishCodeSource' }))).status).toBe(200);
    const got = (await (await t.as('admin').get(path)).json()) as Json;
    expect(got).toMatchObject({ Description: 'signed', Accessibility: 'PUBLIC', UserId: TEST_USERS.dev.UserId });
    expect((await send(signAs('dev', { method: 'DELETE', pathname: path, action: 'DeleteCodeSource' }))).status).toBe(200);
    expect(await count()).toBe(0);
  });

  it('a wrong secret is 400 SignatureDoesNotMatch and creates nothing', async () => {
    const res = await send(signAs('dev', { ...createReq(), accessKeySecret: `${TEST_USERS.dev.AccessKeySecret}-wrong` }));
    await expectError(res, 400, 'SignatureDoesNotMatch');
    // Another user's secret with this user's key is just as wrong.
    await expectError(
      await send(signAs('dev', { ...createReq(), accessKeySecret: TEST_USERS.admin.AccessKeySecret })),
      400,
      'SignatureDoesNotMatch',
    );
    expect(await count()).toBe(0);
  });

  it('a body changed after signing is 400 SignatureDoesNotMatch, whether or not x-acs-content-sha256 is updated', async () => {
    const signed = signAs('dev', createReq(createBody({ DisplayName: 'signed-name' })));
    const tampered = JSON.stringify({ ...(JSON.parse(signed.body ?? '{}') as Json), DisplayName: 'tampered-name' });
    await expectError(await send(signed, { body: tampered }), 400, 'SignatureDoesNotMatch');

    const again = signAs('dev', createReq(createBody({ DisplayName: 'signed-name' })));
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(tampered).digest('hex');
    await expectError(await send(again, { body: tampered, headers: { 'x-acs-content-sha256': hash } }), 400, 'SignatureDoesNotMatch');
    expect(await count()).toBe(0);
  });

  it('a query, path or method changed after signing is 400 SignatureDoesNotMatch and changes nothing', async () => {
    const signedList = signAs('dev', listReq({ WorkspaceId: WS, DisplayName: 'mine' }));
    await expectError(await send(signedList, { url: `${CODE_SOURCES}?WorkspaceId=${WS}&DisplayName=other` }), 400, 'SignatureDoesNotMatch');
    await expectError(
      await send(signAs('dev', listReq({ WorkspaceId: WS })), { url: `${CODE_SOURCES}?WorkspaceId=${WS}&PageSize=1` }),
      400,
      'SignatureDoesNotMatch',
    );

    const a = await createdId(await t.as('admin').post(CODE_SOURCES, createBody()));
    const b = await createdId(await t.as('admin').post(CODE_SOURCES, createBody()));
    // Signed to delete `a`, sent to delete `b`.
    const deleteA = signAs('admin', { method: 'DELETE', pathname: `${CODE_SOURCES}/${a}`, action: 'DeleteCodeSource' });
    await expectError(await send(deleteA, { url: `${CODE_SOURCES}/${b}` }), 400, 'SignatureDoesNotMatch');
    // Signed to read `a`, sent as a delete.
    const getA = signAs('admin', { method: 'GET', pathname: `${CODE_SOURCES}/${a}`, action: 'GetCodeSource' });
    await expectError(await send(getA, { method: 'DELETE' }), 400, 'SignatureDoesNotMatch');
    // A signed header changed (the action).
    await expectError(
      await send(signAs('admin', { method: 'DELETE', pathname: `${CODE_SOURCES}/${a}`, action: 'DeleteCodeSource' }), {
        headers: { 'x-acs-action': 'GetCodeSource' },
      }),
      400,
      'SignatureDoesNotMatch',
    );
    expect(await count()).toBe(2);
  });

  it('an x-acs-date more than 15 minutes off is 400 InvalidTimeStamp.Expired; 10 minutes off is accepted', async () => {
    await expectError(
      await send(signAs('dev', { ...createReq(), date: new Date(t.clock.now - 20 * MINUTE) })),
      400,
      'InvalidTimeStamp.Expired',
    );
    await expectError(
      await send(signAs('dev', { ...createReq(), date: new Date(t.clock.now + 20 * MINUTE) })),
      400,
      'InvalidTimeStamp.Expired',
    );
    expect(await count()).toBe(0);
    // A request signed now and delivered 16 minutes later is stale too.
    const late = signAs('dev', createReq());
    t.clock.now += 16 * MINUTE;
    await expectError(await send(late), 400, 'InvalidTimeStamp.Expired');
    expect(await count()).toBe(0);
    expect((await send(signAs('dev', { ...createReq(), date: new Date(t.clock.now - 10 * MINUTE) }))).status).toBe(200);
    expect(await count()).toBe(1);
  });

  it('a replayed request is 400 SignatureNonceUsed and is not applied twice', async () => {
    const signed = signAs('dev', createReq());
    expect((await send(signed)).status).toBe(200);
    await expectError(await send(signed), 400, 'SignatureNonceUsed');
    // The same nonce in a new, correctly signed request is refused as well.
    const nonce = signed.headers['x-acs-signature-nonce'];
    await expectError(await send(signAs('dev', { ...createReq(), nonce })), 400, 'SignatureNonceUsed');
    expect(await count()).toBe(1);
    // Reads are protected the same way.
    const list = signAs('dev', listReq());
    expect((await send(list)).status).toBe(200);
    await expectError(await send(list), 400, 'SignatureNonceUsed');
  });

  it('a nonce is remembered for as long as its x-acs-date is acceptable', async () => {
    // A client whose clock runs 14 minutes ahead: accepted now, and its x-acs-date stays acceptable for 29 more
    // minutes — a nonce forgotten after 15 minutes would let the same request through twice.
    t.clock.now = Math.floor(t.clock.now / 1000) * 1000;
    const ahead = signAs('dev', { ...createReq(), date: new Date(t.clock.now + 14 * MINUTE) });
    expect((await send(ahead)).status).toBe(200);
    t.clock.now += 28 * MINUTE;
    await expectError(await send(ahead), 400, 'SignatureNonceUsed');
    t.clock.now += 2 * MINUTE;
    await expectError(await send(ahead), 400, 'InvalidTimeStamp.Expired');
    expect(await count()).toBe(1);
  });

  it('expired nonces are purged from the nonce file (at most once a second), and a replay inside the window is not', async () => {
    const first = signAs('dev', listReq());
    expect((await send(first)).status).toBe(200);
    expect(await t.parts.identity.nonceCount()).toBe(1);
    t.clock.now += 31 * MINUTE;
    expect((await send(signAs('dev', listReq()))).status).toBe(200);
    // The first nonce left the window and was purged; the new one is kept.
    expect(await t.parts.identity.nonceCount()).toBe(1);
  });

  it('a badly signed request does not use up the nonce of the genuine one', async () => {
    const nonce = 'f00dfeedf00dfeedf00dfeedf00dfeed';
    await expectError(
      await send(signAs('dev', { ...createReq(), nonce, accessKeySecret: 'forged-secret-000000000000' })),
      400,
      'SignatureDoesNotMatch',
    );
    expect((await send(signAs('dev', { ...createReq(), nonce }))).status).toBe(200);
    expect(await count()).toBe(1);
  });

  it('a replaced or deleted AccessKey counts at the next request (the opened secret is only reused for the same sealed bytes)', async () => {
    expect((await send(signAs('dev', listReq()))).status).toBe(200);
    const { AccessKeyId, AccessKeySecret } = TEST_USERS.dev;
    const newSecret = `${AccessKeySecret}-rotated`;
    const userId =
      (await t.sql<{ user_id: string }>('SELECT user_id FROM access_keys WHERE access_key_id = ?', AccessKeyId))[0]?.user_id ?? '';
    await t.sql('DELETE FROM access_keys WHERE access_key_id = ?', AccessKeyId);
    await expectError(await send(signAs('dev', listReq())), 404, 'InvalidAccessKeyId.NotFound');
    await t.parts.identity.insertAccessKey(AccessKeyId, userId, newSecret);
    await expectError(await send(signAs('dev', listReq())), 400, 'SignatureDoesNotMatch');
    expect((await send(signAs('dev', { ...listReq(), accessKeySecret: newSecret }))).status).toBe(200);
  });

  it('an unknown AccessKeyId is 404 InvalidAccessKeyId.NotFound', async () => {
    await expectError(await send(signAs('dev', { ...createReq(), accessKeyId: 'LTAInoSuchKey0001' })), 404, 'InvalidAccessKeyId.NotFound');
    await expectError(await send(signAs('dev', { ...listReq(), accessKeyId: 'LTAInoSuchKey0001' })), 404, 'InvalidAccessKeyId.NotFound');
    expect(await count()).toBe(0);
  });

  it.each(['x-acs-signature-nonce', 'host', 'x-acs-date', 'x-acs-content-sha256', 'x-acs-action', 'x-acs-version', 'content-type'])(
    'a signature that does not cover %s is 400 IncompleteSignature, even when otherwise valid',
    async (header) => {
      const signed = signAs('dev', { ...createReq(), unsigned: [header] });
      expect(signed.headers.authorization).not.toMatch(new RegExp(`SignedHeaders=([^,]*;)?${header}[;,]`));
      await expectError(await send(signed), 400, 'IncompleteSignature');
      expect(await count()).toBe(0);
    },
  );

  it('an Authorization header without Credential, SignedHeaders or Signature is 400 IncompleteSignature', async () => {
    const signed = signAs('dev', createReq());
    const withoutSignature = (signed.headers.authorization ?? '').replace(/,Signature=[0-9a-f]+$/, '');
    await expectError(await send(signed, { headers: { authorization: withoutSignature } }), 400, 'IncompleteSignature');
    expect(await count()).toBe(0);
  });

  it('a request with no credentials is 401 and changes nothing', async () => {
    await expectError(await t.anonymous.post(CODE_SOURCES, createBody()), 401, 'Unauthenticated');
    await expectError(await t.anonymous.get(`${CODE_SOURCES}?WorkspaceId=${WS}`), 401, 'Unauthenticated');
    const id = await createdId(await t.as('admin').post(CODE_SOURCES, createBody()));
    await expectError(await t.anonymous.delete(`${CODE_SOURCES}/${id}`), 401, 'Unauthenticated');
    await expectError(await t.anonymous.put(`${CODE_SOURCES}/${id}/publish`), 401, 'Unauthenticated');
    expect(await count()).toBe(1);
    expect(((await (await t.as('admin').get(`${CODE_SOURCES}/${id}`)).json()) as Json).Accessibility).toBe('PRIVATE');
  });
});
