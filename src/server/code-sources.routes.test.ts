import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CodeSource, ListCodeSourcesResponse } from '@/shared/code-source.schema';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { TEST_USERS, WS } from '@/testing/test-seed';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const BASE = '/api/v1/codesources';

async function create(overrides: Record<string, unknown> = {}, user: 'dev' | 'admin' | 'dev2' = 'dev'): Promise<string> {
  const res = await t.as(user).post(BASE, createBody(overrides));
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
}
async function get(id: string, user: 'dev' | 'admin' = 'dev'): Promise<CodeSource & { RequestId: string }> {
  const res = await t.as(user).get(`${BASE}/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as CodeSource & { RequestId: string };
}
async function list(query: string, user: 'dev' | 'admin' = 'admin'): Promise<ListCodeSourcesResponse> {
  const res = await t.as(user).get(`${BASE}?WorkspaceId=${WS}&${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ListCodeSourcesResponse;
}
async function expectError(res: Response, status: number, code: string, field?: string, rule?: string) {
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.Code).toBe(code);
  expect(body.RequestId).toEqual(expect.any(String));
  expect(body.HostId).toEqual(expect.any(String));
  expect(body.Message).toEqual(expect.any(String));
  if (field !== undefined) expect(body.Field).toBe(field);
  if (rule !== undefined) expect(body.Rule).toBe(rule);
  return body;
}
const countRows = async () => (await t.sql<{ n: number }>('SELECT count(*) AS n FROM code_sources'))[0]?.n;

describe('CreateCodeSource', () => {
  it('creates with PAI defaults and answers the id, a RequestId header and an ETag', async () => {
    const res = await t.as('dev').post(BASE, { WorkspaceId: WS, DisplayName: 'my-code', CodeRepo: 'https://github.com/a/b.git' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { CodeSourceId: string; RequestId: string };
    expect(body.CodeSourceId).toMatch(/^code-\d{14}-[a-z0-9]{12}$/);
    expect(res.headers.get('x-acs-request-id')).toBe(body.RequestId);
    expect(res.headers.get('etag')).toBe('"v1"');
    const got = await get(body.CodeSourceId);
    expect(got).toMatchObject({
      DisplayName: 'my-code',
      Description: '',
      CodeBranch: 'master',
      CodeCommit: '',
      MountPath: '/root/code/',
      Accessibility: 'PRIVATE',
      CloneType: 0,
      CodeRepoAccessToken: '',
      HasCodeRepoAccessToken: false,
      UserId: '300002',
      UserName: 'dev1',
      WorkspaceId: WS,
    });
    expect(got.GmtCreateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(got.GmtModifyTime).toBe(got.GmtCreateTime);
  });

  it('stores every field, trims and NFC-normalizes text, lower-cases the commit', async () => {
    const id = await create({
      DisplayName: '  Cafe\u0301 trainer ',
      Description: 'line one\nline two',
      CodeRepo: 'git@github.com:org/repo.git',
      CodeBranch: 'feature/x-1',
      CodeCommit: 'ABCDEF1234567',
      CodeRepoUserName: 'robot',
      CodeRepoAccessToken: 'ghp_secretvalue',
      MountPath: '/mnt/code',
      Accessibility: 'PUBLIC',
      CloneType: 1,
    });
    const got = await get(id);
    expect(got).toMatchObject({
      DisplayName: 'Café trainer',
      Description: 'line one\nline two',
      CodeRepo: 'git@github.com:org/repo.git',
      CodeBranch: 'feature/x-1',
      CodeCommit: 'abcdef1234567',
      CodeRepoUserName: 'robot',
      CodeRepoAccessToken: '',
      HasCodeRepoAccessToken: true,
      MountPath: '/mnt/code',
      Accessibility: 'PUBLIC',
      CloneType: 1,
    });
  });

  it('leaves the branch empty when only a commit is given (the commit takes priority)', async () => {
    const id = await create({ CodeCommit: 'a1b2c3d' });
    expect(await get(id)).toMatchObject({ CodeBranch: '', CodeCommit: 'a1b2c3d' });
  });

  it('accepts the three Git address forms', async () => {
    for (const repo of [
      'https://gitlab.example.com:8443/group/sub/repo.git',
      'ssh://git@example.com:2222/org/repo.git',
      'git@example.com:org/repo.git',
    ]) {
      await create({ CodeRepo: repo });
    }
    expect(await countRows()).toBe(3);
  });

  const badInputs: [Record<string, unknown>, string, string, string][] = [
    [{ DisplayName: undefined }, 'MissingParameter', 'DisplayName', 'required'],
    [{ CodeRepo: undefined }, 'MissingParameter', 'CodeRepo', 'required'],
    [{ WorkspaceId: undefined }, 'MissingParameter', 'WorkspaceId', 'required'],
    [{ DisplayName: '   ' }, 'InvalidParameter', 'DisplayName', 'required'],
    [{ DisplayName: 'x'.repeat(129) }, 'InvalidParameter', 'DisplayName', 'too_long'],
    [{ DisplayName: 'a\u202Eb' }, 'InvalidParameter', 'DisplayName', 'forbidden_characters'],
    [{ DisplayName: 'a\u200Bb' }, 'InvalidParameter', 'DisplayName', 'forbidden_characters'],
    [{ DisplayName: 'a\u0000b' }, 'InvalidParameter', 'DisplayName', 'forbidden_characters'],
    [{ DisplayName: 42 }, 'InvalidParameter', 'DisplayName', 'type'],
    [{ DisplayName: null }, 'InvalidParameter', 'DisplayName', 'type'],
    [{ Description: 'd'.repeat(1025) }, 'InvalidParameter', 'Description', 'too_long'],
    [{ CodeRepo: 'http://github.com/a/b.git' }, 'InvalidParameter', 'CodeRepo', 'scheme_not_allowed'],
    [{ CodeRepo: 'file:///etc/passwd' }, 'InvalidParameter', 'CodeRepo', 'scheme_not_allowed'],
    [{ CodeRepo: 'git://github.com/a/b.git' }, 'InvalidParameter', 'CodeRepo', 'scheme_not_allowed'],
    [{ CodeRepo: 'ext::sh -c touch% /tmp/pwned' }, 'InvalidParameter', 'CodeRepo', 'invalid_url'],
    [{ CodeRepo: 'ext::ssh' }, 'InvalidParameter', 'CodeRepo', 'scheme_not_allowed'],
    [{ CodeRepo: 'javascript:alert(1)' }, 'InvalidParameter', 'CodeRepo', 'scheme_not_allowed'],
    [{ CodeRepo: '/home/me/repo' }, 'InvalidParameter', 'CodeRepo', 'scheme_not_allowed'],
    [{ CodeRepo: 'https://user:ghp_token@github.com/a/b.git' }, 'InvalidParameter', 'CodeRepo', 'credentials_in_url'],
    [{ CodeRepo: 'https://ghp_token@github.com/a/b.git' }, 'InvalidParameter', 'CodeRepo', 'credentials_in_url'],
    [{ CodeRepo: 'ssh://git:pw@github.com/a/b.git' }, 'InvalidParameter', 'CodeRepo', 'credentials_in_url'],
    [{ CodeRepo: 'https://github.com' }, 'InvalidParameter', 'CodeRepo', 'invalid_url'],
    [{ CodeRepo: `https://github.com/${'a'.repeat(1020)}` }, 'InvalidParameter', 'CodeRepo', 'too_long'],
    [{ CodeBranch: 'a..b' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: '-rf' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: 'x.lock' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: 'a b' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: 'a@{1}' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: '@' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: 'feat/' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: '.hidden' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeBranch: 'a\\b' }, 'InvalidParameter', 'CodeBranch', 'invalid_branch'],
    [{ CodeCommit: 'abc12' }, 'InvalidParameter', 'CodeCommit', 'invalid_commit'],
    [{ CodeCommit: 'g'.repeat(40) }, 'InvalidParameter', 'CodeCommit', 'invalid_commit'],
    [{ CodeCommit: 'a'.repeat(41) }, 'InvalidParameter', 'CodeCommit', 'invalid_commit'],
    [{ MountPath: 'relative/path' }, 'InvalidParameter', 'MountPath', 'not_absolute'],
    [{ MountPath: '/root/../etc' }, 'InvalidParameter', 'MountPath', 'dot_segment'],
    [{ MountPath: '/root/./code' }, 'InvalidParameter', 'MountPath', 'dot_segment'],
    [{ MountPath: '/root/\u0007' }, 'InvalidParameter', 'MountPath', 'forbidden_characters'],
    [{ Accessibility: 'public' }, 'InvalidParameter', 'Accessibility', 'enum'],
    [{ CloneType: 2 }, 'InvalidParameter', 'CloneType', 'integer_range'],
    [{ CloneType: '0' }, 'InvalidParameter', 'CloneType', 'type'],
    [{ CodeRepoUserName: 'a b' }, 'InvalidParameter', 'CodeRepoUserName', 'whitespace'],
    [{ CodeRepoAccessToken: 'tok en' }, 'InvalidParameter', 'CodeRepoAccessToken', 'whitespace'],
    [{ CodeRepoAccessToken: 't'.repeat(1025) }, 'InvalidParameter', 'CodeRepoAccessToken', 'too_long'],
    [{ CodeSourceId: 'code-x' }, 'InvalidParameter', 'CodeSourceId', 'read_only'],
    [{ UserId: '1' }, 'InvalidParameter', 'UserId', 'read_only'],
    [{ GmtCreateTime: '2020-01-01T00:00:00Z' }, 'InvalidParameter', 'GmtCreateTime', 'read_only'],
    [{ Color: 'red' }, 'InvalidParameter', 'Color', 'unknown_field'],
    [{ ClientToken: 'a'.repeat(65) }, 'InvalidParameter', 'ClientToken', 'too_long'],
  ];
  badInputs.forEach(([overrides, code, field, rule], row) =>
    it(`rejects ${field} (${rule}, row ${row}) with ${code}`, async () => {
      const body = createBody();
      for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete body[k];
        else body[k] = v;
      }
      const res = await t.as('dev').post(BASE, body);
      const err = await expectError(res, 400, code, field, rule);
      expect(String(err.Message)).toContain(field);
      expect(await countRows()).toBe(0);
    }),
  );

  it('never echoes credentials from a rejected Git address', async () => {
    const res = await t.as('dev').post(BASE, createBody({ CodeRepo: 'https://bob:ghp_SuperSecret123@github.com/a/b.git' }));
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain('ghp_SuperSecret123');
    expect(text).toContain('Access Token');
    expect(t.logs.join('\n')).not.toContain('ghp_SuperSecret123');
  });

  it('accepts names with emoji and ZWJ and counts code points, not UTF-16 units', async () => {
    await create({ DisplayName: '🧑‍🔬 lab' });
    // 128 astral characters are 256 UTF-16 units but 128 code points: allowed.
    await create({ DisplayName: '😀'.repeat(128) });
    await expectError(
      await t.as('dev').post(BASE, createBody({ DisplayName: '😀'.repeat(129) })),
      400,
      'InvalidParameter',
      'DisplayName',
      'too_long',
    );
    expect(await countRows()).toBe(2);
  });

  it('rejects a name already used in the workspace, ignoring case, with 409 on DisplayName', async () => {
    await create({ DisplayName: 'Shared-Name' }, 'dev2');
    const res = await t.as('dev').post(BASE, createBody({ DisplayName: 'shared-NAME' }));
    const err = await expectError(res, 409, 'Conflict.DuplicateName', 'DisplayName', 'duplicate_name');
    expect(String(err.Message)).not.toContain('dev2');
    expect(await countRows()).toBe(1);
  });

  it('a create in a workspace the caller is not a member of is 403 on WorkspaceId', async () => {
    const res = await t.as('dev').post(BASE, createBody({ WorkspaceId: '2002' }));
    await expectError(res, 403, 'Forbidden.NotWorkspaceMember', 'WorkspaceId');
    await expectError(await t.as('dev').post(BASE, createBody({ WorkspaceId: 'nope' })), 403, 'Forbidden.NotWorkspaceMember');
  });

  it('ClientToken: the same token and body returns the same id; a different body is 409', async () => {
    const body = createBody({ ClientToken: 'retry-1', DisplayName: 'idem' });
    const a = (await (await t.as('dev').post(BASE, body)).json()) as { CodeSourceId: string };
    const b = (await (await t.as('dev').post(BASE, { ...body })).json()) as { CodeSourceId: string };
    expect(b.CodeSourceId).toBe(a.CodeSourceId);
    expect(await countRows()).toBe(1);
    const c = await t.as('dev').post(BASE, { ...body, Description: 'changed' });
    await expectError(c, 409, 'Conflict.ClientToken', 'ClientToken');
    // Scoped to the user: another user's same token is a new create (here: name taken → 409 on the name).
    const d = await t.as('dev2').post(BASE, { ...body });
    await expectError(d, 409, 'Conflict.DuplicateName');
    expect(await countRows()).toBe(1);
  });

  it('ClientToken is remembered 7 days by the app clock, then forgotten and purged', async () => {
    const tokens = async () =>
      (await t.sql<{ client_token: string }>('SELECT client_token FROM client_tokens ORDER BY client_token')).map((r) => r.client_token);
    // A week outlives any session: each request signs in afresh at the app's current time.
    const post = async (body: Record<string, unknown>) => {
      const s = await t.parts.sessions.start(TEST_USERS.dev.UserId);
      return t.anonymous.post(BASE, body, { cookie: `cc_session=${s.sessionId}`, 'x-csrf-token': s.csrfToken });
    };
    const idOf = async (res: Response) => {
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
    };
    const body = createBody({ ClientToken: 'retry-week', DisplayName: 'week-old' });
    const first = await idOf(await post(body));
    t.clock.now += 7 * 24 * 3600_000 - 60_000;
    expect(await idOf(await post({ ...body }))).toBe(first);
    await expectError(await post({ ...body, DisplayName: 'other-name' }), 409, 'Conflict.ClientToken', 'ClientToken');
    t.clock.now += 2 * 60_000;
    // Past 7 days the token means nothing: a different body is a new create, not a conflict.
    const later = await idOf(await post({ ...body, DisplayName: 'week-later' }));
    expect(later).not.toBe(first);
    expect(await countRows()).toBe(2);
    // The old row was purged by the app's clock (the wall clock says it is only minutes old); the new one is kept.
    expect(await tokens()).toEqual(['retry-week']);
    expect((await t.sql<{ code_source_id: string }>('SELECT code_source_id FROM client_tokens'))[0]?.code_source_id).toBe(later);
  });

  it('answers 415 for a non-JSON content type, 400 for malformed JSON and non-objects, 413 for a body over 64 KiB', async () => {
    await expectError(
      await t.as('dev').post(BASE, 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'UnsupportedMediaType',
    );
    await expectError(await t.as('dev').post(BASE, '{"WorkspaceId":', {}), 400, 'MalformedJSON');
    await expectError(await t.as('dev').post(BASE, '[1,2]', {}), 400, 'MalformedJSON');
    await expectError(await t.as('dev').post(BASE, 'null', {}), 400, 'MalformedJSON');
    await expectError(await t.as('dev').post(BASE, createBody({ Description: 'x'.repeat(70 * 1024) })), 413, 'PayloadTooLarge');
    expect(await countRows()).toBe(0);
  });

  it('enforces the 64 KiB limit on a chunked body with no content-length', async () => {
    const big = new TextEncoder().encode(JSON.stringify(createBody({ Description: 'y'.repeat(80 * 1024) })));
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 4096) controller.enqueue(big.slice(i, i + 4096));
        controller.close();
      },
    });
    const res = await t.app.request(BASE, {
      method: 'POST',
      body: stream,
      headers: { host: 'localhost', 'content-type': 'application/json', ...(await t.as('dev').authHeaders()) },
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, 'PayloadTooLarge');
  });

  it('treats a __proto__ key as an unknown field, not a prototype', async () => {
    const res = await t
      .as('dev')
      .post(
        BASE,
        `{"WorkspaceId":"${WS}","DisplayName":"p","CodeRepo":"https://github.com/a/b.git","__proto__":{"Accessibility":"PUBLIC"}}`,
      );
    await expectError(res, 400, 'InvalidParameter', '__proto__', 'unknown_field');
  });
});

describe('ListCodeSources', () => {
  async function seedNames(names: string[]) {
    const ids: string[] = [];
    for (const name of names) {
      ids.push(await create({ DisplayName: name }));
      t.clock.now += 1000;
    }
    return ids;
  }

  it('lists oldest first by default (PAI: GmtCreateTime ASC) with TotalCount', async () => {
    const ids = await seedNames(['a', 'b', 'c']);
    const res = await list('');
    expect(res.CodeSources.map((c) => c.CodeSourceId)).toEqual(ids);
    expect(res.TotalCount).toBe(3);
    expect(res.RequestId).toEqual(expect.any(String));
  });

  it('sorts by each SortBy in both orders, Order case-insensitive', async () => {
    const ids = await seedNames(['Banana', 'apple', 'cherry']);
    expect((await list('SortBy=GmtCreateTime&Order=desc')).CodeSources.map((c) => c.CodeSourceId)).toEqual([...ids].reverse());
    expect((await list('SortBy=DisplayName&Order=ASC')).CodeSources.map((c) => c.DisplayName)).toEqual(['apple', 'Banana', 'cherry']);
    expect((await list('SortBy=DisplayName&Order=Desc')).CodeSources.map((c) => c.DisplayName)).toEqual(['cherry', 'Banana', 'apple']);
    expect((await list('SortBy=CodeSourceId')).CodeSources.map((c) => c.CodeSourceId)).toEqual([...ids].sort());
    // Touch the oldest: it becomes the most recently modified.
    t.clock.now += 1000;
    expect((await t.as('dev').put(`${BASE}/${ids[0]}`, { Description: 'touched' })).status).toBe(200);
    expect((await list('SortBy=GmtModifyTime&Order=DESC')).CodeSources[0]?.CodeSourceId).toBe(ids[0]);
  });

  it('pages without repeating or skipping rows, even when timestamps tie', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    for (const name of names) await create({ DisplayName: name }); // same clock: equal GmtCreateTime in most rows
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await list(`PageSize=10&PageNumber=${page}`);
      expect(res.TotalCount).toBe(25);
      seen.push(...res.CodeSources.map((c) => c.CodeSourceId));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect((await list('PageSize=10&PageNumber=4')).CodeSources).toEqual([]);
  });

  it('searches names by case-insensitive substring; % _ \\ are literal', async () => {
    await seedNames(['BERT-finetune', 'bert_base', 'roberta', '100%-done', 'a_b', 'axb', 'back\\slash', '中文分词']);
    const names = async (q: string) =>
      (await list(`DisplayName=${encodeURIComponent(q)}&SortBy=DisplayName`)).CodeSources.map((c) => c.DisplayName);
    expect(await names('bert')).toEqual(['BERT-finetune', 'bert_base', 'roberta']);
    expect(await names('ERT-F')).toEqual(['BERT-finetune']);
    expect(await names('%')).toEqual(['100%-done']);
    expect(await names('_')).toEqual(['a_b', 'bert_base']);
    expect(await names('a_b')).toEqual(['a_b']);
    expect(await names('\\')).toEqual(['back\\slash']);
    expect(await names('分词')).toEqual(['中文分词']);
    expect(await names('b')).toHaveLength(6);
    expect(await names('"')).toEqual([]);
    expect(await names('zzz')).toEqual([]);
    expect((await list('DisplayName=bert')).TotalCount).toBe(3);
  });

  it('filters by Accessibility and by creator (extensions)', async () => {
    await create({ DisplayName: 'pub', Accessibility: 'PUBLIC' });
    await create({ DisplayName: 'priv' });
    await create({ DisplayName: 'admins' }, 'admin');
    expect((await list('Accessibility=PUBLIC')).CodeSources.map((c) => c.DisplayName)).toEqual(['pub']);
    expect((await list('Accessibility=PRIVATE')).TotalCount).toBe(2);
    expect((await list('UserId=300002')).TotalCount).toBe(2);
    expect((await list('UserId=300001&Accessibility=PRIVATE')).CodeSources.map((c) => c.DisplayName)).toEqual(['admins']);
  });

  it('never returns a token, only whether one is set', async () => {
    await create({ CodeRepoAccessToken: 'tok-abc-123' });
    const res = await t.as('dev').get(`${BASE}?WorkspaceId=${WS}`);
    const text = await res.text();
    expect(text).not.toContain('tok-abc-123');
    const body = JSON.parse(text) as ListCodeSourcesResponse;
    expect(body.CodeSources[0]).toMatchObject({ CodeRepoAccessToken: '', HasCodeRepoAccessToken: true });
  });

  it.each([
    ['', 'MissingParameter', 'WorkspaceId', 'required'],
    ['WorkspaceId=2001&PageSize=0', 'InvalidParameter', 'PageSize', 'integer_range'],
    ['WorkspaceId=2001&PageSize=101', 'InvalidParameter', 'PageSize', 'integer_range'],
    ['WorkspaceId=2001&PageSize=abc', 'InvalidParameter', 'PageSize', 'integer_range'],
    ['WorkspaceId=2001&PageNumber=0', 'InvalidParameter', 'PageNumber', 'integer_range'],
    ['WorkspaceId=2001&PageNumber=-1', 'InvalidParameter', 'PageNumber', 'integer_range'],
    ['WorkspaceId=2001&SortBy=Name', 'InvalidParameter', 'SortBy', 'enum'],
    ['WorkspaceId=2001&Order=up', 'InvalidParameter', 'Order', 'enum'],
    ['WorkspaceId=2001&Accessibility=ALL', 'InvalidParameter', 'Accessibility', 'enum'],
    ['WorkspaceId=2001&Color=red', 'InvalidParameter', 'Color', 'unknown_field'],
    ['WorkspaceId=2001&PageSize=10&PageSize=20', 'InvalidParameter', 'PageSize', 'duplicate_query'],
    ['WorkspaceId=2001&WorkspaceId=2002', 'InvalidParameter', 'WorkspaceId', 'duplicate_query'],
    [`WorkspaceId=2001&DisplayName=${'x'.repeat(129)}`, 'InvalidParameter', 'DisplayName', 'too_long'],
  ])('rejects the query %s', async (query, code, field, rule) => {
    await expectError(await t.as('dev').get(`${BASE}?${query}`), 400, code, field, rule);
  });

  it('answers 403 for a workspace the caller is not a member of, known or not', async () => {
    await expectError(await t.as('dev').get(`${BASE}?WorkspaceId=2002`), 403, 'Forbidden.NotWorkspaceMember', 'WorkspaceId');
    await expectError(await t.as('dev').get(`${BASE}?WorkspaceId=9999`), 403, 'Forbidden.NotWorkspaceMember', 'WorkspaceId');
  });
});

