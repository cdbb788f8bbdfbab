import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { storedPlaces } from '@/testing/test-engine';
import { TEST_USERS, WS, testSeed, type TestUser } from '@/testing/test-seed';
import { Client, Config, OpenApiRequest, Params, RuntimeOptions } from './alicloud-sdk';

const CODE_SOURCES = '/api/v1/codesources';
type Json = Record<string, unknown>;
interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Json;
}
/** What the client throws for a 4xx/5xx: `code` is the body's `Code`, `statusCode` the HTTP status. */
interface ClientError {
  code: string;
  statusCode: number;
  message: string;
  data: Json;
}

/** Alibaba Cloud's own OpenAPI client, pointed at the server, calling PAI's six CodeSource operations. */
function paiClient(server: ServerProcess, accessKeyId: string, accessKeySecret: string) {
  const client = new Client(new Config({ accessKeyId, accessKeySecret, protocol: 'http', endpoint: `127.0.0.1:${server.port}` }));
  const runtime = new RuntimeOptions({ autoretry: false, readTimeout: 10_000, connectTimeout: 5_000 });
  const call = async (action: string, method: string, pathname: string, request: { query?: Record<string, string>; body?: Json } = {}) => {
    const params = new Params({
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
    return (await client.callApi(params, new OpenApiRequest(request), runtime)) as ApiResponse;
  };
  return {
    create: (body: Json) => call('CreateCodeSource', 'POST', CODE_SOURCES, { body }),
    list: (query: Record<string, string>) => call('ListCodeSources', 'GET', CODE_SOURCES, { query }),
    get: (id: string) => call('GetCodeSource', 'GET', `${CODE_SOURCES}/${id}`),
    update: (id: string, body: Json) => call('UpdateCodeSource', 'PUT', `${CODE_SOURCES}/${id}`, { body }),
    delete: (id: string) => call('DeleteCodeSource', 'DELETE', `${CODE_SOURCES}/${id}`),
    publish: (id: string) => call('PublishCodeSource', 'PUT', `${CODE_SOURCES}/${id}/publish`),
  };
}
type PaiClient = ReturnType<typeof paiClient>;

const clientOf = (server: ServerProcess, user: TestUser) =>
  paiClient(server, TEST_USERS[user].AccessKeyId, TEST_USERS[user].AccessKeySecret);

/** The error the client throws; fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<ClientError> {
  try {
    await call;
  } catch (error) {
    return error as ClientError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

/** A body's fields without the per-response RequestId. */
function withoutRequestId(body: Json): Json {
  const { RequestId: _requestId, ...rest } = body;
  return rest;
}

/** The SQLite files under DATA_DIR that exist now (main file, WAL, shared memory). */
/** Where the server's stored data (SQLite files, or PostgreSQL tables) contains `text` as plain UTF-8. */
async function storedContaining(s: ServerProcess, text: string): Promise<string[]> {
  return (await storedPlaces(s, text)).containing;
}

describe('PAI CodeSource operations through @alicloud/openapi-client against the real server', () => {
  let server: ServerProcess;
  let admin: PaiClient;
  let dev: PaiClient;
  let guest: PaiClient;

  beforeAll(async () => {
    server = await startServer();
    admin = clientOf(server, 'admin');
    dev = clientOf(server, 'dev');
    guest = clientOf(server, 'guest');
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('CreateCodeSource returns a PAI id; GetCodeSource returns PAI fields with defaults and a write-only token', async () => {
    const DisplayName = unique('create');
    const created = await dev.create({
      WorkspaceId: WS,
      DisplayName,
      Description: 'training code',
      CodeRepo: 'https://github.com/example/train.git',
      CodeRepoUserName: 'git-user',
      CodeRepoAccessToken: 'ghp_createToken0123456789',
    });
    expect(created.statusCode).toBe(200);
    expect(Object.keys(created.body).sort()).toEqual(['CodeSourceId', 'RequestId']);
    const id = created.body.CodeSourceId as string;
    expect(id).toMatch(/^code-\d{14}-[a-z0-9]{12}$/);
    expect(created.headers['x-acs-request-id']).toBe(created.body.RequestId);

    const got = await dev.get(id);
    expect(got.statusCode).toBe(200);
    expect(got.body).toEqual({
      CodeSourceId: id,
      WorkspaceId: WS,
      DisplayName,
      Description: 'training code',
      CodeRepo: 'https://github.com/example/train.git',
      CodeBranch: 'master',
      CodeCommit: '',
      CodeRepoUserName: 'git-user',
      CodeRepoAccessToken: '',
      HasCodeRepoAccessToken: true,
      MountPath: '/root/code/',
      Accessibility: 'PRIVATE',
      CloneType: 0,
      UserId: TEST_USERS.dev.UserId,
      UserName: TEST_USERS.dev.UserName,
      GmtCreateTime: expect.any(String),
      GmtModifyTime: expect.any(String),
      RequestId: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(got.body.GmtCreateTime as string))).toBe(false);
    expect(got.body.RequestId).not.toBe(created.body.RequestId);

    // A pinned commit (stored lower-case) instead of the default branch; no token given → no token flagged.
    const pinned = await dev.create({
      WorkspaceId: WS,
      DisplayName: unique('pinned'),
      CodeRepo: 'git@github.com:example/train.git',
      CodeCommit: 'ABCDEF0123456',
      MountPath: '/home/admin/code/',
      CloneType: 1,
      Accessibility: 'PUBLIC',
    });
    const pinnedGot = (await dev.get(pinned.body.CodeSourceId as string)).body;
    expect(pinnedGot).toMatchObject({
      CodeCommit: 'abcdef0123456',
      CodeBranch: '',
      MountPath: '/home/admin/code/',
      CloneType: 1,
      Accessibility: 'PUBLIC',
      HasCodeRepoAccessToken: false,
      CodeRepoAccessToken: '',
    });
  });

  it('ListCodeSources: case-insensitive substring DisplayName, SortBy, lower-case Order, paging and TotalCount', async () => {
    const tag = unique('list');
    const names = ['alpha', 'beta', 'gamma', 'delta'].map((n) => `${tag}-${n}`);
    const ids = new Map<string, string>();
    for (const name of names)
      ids.set(
        name,
        (await admin.create({ WorkspaceId: WS, DisplayName: name, CodeRepo: 'https://github.com/example/list.git' })).body
          .CodeSourceId as string,
      );
    await admin.create({ WorkspaceId: WS, DisplayName: unique('unrelated'), CodeRepo: 'https://github.com/example/list.git' });

    const namesOf = (r: ApiResponse) => (r.body.CodeSources as Json[]).map((c) => c.DisplayName);
    const search = tag.toUpperCase();

    const page1 = await admin.list({
      WorkspaceId: WS,
      DisplayName: search,
      SortBy: 'DisplayName',
      Order: 'desc',
      PageNumber: '1',
      PageSize: '2',
    });
    expect(page1.statusCode).toBe(200);
    expect(page1.body.TotalCount).toBe(4);
    expect(namesOf(page1)).toEqual([`${tag}-gamma`, `${tag}-delta`]);
    const page2 = await admin.list({
      WorkspaceId: WS,
      DisplayName: search,
      SortBy: 'DisplayName',
      Order: 'desc',
      PageNumber: '2',
      PageSize: '2',
    });
    expect(page2.body.TotalCount).toBe(4);
    expect(namesOf(page2)).toEqual([`${tag}-beta`, `${tag}-alpha`]);
    const page3 = await admin.list({
      WorkspaceId: WS,
      DisplayName: search,
      SortBy: 'DisplayName',
      Order: 'desc',
      PageNumber: '3',
      PageSize: '2',
    });
    expect(page3.body).toMatchObject({ CodeSources: [], TotalCount: 4 });

    const byCreation = await admin.list({ WorkspaceId: WS, DisplayName: search, SortBy: 'GmtCreateTime', Order: 'ASC' });
    expect(namesOf(byCreation)).toEqual(names);
    const newestFirst = await admin.list({ WorkspaceId: WS, DisplayName: search, SortBy: 'GmtCreateTime', Order: 'Desc' });
    expect(namesOf(newestFirst)).toEqual([...names].reverse());

    // A substring from the middle of the name, in another case, finds just that one.
    const middle = await admin.list({ WorkspaceId: WS, DisplayName: `${tag.slice(2)}-GAMM`.toUpperCase() });
    expect(middle.body.TotalCount).toBe(1);
    expect(namesOf(middle)).toEqual([`${tag}-gamma`]);

    // List items carry the same fields as GetCodeSource.
    const item = (byCreation.body.CodeSources as Json[])[0];
    const got = await admin.get(ids.get(`${tag}-alpha`) ?? '');
    expect(item).toEqual(withoutRequestId(got.body));

    const bad = await failure(admin.list({ WorkspaceId: WS, PageSize: '101' }));
    expect(bad).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(bad.data.Field).toBe('PageSize');
  });

  it('UpdateCodeSource changes only the fields it is given', async () => {
    const created = await dev.create({
      WorkspaceId: WS,
      DisplayName: unique('update'),
      Description: 'before',
      CodeRepo: 'https://github.com/example/u.git',
      CodeRepoUserName: 'git-user',
      CodeRepoAccessToken: 'tok_update_0123456789',
    });
    const id = created.body.CodeSourceId as string;
    const before = withoutRequestId((await dev.get(id)).body);

    const updated = await dev.update(id, { Description: 'after' });
    expect(updated.statusCode).toBe(200);
    expect(updated.body).toEqual({ CodeSourceId: id, RequestId: expect.any(String) });
    const after = withoutRequestId((await dev.get(id)).body);
    expect(after).toEqual({ ...before, Description: 'after', GmtModifyTime: expect.any(String) });
    expect(Date.parse(after.GmtModifyTime as string)).toBeGreaterThan(Date.parse(before.GmtModifyTime as string));
    expect(after.GmtCreateTime).toBe(before.GmtCreateTime);

    await dev.update(id, { CodeBranch: 'release/v2', MountPath: '/home/admin/src/' });
    expect((await dev.get(id)).body).toMatchObject({
      Description: 'after',
      CodeBranch: 'release/v2',
      MountPath: '/home/admin/src/',
      HasCodeRepoAccessToken: true,
      CodeRepoUserName: 'git-user',
    });

    // "" clears the token (and resets branch / mount path to the defaults).
    await dev.update(id, { CodeRepoAccessToken: '', CodeBranch: '', MountPath: '' });
    expect((await dev.get(id)).body).toMatchObject({
      HasCodeRepoAccessToken: false,
      CodeRepoAccessToken: '',
      CodeBranch: 'master',
      MountPath: '/root/code/',
      CodeRepoUserName: 'git-user',
    });

    // Accessibility and WorkspaceId cannot be changed by Update.
    const readOnly = await failure(dev.update(id, { Accessibility: 'PUBLIC' }));
    expect(readOnly).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect((await dev.get(id)).body.Accessibility).toBe('PRIVATE');
  });

  it('PublishCodeSource makes a PRIVATE code source visible to the workspace guest', async () => {
    const DisplayName = unique('publish');
    const id = (await dev.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://github.com/example/p.git' })).body
      .CodeSourceId as string;
    expect(await failure(guest.get(id))).toMatchObject({ code: '201400002', statusCode: 404 });
    expect((await guest.list({ WorkspaceId: WS, DisplayName })).body.TotalCount).toBe(0);

    const published = await dev.publish(id);
    expect(published.statusCode).toBe(200);
    expect(published.body).toEqual({ CodeSourceId: id, RequestId: expect.any(String) });
    expect((await dev.get(id)).body.Accessibility).toBe('PUBLIC');

    expect((await guest.get(id)).body).toMatchObject({ CodeSourceId: id, Accessibility: 'PUBLIC' });
    const seen = await guest.list({ WorkspaceId: WS, DisplayName });
    expect(seen.body.TotalCount).toBe(1);
    expect((seen.body.CodeSources as Json[]).map((c) => c.CodeSourceId)).toEqual([id]);
  });

  it('DeleteCodeSource removes it: GetCodeSource then fails with 201400002 / 404', async () => {
    const DisplayName = unique('delete');
    const id = (await dev.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://github.com/example/d.git' })).body
      .CodeSourceId as string;
    const deleted = await dev.delete(id);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.body).toEqual({ CodeSourceId: id, RequestId: expect.any(String) });

    const error = await failure(dev.get(id));
    expect(error.code).toBe('201400002');
    expect(error.statusCode).toBe(404);
    expect(error.data).toMatchObject({
      Code: '201400002',
      RequestId: expect.any(String),
      HostId: expect.any(String),
      Message: expect.any(String),
    });
    expect((await admin.list({ WorkspaceId: WS, DisplayName })).body.TotalCount).toBe(0);
    expect(await failure(dev.delete(id))).toMatchObject({ code: '201400002', statusCode: 404 });
    // The name is free again.
    expect((await dev.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://github.com/example/d.git' })).statusCode).toBe(200);
  });

  it('a validation error surfaces as InvalidParameter / 400 naming the field, and creates nothing', async () => {
    const DisplayName = unique('invalid');
    const error = await failure(dev.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'http://x' }));
    expect(error).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(error.data).toMatchObject({ Code: 'InvalidParameter', Field: 'CodeRepo', RequestId: expect.any(String) });
    expect(error.data.Message).toContain('CodeRepo');

    // Credentials inside the URL are refused and never echoed back.
    const inUrl = await failure(
      dev.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://bob:s3cretInUrl99@github.com/example/x.git' }),
    );
    expect(inUrl).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(inUrl.data.Field).toBe('CodeRepo');
    expect(JSON.stringify(inUrl.data)).not.toContain('s3cretInUrl99');

    const missing = await failure(dev.create({ WorkspaceId: WS, CodeRepo: 'https://github.com/example/x.git' }));
    expect(missing).toMatchObject({ code: 'MissingParameter', statusCode: 400 });
    expect(missing.data.Field).toBe('DisplayName');

    expect((await admin.list({ WorkspaceId: WS, DisplayName })).body.TotalCount).toBe(0);
  });

  it('a workspace guest cannot create: Forbidden.NoPermission / 403', async () => {
    const DisplayName = unique('guest');
    const error = await failure(guest.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://github.com/example/g.git' }));
    expect(error).toMatchObject({ code: 'Forbidden.NoPermission', statusCode: 403 });
    expect((await admin.list({ WorkspaceId: WS, DisplayName })).body.TotalCount).toBe(0);
  });

  it('a wrong AccessKey secret is SignatureDoesNotMatch / 400; an unknown AccessKeyId is InvalidAccessKeyId.NotFound / 404', async () => {
    const DisplayName = unique('badkey');
    const wrongSecret = paiClient(server, TEST_USERS.dev.AccessKeyId, `${TEST_USERS.dev.AccessKeySecret}x`);
    expect(await failure(wrongSecret.list({ WorkspaceId: WS }))).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(await failure(wrongSecret.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://github.com/example/k.git' }))).toMatchObject(
      { code: 'SignatureDoesNotMatch', statusCode: 400 },
    );

    const unknownKey = paiClient(server, 'LTAInoSuchKey0001', TEST_USERS.dev.AccessKeySecret);
    expect(await failure(unknownKey.list({ WorkspaceId: WS }))).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
    expect(await failure(unknownKey.create({ WorkspaceId: WS, DisplayName, CodeRepo: 'https://github.com/example/k.git' }))).toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
      statusCode: 404,
    });

    expect((await admin.list({ WorkspaceId: WS, DisplayName })).body.TotalCount).toBe(0);
  });

  it('the access token never appears in the server log or in the database files as plain text', async () => {
    const DisplayName = unique('secret');
    const token = `ghp_${unique('tokenAtRest').replace(/-/g, '')}`;
    const newToken = `ghp_${unique('tokenUpdated').replace(/-/g, '')}`;
    const created = await dev.create({
      WorkspaceId: WS,
      DisplayName,
      CodeRepo: 'https://github.com/example/s.git',
      CodeRepoUserName: 'git-user',
      CodeRepoAccessToken: token,
    });
    const id = created.body.CodeSourceId as string;
    await dev.update(id, { CodeRepoAccessToken: newToken });
    expect((await dev.get(id)).body).toMatchObject({ CodeRepoAccessToken: '', HasCodeRepoAccessToken: true });

    // The log has one access line per request (so the search below had something to look at).
    const requestLine = server.logs
      .map((l) => JSON.parse(l.startsWith('{') ? l : '{}') as Json)
      .find((l) => l.requestId === created.body.RequestId);
    expect(requestLine).toMatchObject({ msg: 'request', method: 'POST', path: CODE_SOURCES, status: 200, userId: TEST_USERS.dev.UserId });
    const output = [...server.logs, ...server.stderr].join('\n');
    expect(output).not.toContain(token);
    expect(output).not.toContain(newToken);

    const { places } = await storedPlaces(server, token);
    expect(places).toEqual(
      expect.arrayContaining(
        server.databaseUrl === undefined ? ['code-config.sqlite', 'code-config.sqlite-wal'] : ['code_sources', 'access_keys'],
      ),
    );
    // The search works: a plain field of the same row is found as written.
    expect((await storedContaining(server, DisplayName)).length).toBeGreaterThan(0);
    expect(await storedContaining(server, token)).toEqual([]);
    expect(await storedContaining(server, newToken)).toEqual([]);
    // Nor the seed's AccessKey secrets and passwords.
    for (const user of Object.values(TEST_USERS)) {
      expect(await storedContaining(server, user.AccessKeySecret)).toEqual([]);
      expect(await storedContaining(server, user.Password)).toEqual([]);
    }
  });
});

describe('the real server keeps its data across a restart on the same DATA_DIR', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
  });

  it('stops cleanly on SIGTERM; after a restart Get and List return the same and the SEED_FILE is not applied again', async () => {
    const first = await startServer();
    server = first;
    const token = `glpat-${unique('restartToken').replace(/-/g, '')}`;
    const admin = clientOf(first, 'admin');
    const dev = clientOf(first, 'dev');
    const ids = [
      (
        await admin.create({
          WorkspaceId: WS,
          DisplayName: 'restart-one',
          CodeRepo: 'https://github.com/example/one.git',
          CodeRepoUserName: 'u',
          CodeRepoAccessToken: token,
        })
      ).body.CodeSourceId as string,
      (
        await admin.create({
          WorkspaceId: WS,
          DisplayName: 'restart-two',
          CodeRepo: 'git@github.com:example/two.git',
          CodeCommit: '0123456789abcdef0123456789abcdef01234567',
        })
      ).body.CodeSourceId as string,
      (
        await dev.create({
          WorkspaceId: WS,
          DisplayName: 'restart-three',
          CodeRepo: 'https://github.com/example/three.git',
          Description: 'dev code',
        })
      ).body.CodeSourceId as string,
    ];
    await admin.publish(ids[1] ?? '');
    await dev.update(ids[2] ?? '', { CodeBranch: 'feature/x' });
    await admin.delete(
      (await admin.create({ WorkspaceId: WS, DisplayName: 'restart-gone', CodeRepo: 'https://github.com/example/gone.git' })).body
        .CodeSourceId as string,
    );

    const listQuery = { WorkspaceId: WS, SortBy: 'CodeSourceId', Order: 'asc', PageSize: '100' };
    const snapshot = async (s: ServerProcess) => {
      const a = clientOf(s, 'admin');
      const gets = [];
      for (const id of ids) gets.push(withoutRequestId((await a.get(id)).body));
      return {
        gets,
        list: withoutRequestId((await a.list(listQuery)).body),
        devList: withoutRequestId((await clientOf(s, 'dev').list(listQuery)).body),
      };
    };
    const before = await snapshot(first);
    expect(before.list.TotalCount).toBe(3);
    expect(first.logs.some((l) => l.includes('"database seeded"'))).toBe(true);

    expect(await first.stop()).toBe(0);
    expect(first.logs.some((l) => l.includes('"stopped"'))).toBe(true);
    // After the WAL checkpoint the token is still only in encrypted form.
    expect((await storedContaining(first, 'restart-one')).length).toBeGreaterThan(0);
    expect(await storedContaining(first, token)).toEqual([]);

    // A second start with a seed file that now says more: it must be ignored, the database is not empty.
    const changedSeed = {
      ...testSeed,
      workspaces: [...(testSeed.workspaces ?? []), { WorkspaceId: '2999', WorkspaceName: 'late' }],
      codeSources: [
        {
          UserId: TEST_USERS.admin.UserId,
          WorkspaceId: WS,
          DisplayName: 'from-second-seed',
          CodeRepo: 'https://github.com/example/late.git',
        },
      ],
    };
    const second = await first.restart({ seed: changedSeed });
    server = second;
    expect(second.dataDir).toBe(first.dataDir);
    expect(second.logs.some((l) => l.includes('SEED_FILE ignored'))).toBe(true);
    expect(second.logs.some((l) => l.includes('"database seeded"'))).toBe(false);

    const after = await snapshot(second);
    expect(after).toEqual(before);
    expect(after.gets[0]).toMatchObject({ HasCodeRepoAccessToken: true, CodeRepoAccessToken: '' });
    expect((await clientOf(second, 'admin').list({ WorkspaceId: WS, DisplayName: 'from-second-seed' })).body.TotalCount).toBe(0);

    // Still writable, and names taken before the restart are still taken.
    const admin2 = clientOf(second, 'admin');
    expect(
      (await admin2.create({ WorkspaceId: WS, DisplayName: 'restart-four', CodeRepo: 'https://github.com/example/four.git' })).statusCode,
    ).toBe(200);
    expect(
      await failure(admin2.create({ WorkspaceId: WS, DisplayName: 'RESTART-ONE', CodeRepo: 'https://github.com/example/one.git' })),
    ).toMatchObject({ statusCode: 409 });
    expect((await admin2.list(listQuery)).body.TotalCount).toBe(4);

    // The seed file is only needed for the first start: once it is gone, a restart still works.
    fs.rmSync(second.seedFile);
    const third = await second.restart();
    server = third;
    expect(third.logs.some((l) => l.includes('SEED_FILE ignored'))).toBe(true);
    expect((await clientOf(third, 'admin').list(listQuery)).body.TotalCount).toBe(4);
  });
});
