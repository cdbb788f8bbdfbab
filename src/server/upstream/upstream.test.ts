import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, signInOver, type HttpResult } from '@/testing/http-client';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { openStoredDatabase, storedPlaces, type StoredDatabase } from '@/testing/test-engine';
import { TEST_USERS, WS, testSeed } from '@/testing/test-seed';

/**
 * Upstream mode, honestly: instance B of this server plays PAI (it speaks PAI's CodeSource API and verifies
 * ACS3-HMAC-SHA256 signatures), instance A runs with PAI_ENDPOINT pointing at B. Everything a user does through A
 * reaches B signed with that user's own AccessKey, so B's rules decide.
 */
const count = async (db: StoredDatabase, table: string) => (await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n;

let pai: ServerProcess; // B
let console_: ServerProcess; // A

const privateOfDev2 = 'private-of-dev2';
const publicOfDev2 = 'public-of-dev2';

beforeAll(async () => {
  pai = await startServer({
    seed: {
      ...testSeed,
      codeSources: [
        {
          WorkspaceId: WS,
          UserId: TEST_USERS.dev2.UserId,
          DisplayName: privateOfDev2,
          CodeRepo: 'https://git.example.com/team/private.git',
          CodeBranch: 'main',
          MountPath: '/root/code/private',
          Accessibility: 'PRIVATE',
          CodeRepoUserName: 'dev2',
          CodeRepoAccessToken: 'ghp_upstreamTokenOfDev2xx',
        },
        {
          WorkspaceId: WS,
          UserId: TEST_USERS.dev2.UserId,
          DisplayName: publicOfDev2,
          CodeRepo: 'https://git.example.com/team/public.git',
          CodeBranch: 'main',
          MountPath: '/root/code/public',
          Accessibility: 'PUBLIC',
        },
      ],
    },
  });
  console_ = await startServer({ env: { PAI_ENDPOINT: `127.0.0.1:${pai.port}`, PAI_PROTOCOL: 'http', PAI_TIMEOUT_MS: '5000' } });
}, 120_000);

afterAll(async () => {
  await console_?.cleanup();
  await pai?.cleanup();
});

/** Signs in to A with a user's AccessKey of B; the cookie and CSRF header. */
async function signInWithKey(server: ServerProcess, accessKeyId: string, accessKeySecret: string) {
  const res = await httpRequest(`${server.url}/api/v1/session`, {
    method: 'POST',
    body: { AccessKeyId: accessKeyId, AccessKeySecret: accessKeySecret },
  });
  return {
    res,
    headers: { cookie: String(res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '', 'x-csrf-token': String(res.json().CsrfToken) },
  };
}

const names = (res: HttpResult) => (res.json().CodeSources as { DisplayName: string }[]).map((c) => c.DisplayName).sort();
const list = (server: ServerProcess, headers: Record<string, string>) =>
  httpRequest(`${server.url}/api/v1/codesources?WorkspaceId=${WS}&PageSize=100`, { headers });

describe('upstream mode: this console in front of PAI (played by a second instance)', () => {
  it('says so before sign-in, and takes an AccessKey, not a password', async () => {
    const session = (await httpRequest(`${console_.url}/api/v1/session`)).json();
    expect(session).toMatchObject({ SignedIn: false, Mode: 'Upstream', UpstreamEndpoint: `127.0.0.1:${pai.port}` });
    const password = await httpRequest(`${console_.url}/api/v1/session`, {
      method: 'POST',
      body: { UserName: TEST_USERS.dev.UserName, Password: TEST_USERS.dev.Password },
    });
    expect(password.status).toBe(400);
    expect(password.json()).toMatchObject({ Code: 'MissingParameter', Field: 'AccessKeyId' });
    expect(console_.logs.some((l) => l.includes('upstream mode') && l.includes('seed'))).toBe(true);
    // This service's own AccessKeys have no place in front of PAI (its keys are PAI's, in RAM).
    const keys = await httpRequest(`${console_.url}/api/v1/me/accesskeys`);
    expect(keys.status).toBe(400);
    expect(keys.json()).toMatchObject({ Code: 'OperationNotSupported.Upstream' });
  });

  it("refuses a wrong AccessKey at sign-in with PAI's own error, and an unknown one too", async () => {
    const wrongSecret = await signInWithKey(console_, TEST_USERS.dev.AccessKeyId, 'not-the-secret-of-dev1-xxxxxxxx');
    expect(wrongSecret.res.status).toBe(400);
    expect(wrongSecret.res.json()).toMatchObject({ Code: 'SignatureDoesNotMatch' });
    expect(wrongSecret.res.headers['set-cookie']).toBeUndefined();
    // A secret typed into the ID field: refused by PAI, and not written whole to A's log.
    const swapped = 'SecretTypedInTheIdField0123456789';
    expect((await signInWithKey(console_, swapped, TEST_USERS.dev.AccessKeyId)).res.status).toBe(404);
    expect(console_.logs.join('\n')).not.toContain(swapped);
    const malformed = await signInWithKey(console_, 'LTAI bad\nid', 'whatever-secret');
    expect(malformed.res.status).toBe(400);
    expect(malformed.res.json()).toMatchObject({ Code: 'InvalidParameter', Field: 'AccessKeyId' });
    const unknown = await signInWithKey(console_, 'LTAInoSuchKey000', 'whatever-secret');
    expect(unknown.res.status).toBe(404);
    expect(unknown.res.json()).toMatchObject({ Code: 'InvalidAccessKeyId.NotFound' });
    expect(typeof unknown.res.json().RequestId).toBe('string');
  });

  it("shows PAI's code sources under PAI's rules for the signed-in user, and their workspaces", async () => {
    const dev = await signInWithKey(console_, TEST_USERS.dev.AccessKeyId, TEST_USERS.dev.AccessKeySecret);
    expect(dev.res.status).toBe(200);
    // PAI's id of the person: the items' UserId compare to it (B says it in GetCurrentUser).
    const who = { SignedIn: true, Mode: 'Upstream', UserId: TEST_USERS.dev.UserId, UserName: `dev1 (${TEST_USERS.dev.AccessKeyId})` };
    expect(dev.res.json()).toMatchObject(who);
    expect((await httpRequest(`${console_.url}/api/v1/session`, { headers: dev.headers })).json()).toMatchObject(who);
    // A developer sees the public one only; the owner of both sees both (B's rules, not A's).
    expect(names(await list(console_, dev.headers))).toEqual([publicOfDev2]);
    const dev2 = await signInWithKey(console_, TEST_USERS.dev2.AccessKeyId, TEST_USERS.dev2.AccessKeySecret);
    const both = await list(console_, dev2.headers);
    expect(names(both)).toEqual([privateOfDev2, publicOfDev2].sort());
    // The token stays on PAI's side: never in an answer of A.
    expect(both.body).not.toContain('ghp_upstreamTokenOfDev2xx');
    const withToken = (
      both.json().CodeSources as { DisplayName: string; HasCodeRepoAccessToken: boolean; CodeRepoAccessToken: string }[]
    ).find((c) => c.DisplayName === privateOfDev2);
    expect(withToken).toMatchObject({ HasCodeRepoAccessToken: true, CodeRepoAccessToken: '' });

    // This service's own list filters would be ignored by PAI: refused rather than answered unfiltered.
    for (const filter of ['Accessibility=PUBLIC', `UserId=${TEST_USERS.dev.UserId}`]) {
      const refused = await httpRequest(`${console_.url}/api/v1/codesources?WorkspaceId=${WS}&${filter}`, { headers: dev.headers });
      expect(refused.status).toBe(400);
      expect(refused.json()).toMatchObject({ Code: 'OperationNotSupported.Upstream' });
    }

    const workspaces = await httpRequest(`${console_.url}/api/v1/workspaces`, { headers: dev.headers });
    expect(workspaces.status).toBe(200);
    expect(workspaces.json()).toMatchObject({ Workspaces: [{ WorkspaceId: WS, WorkspaceName: 'test-main' }], TotalCount: 1 });
  });

  it('creates through A into B with the user as creator; A keeps no code source; B logs the signed calls', async () => {
    const dev = await signInWithKey(console_, TEST_USERS.dev.AccessKeyId, TEST_USERS.dev.AccessKeySecret);
    const created = await httpRequest(`${console_.url}/api/v1/codesources`, {
      method: 'POST',
      headers: dev.headers,
      body: {
        WorkspaceId: WS,
        DisplayName: 'made-through-a',
        CodeRepo: 'https://git.example.com/team/a.git',
        CodeBranch: 'main',
        MountPath: '/root/code/a',
        Accessibility: 'PRIVATE',
        CodeRepoAccessToken: 'ghp_madeThroughAtokenxxxx',
      },
    });
    expect(created.status, created.body).toBe(200);
    const id = String(created.json().CodeSourceId);
    // Read back from B directly, as B's admin: the creator is dev1.
    const admin = await signInOver(pai.url, TEST_USERS.admin.UserName, TEST_USERS.admin.Password);
    const inB = await httpRequest(`${pai.url}/api/v1/codesources/${id}`, { headers: admin });
    expect(inB.status).toBe(200);
    expect(inB.json()).toMatchObject({ DisplayName: 'made-through-a', UserId: TEST_USERS.dev.UserId, UserName: 'dev1' });
    // B's access log has the call; A's answer carries no ETag (PAI has none).
    expect(
      pai.logs.some(
        (l) => l.includes('"method":"POST"') && l.includes('/api/v1/codesources') && l.includes(`"userId":"${TEST_USERS.dev.UserId}"`),
      ),
    ).toBe(true);
    const get = await httpRequest(`${console_.url}/api/v1/codesources/${id}`, { headers: dev.headers });
    expect(get.status).toBe(200);
    expect(get.headers.etag).toBeUndefined();

    // Edit and publish go through too; unpublish is not PAI's and says so.
    const edited = await httpRequest(`${console_.url}/api/v1/codesources/${id}`, {
      method: 'PUT',
      headers: dev.headers,
      body: { Description: 'edited through A' },
    });
    expect(edited.status, edited.body).toBe(200);
    const published = await httpRequest(`${console_.url}/api/v1/codesources/${id}/publish`, { method: 'PUT', headers: dev.headers });
    expect(published.status).toBe(200);
    const unpublish = await httpRequest(`${console_.url}/api/v1/codesources/${id}/unpublish`, { method: 'PUT', headers: dev.headers });
    expect(unpublish.status).toBe(400);
    expect(unpublish.json()).toMatchObject({ Code: 'OperationNotSupported.Upstream' });
    expect((await httpRequest(`${pai.url}/api/v1/codesources/${id}`, { headers: admin })).json()).toMatchObject({
      Description: 'edited through A',
      Accessibility: 'PUBLIC',
    });

    // A's own database holds no code source and neither the repository token nor the AccessKey secret in clear.
    const db = await openStoredDatabase(console_);
    try {
      expect(await count(db, 'code_sources')).toBe(0);
    } finally {
      await db.close();
    }
    for (const secret of ['ghp_madeThroughAtokenxxxx', TEST_USERS.dev.AccessKeySecret]) {
      const found = await storedPlaces(console_, secret);
      expect(found.places.length).toBeGreaterThan(0);
      expect(found.containing).toEqual([]);
    }
    expect(console_.logs.join('\n')).not.toContain(TEST_USERS.dev.AccessKeySecret);
  });

  it("a bulk action runs item by item with PAI's per-item answers", async () => {
    const dev = await signInWithKey(console_, TEST_USERS.dev.AccessKeyId, TEST_USERS.dev.AccessKeySecret);
    const dev2 = await signInWithKey(console_, TEST_USERS.dev2.AccessKeyId, TEST_USERS.dev2.AccessKeySecret);
    const ids = (await list(console_, dev2.headers)).json().CodeSources as { CodeSourceId: string; DisplayName: string }[];
    const publicId = ids.find((c) => c.DisplayName === publicOfDev2)!.CodeSourceId;
    // dev1 may not delete dev2's public one: PAI (B) refuses that item; an unknown id is refused too.
    const batch = await httpRequest(`${console_.url}/api/v1/codesources/batch`, {
      method: 'POST',
      headers: dev.headers,
      body: { WorkspaceId: WS, Action: 'Delete', CodeSourceIds: [publicId, 'code-nosuchid'] },
    });
    expect(batch.status, batch.body).toBe(200);
    expect(batch.json()).toMatchObject({ SucceededCount: 0, FailedCount: 2 });
    const results = batch.json().Results as { CodeSourceId: string; Success: boolean; Code?: string }[];
    expect(results.map((r) => r.CodeSourceId)).toEqual([publicId, 'code-nosuchid']);
    expect(results.every((r) => !r.Success && typeof r.Code === 'string')).toBe(true);
  });

  it('sign-out deletes the sealed AccessKey with the session', async () => {
    const dev = await signInWithKey(console_, TEST_USERS.dev.AccessKeyId, TEST_USERS.dev.AccessKeySecret);
    const db = await openStoredDatabase(console_);
    try {
      const before = await count(db, 'upstream_credentials');
      expect(before).toBeGreaterThan(0);
      expect((await httpRequest(`${console_.url}/api/v1/session`, { method: 'DELETE', headers: dev.headers })).status).toBe(200);
      expect(await count(db, 'upstream_credentials')).toBe(Number(before) - 1);
      expect((await list(console_, dev.headers)).status).toBe(401);
    } finally {
      await db.close();
    }
  });

  it('PAI unreachable: a quick 502 naming the endpoint; PAI not answering: 504', async () => {
    const dev = await signInWithKey(console_, TEST_USERS.dev.AccessKeyId, TEST_USERS.dev.AccessKeySecret);
    await pai.stop();
    const started = performance.now();
    const res = await list(console_, dev.headers);
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ Code: 'Upstream.Unavailable' });
    expect(String(res.json().Message)).toContain(`127.0.0.1:${pai.port}`);
    expect(performance.now() - started).toBeLessThan(5_000);

    // A PAI that accepts the connection and never answers: A gives up after PAI_TIMEOUT_MS.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const hanging = await startServer({ env: { PAI_ENDPOINT: `127.0.0.1:${port}`, PAI_PROTOCOL: 'http', PAI_TIMEOUT_MS: '1000' } });
    try {
      const signIn = await signInWithKey(hanging, TEST_USERS.dev.AccessKeyId, TEST_USERS.dev.AccessKeySecret);
      expect(signIn.res.status).toBe(504);
      expect(signIn.res.json()).toMatchObject({ Code: 'Upstream.Timeout' });
      expect(String(signIn.res.json().Message)).toContain(`127.0.0.1:${port}`);
    } finally {
      await hanging.cleanup();
      silent.close();
    }
  }, 60_000);
});