describe('GetCodeSource, UpdateCodeSource, DeleteCodeSource, Publish/Unpublish', () => {
  it('Get answers 404 with PAI code 201400002 for an unknown id', async () => {
    await expectError(await t.as('dev').get(`${BASE}/code-20200101000000-aaaaaaaaaaaa`), 404, '201400002');
  });

  it('Update is partial: absent fields stay, the ETag and GmtModifyTime move', async () => {
    const id = await create({ DisplayName: 'orig', Description: 'keep me', CodeBranch: 'dev', CodeRepoAccessToken: 'tok-1' });
    const before = await get(id);
    t.clock.now += 5000;
    const res = await t.as('dev').put(`${BASE}/${id}`, { DisplayName: 'renamed' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v2"');
    expect(await res.json()).toMatchObject({ CodeSourceId: id, RequestId: expect.any(String) });
    const after = await get(id);
    expect(after).toMatchObject({ DisplayName: 'renamed', Description: 'keep me', CodeBranch: 'dev', HasCodeRepoAccessToken: true });
    expect(after.GmtCreateTime).toBe(before.GmtCreateTime);
    expect(after.GmtModifyTime > before.GmtModifyTime).toBe(true);
    expect(await t.parts.codeSources.readAccessToken(id)).toBe('tok-1');
  });

  it('Update with "" clears optional fields and resets branch and mount path to their defaults', async () => {
    const id = await create({
      Description: 'd',
      CodeBranch: 'dev',
      CodeCommit: 'abcdef1',
      CodeRepoUserName: 'u',
      CodeRepoAccessToken: 't',
      MountPath: '/x',
    });
    const res = await t.as('dev').put(`${BASE}/${id}`, {
      Description: '',
      CodeBranch: '',
      CodeCommit: '',
      CodeRepoUserName: '',
      CodeRepoAccessToken: '',
      MountPath: '',
    });
    expect(res.status).toBe(200);
    expect(await get(id)).toMatchObject({
      Description: '',
      CodeBranch: 'master',
      CodeCommit: '',
      CodeRepoUserName: '',
      HasCodeRepoAccessToken: false,
      MountPath: '/root/code/',
    });
    expect(await t.parts.codeSources.readAccessToken(id)).toBeUndefined();
  });

  it('clearing the commit of a commit-only code source brings the branch back to master', async () => {
    const id = await create({ CodeCommit: 'abcdef1' });
    await t.as('dev').put(`${BASE}/${id}`, { CodeCommit: '' });
    expect(await get(id)).toMatchObject({ CodeBranch: 'master', CodeCommit: '' });
  });

  it('Update replaces the token when a new one is sent', async () => {
    const id = await create({ CodeRepoAccessToken: 'old-token' });
    await t.as('dev').put(`${BASE}/${id}`, { CodeRepoAccessToken: 'new-token' });
    expect(await t.parts.codeSources.readAccessToken(id)).toBe('new-token');
  });

  it('Update with {} changes nothing, keeps the version', async () => {
    const id = await create();
    const res = await t.as('dev').put(`${BASE}/${id}`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v1"');
  });

  it.each([
    [{ DisplayName: '' }, 'DisplayName', 'required'],
    [{ CodeRepo: '' }, 'CodeRepo', 'required'],
    [{ DisplayName: null }, 'DisplayName', 'type'],
    [{ Description: null }, 'Description', 'type'],
    [{ WorkspaceId: '2002' }, 'WorkspaceId', 'read_only'],
    [{ Accessibility: 'PUBLIC' }, 'Accessibility', 'read_only'],
    [{ GmtModifyTime: 'x' }, 'GmtModifyTime', 'read_only'],
    [{ ClientToken: 'x' }, 'ClientToken', 'unknown_field'],
  ])('Update rejects %j', async (patch, field, rule) => {
    const id = await create({ DisplayName: 'stay' });
    await expectError(await t.as('dev').put(`${BASE}/${id}`, patch), 400, 'InvalidParameter', field, rule);
    expect(await get(id)).toMatchObject({ DisplayName: 'stay', Accessibility: 'PRIVATE' });
  });

  it('Update to a taken name is 409 and changes nothing', async () => {
    await create({ DisplayName: 'taken' });
    const id = await create({ DisplayName: 'mine' });
    await expectError(await t.as('dev').put(`${BASE}/${id}`, { DisplayName: 'TAKEN' }), 409, 'Conflict.DuplicateName', 'DisplayName');
    expect((await get(id)).DisplayName).toBe('mine');
  });

  it('If-Match: the current ETag succeeds, a stale one is 412 and changes nothing', async () => {
    const id = await create({ Description: 'v1' });
    const etag = (await t.as('dev').get(`${BASE}/${id}`)).headers.get('etag') ?? '';
    expect(etag).toBe('"v1"');
    const ok = await t.as('dev').put(`${BASE}/${id}`, { Description: 'v2' }, { 'if-match': etag });
    expect(ok.status).toBe(200);
    await expectError(await t.as('dev').put(`${BASE}/${id}`, { Description: 'v3' }, { 'if-match': etag }), 412, 'PreconditionFailed');
    expect((await get(id)).Description).toBe('v2');
    await expectError(await t.as('dev').put(`${BASE}/${id}/publish`, undefined, { 'if-match': etag }), 412, 'PreconditionFailed');
    await expectError(await t.as('dev').delete(`${BASE}/${id}`, { 'if-match': 'W/"v2"' }), 412, 'PreconditionFailed');
    expect((await t.as('dev').delete(`${BASE}/${id}`, { 'if-match': '"v2"' })).status).toBe(200);
  });

  it('Publish makes it PUBLIC (idempotent); Unpublish makes it PRIVATE again', async () => {
    const id = await create();
    const pub = await t.as('dev').put(`${BASE}/${id}/publish`);
    expect(pub.status).toBe(200);
    expect(await pub.json()).toMatchObject({ CodeSourceId: id });
    expect((await get(id)).Accessibility).toBe('PUBLIC');
    const again = await t.as('dev').put(`${BASE}/${id}/publish`);
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe('"v2"');
    expect((await t.as('dev').put(`${BASE}/${id}/unpublish`)).status).toBe(200);
    expect((await get(id)).Accessibility).toBe('PRIVATE');
  });

  it('Delete removes it: Get is then 404 and the name is free again', async () => {
    const id = await create({ DisplayName: 'gone' });
    const res = await t.as('dev').delete(`${BASE}/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ CodeSourceId: id, RequestId: expect.any(String) });
    await expectError(await t.as('dev').get(`${BASE}/${id}`), 404, '201400002');
    await expectError(await t.as('dev').delete(`${BASE}/${id}`), 404, '201400002');
    await create({ DisplayName: 'gone' });
  });
});

describe('routing and headers', () => {
  it('answers JSON 404 for unknown API routes and 405 with Allow for wrong methods', async () => {
    await expectError(await t.as('dev').get('/api/v1/nothing'), 404, 'NotFound');
    const res = await t.as('dev').request('PATCH', `${BASE}/code-x`);
    expect(res.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
    await expectError(res, 405, 'MethodNotAllowed');
    await expectError(await t.as('dev').delete(BASE), 405, 'MethodNotAllowed');
  });

  it('sends no-store, nosniff, a CSP and the request id on API responses', async () => {
    const res = await t.as('dev').get(`${BASE}?WorkspaceId=${WS}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-acs-request-id')).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('writes one access-log line per request without query strings or bodies', async () => {
    await t.as('dev').post(BASE, createBody({ CodeRepoAccessToken: 'log-secret-1' }));
    await t.as('dev').get(`${BASE}?WorkspaceId=${WS}&DisplayName=private-search-text`);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      method: 'POST',
      path: BASE,
      status: 200,
      userId: '300002',
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    const all = t.logs.join('\n');
    expect(all).not.toContain('log-secret-1');
    expect(all).not.toContain('private-search-text');
  });

  it('a 500 carries no stack, SQL or detail, and is logged with its RequestId', async () => {
    expect((await t.as('dev').post(BASE, createBody())).status).toBe(200);
    // SQLite: a renamed table breaks the prepared statements. PostgreSQL's prepared statements follow a rename (they
    // hold the table, not its name), so there the table goes.
    if (t.engine === 'sqlite') {
      await t.sql('DROP INDEX code_sources_by_create');
      await t.sql('ALTER TABLE code_sources RENAME TO code_sources_moved');
    } else await t.sql('DROP TABLE code_sources CASCADE');
    const res = await t.as('dev').get(`${BASE}?WorkspaceId=${WS}`);
    const body = await expectError(res, 500, 'InternalError');
    expect(JSON.stringify(body)).not.toMatch(/sqlite|postgres|relation|select|code_sources|at /i);
    expect(t.logs.some((l) => l.includes('unhandled error') && l.includes(String(body.RequestId)))).toBe(true);
  });
});
