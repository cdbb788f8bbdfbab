import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { WS } from '@/testing/test-seed';

/**
 * Hostile input, table-driven: every row is a request that must be refused with the right status, Code and Field,
 * and must leave the database exactly as it was.
 */
let t: TestApp;
let existingId = '';
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('dev').post('/api/v1/codesources', createBody({ DisplayName: 'existing', CodeRepoAccessToken: 'tok-existing' }));
  existingId = ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
});
afterAll(() => t.close());

const TABLES = ['workspaces', 'users', 'access_keys', 'members', 'code_sources', 'client_tokens'];
async function databaseHash(): Promise<string> {
  const h = createHash('sha256');
  for (const table of TABLES)
    h.update(table).update(
      JSON.stringify(await t.sql(`SELECT * FROM ${table} ORDER BY 1, 2`), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
    );
  return h.digest('hex');
}

type Row = {
  name: string;
  method?: string;
  path?: string | (() => string);
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
};

const C = '/api/v1/codesources';
const create = (name: string, overrides: Record<string, unknown>, status: number, code: string, field?: string): Row => ({
  name: `create · ${name}`,
  method: 'POST',
  body: { ...createBody({ DisplayName: 'hostile' }), ...overrides },
  status,
  code,
  ...(field === undefined ? {} : { field }),
});
const bad = (field: string, value: unknown, name = `${field}=${JSON.stringify(value).slice(0, 40)}`) =>
  create(name, { [field]: value }, 400, 'InvalidParameter', field);
const update = (name: string, body: unknown, status: number, code: string, field?: string): Row => ({
  name: `update · ${name}`,
  method: 'PUT',
  path: () => `${C}/${existingId}`,
  body,
  status,
  code,
  ...(field === undefined ? {} : { field }),
});
const query = (name: string, q: string, status: number, code: string, field?: string): Row => ({
  name: `list · ${name}`,
  method: 'GET',
  path: `${C}?${q}`,
  status,
  code,
  ...(field === undefined ? {} : { field }),
});

const rows: Row[] = [
  // DisplayName
  bad('DisplayName', ''),
  bad('DisplayName', ' \t '),
  bad('DisplayName', 'x'.repeat(129)),
  bad('DisplayName', 'nul\u0000byte'),
  bad('DisplayName', 'bell\u0007'),
  bad('DisplayName', 'new\nline'),
  bad('DisplayName', 'rtl\u202Eoverride'),
  bad('DisplayName', 'lri\u2066isolate'),
  bad('DisplayName', 'zero\u200Bwidth'),
  bad('DisplayName', 'b\uFEFFom'),
  bad('DisplayName', 'c1\u0085control'),
  bad('DisplayName', 'line\u2028sep'),
  bad('DisplayName', 123),
  bad('DisplayName', true),
  bad('DisplayName', ['a']),
  bad('DisplayName', { a: 1 }),
  bad('DisplayName', null),
  // Description
  bad('Description', 'd'.repeat(1025)),
  bad('Description', 'esc\u001b[31m'),
  bad('Description', 'bidi\u202Dx'),
  bad('Description', 5),
  // CodeRepo
  bad('CodeRepo', ''),
  bad('CodeRepo', 'http://github.com/a/b.git'),
  bad('CodeRepo', 'HTTP://github.com/a/b.git'),
  bad('CodeRepo', 'ftp://host/repo.git'),
  bad('CodeRepo', 'file:///etc/passwd'),
  bad('CodeRepo', 'git://github.com/a/b.git'),
  bad('CodeRepo', 'ext::sh -c id'),
  bad('CodeRepo', 'ext::ssh'),
  bad('CodeRepo', 'javascript:alert(1)'),
  bad('CodeRepo', 'data:text/html,<script>alert(1)</script>'),
  bad('CodeRepo', '/srv/git/repo.git'),
  bad('CodeRepo', './repo'),
  bad('CodeRepo', 'C:\\repos\\x'),
  bad('CodeRepo', 'https://user:pass@github.com/a/b.git'),
  bad('CodeRepo', 'https://ghp_abc@github.com/a/b.git'),
  bad('CodeRepo', 'https://:pass@github.com/a/b.git'),
  bad('CodeRepo', 'ssh://git:secret@host/a.git'),
  bad('CodeRepo', 'user:token@github.com/a/b.git'),
  bad('CodeRepo', 'https://github.com/a b.git'),
  bad('CodeRepo', 'https://github.com/a\nb.git'),
  bad('CodeRepo', 'https://-oProxyCommand=x/a.git'),
  bad('CodeRepo', 'git@-oProxyCommand=x:a.git'),
  bad('CodeRepo', 'git@host:-upload-pack=x'),
  bad('CodeRepo', 'https://github.com/a/b.git?x=1'),
  bad('CodeRepo', `https://h/${'p'.repeat(1020)}`),
  // CodeBranch: every check-ref-format rule
  bad('CodeBranch', '.dot'),
  bad('CodeBranch', 'a/.dot'),
  bad('CodeBranch', 'x.lock'),
  bad('CodeBranch', 'a/b.lock/c'),
  bad('CodeBranch', 'a..b'),
  bad('CodeBranch', 'tab\tx'),
  bad('CodeBranch', 'sp ace'),
  bad('CodeBranch', 'til~de'),
  bad('CodeBranch', 'ca^ret'),
  bad('CodeBranch', 'co:lon'),
  bad('CodeBranch', 'q?'),
  bad('CodeBranch', 'st*r'),
  bad('CodeBranch', 'br[acket'),
  bad('CodeBranch', '/lead'),
  bad('CodeBranch', 'trail/'),
  bad('CodeBranch', 'dou//ble'),
  bad('CodeBranch', 'end.'),
  bad('CodeBranch', 'at@{brace'),
  bad('CodeBranch', '@'),
  bad('CodeBranch', 'back\\slash'),
  bad('CodeBranch', '-dash'),
  bad('CodeBranch', 'del\u007f'),
  bad('CodeBranch', 'b'.repeat(256)),
  // CodeCommit, MountPath, enums, credentials
  bad('CodeCommit', 'abc'),
  bad('CodeCommit', 'z'.repeat(40)),
  bad('CodeCommit', 'a'.repeat(50)),
  bad('CodeCommit', 'abcdef1 abc'),
  bad('CodeCommit', "abcdef1' OR 1=1 --"),
  bad('MountPath', 'root/code'),
  bad('MountPath', '/root/../../etc'),
  bad('MountPath', '/a/./b'),
  bad('MountPath', '/nul\u0000'),
  bad('MountPath', `/${'m'.repeat(1024)}`),
  bad('Accessibility', 'public'),
  bad('Accessibility', 'INTERNAL'),
  bad('CloneType', 2),
  bad('CloneType', -1),
  bad('CloneType', 0.5),
  bad('CloneType', '1'),
  bad('CodeRepoUserName', 'has space'),
  bad('CodeRepoUserName', 'u'.repeat(257)),
  bad('CodeRepoAccessToken', 'tab\ttoken'),
  bad('CodeRepoAccessToken', 'nul\u0000'),
  bad('CodeRepoAccessToken', 't'.repeat(1025)),
  bad('ClientToken', ''),
  bad('ClientToken', 'has space'),
  bad('ClientToken', 'ü-non-ascii'),
  bad('WorkspaceId', ''),
  // Structure
  create('missing DisplayName', { DisplayName: undefined }, 400, 'MissingParameter', 'DisplayName'),
  create('server-owned CodeSourceId', { CodeSourceId: 'code-1' }, 400, 'InvalidParameter', 'CodeSourceId'),
  create('server-owned UserId', { UserId: '300001' }, 400, 'InvalidParameter', 'UserId'),
  create('server-owned GmtModifyTime', { GmtModifyTime: 'now' }, 400, 'InvalidParameter', 'GmtModifyTime'),
  create('unknown field', { Owner: 'me' }, 400, 'InvalidParameter', 'Owner'),
  create('constructor key', { constructor: { prototype: {} } }, 400, 'InvalidParameter', 'constructor'),
  {
    name: 'create · __proto__ key',
    method: 'POST',
    raw: `{"WorkspaceId":"${WS}","DisplayName":"p","CodeRepo":"https://h/a.git","__proto__":{"x":1}}`,
    status: 400,
    code: 'InvalidParameter',
    field: '__proto__',
  },
  { name: 'create · malformed JSON', method: 'POST', raw: '{"DisplayName": ', status: 400, code: 'MalformedJSON' },
  { name: 'create · JSON array', method: 'POST', raw: '[]', status: 400, code: 'MalformedJSON' },
  { name: 'create · JSON string', method: 'POST', raw: '"x"', status: 400, code: 'MalformedJSON' },
  { name: 'create · empty body', method: 'POST', raw: '', status: 400, code: 'MalformedJSON' },
  { name: 'create · invalid UTF-8', method: 'POST', raw: '\udc80', status: 400, code: 'MalformedJSON' },
  {
    name: 'create · text/plain',
    method: 'POST',
    raw: '{}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'create · form encoded',
    method: 'POST',
    raw: 'a=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'create · huge body',
    method: 'POST',
    raw: JSON.stringify(createBody({ Description: 'x'.repeat(100_000) })),
    status: 413,
    code: 'PayloadTooLarge',
  },
  {
    name: 'create · other workspace',
    method: 'POST',
    body: createBody({ WorkspaceId: '2002' }),
    status: 403,
    code: 'Forbidden.NotWorkspaceMember',
    field: 'WorkspaceId',
  },
  // Update
  update('DisplayName ""', { DisplayName: '' }, 400, 'InvalidParameter', 'DisplayName'),
  update('CodeRepo ""', { CodeRepo: '' }, 400, 'InvalidParameter', 'CodeRepo'),
  update('null Description', { Description: null }, 400, 'InvalidParameter', 'Description'),
  update('Accessibility', { Accessibility: 'PUBLIC' }, 400, 'InvalidParameter', 'Accessibility'),
  update('WorkspaceId', { WorkspaceId: '2002' }, 400, 'InvalidParameter', 'WorkspaceId'),
  update('credentials in URL', { CodeRepo: 'https://a:b@h/x.git' }, 400, 'InvalidParameter', 'CodeRepo'),
  update('bad branch', { CodeBranch: 'a..b' }, 400, 'InvalidParameter', 'CodeBranch'),
  {
    name: 'update · stale If-Match',
    method: 'PUT',
    path: () => `${C}/${existingId}`,
    body: { Description: 'x' },
    headers: { 'if-match': '"v999"' },
    status: 412,
    code: 'PreconditionFailed',
  },
  {
    name: 'delete · stale If-Match',
    method: 'DELETE',
    path: () => `${C}/${existingId}`,
    headers: { 'if-match': '"v0"' },
    status: 412,
    code: 'PreconditionFailed',
  },
  {
    name: 'publish · body with a field',
    method: 'PUT',
    path: () => `${C}/${existingId}/publish`,
    body: { Accessibility: 'PUBLIC' },
    status: 400,
    code: 'InvalidParameter',
    field: 'Accessibility',
  },
  // Paths
  { name: 'get · unknown id', method: 'GET', path: `${C}/code-20200101000000-aaaaaaaaaaaa`, status: 404, code: '201400002' },
  { name: 'get · SQL in id', method: 'GET', path: `${C}/${encodeURIComponent("x' OR '1'='1")}`, status: 404, code: '201400002' },
  { name: 'get · traversal in id', method: 'GET', path: `${C}/..%2F..%2Fetc%2Fpasswd`, status: 404, code: '201400002' },
  { name: 'delete · unknown id', method: 'DELETE', path: `${C}/nope`, status: 404, code: '201400002' },
  { name: 'unknown route', method: 'GET', path: '/api/v1/secrets', status: 404, code: 'NotFound' },
  { name: 'wrong method', method: 'PATCH', path: C, status: 405, code: 'MethodNotAllowed' },
  // Query
  query('no WorkspaceId', '', 400, 'MissingParameter', 'WorkspaceId'),
  query('PageSize 0', `WorkspaceId=${WS}&PageSize=0`, 400, 'InvalidParameter', 'PageSize'),
  query('PageSize 1000', `WorkspaceId=${WS}&PageSize=1000`, 400, 'InvalidParameter', 'PageSize'),
  query('PageSize float', `WorkspaceId=${WS}&PageSize=1.5`, 400, 'InvalidParameter', 'PageSize'),
  query('PageSize hex', `WorkspaceId=${WS}&PageSize=0x10`, 400, 'InvalidParameter', 'PageSize'),
  query('PageNumber huge', `WorkspaceId=${WS}&PageNumber=99999999999`, 400, 'InvalidParameter', 'PageNumber'),
  query('PageNumber negative', `WorkspaceId=${WS}&PageNumber=-3`, 400, 'InvalidParameter', 'PageNumber'),
  query(
    'SortBy injection',
    `WorkspaceId=${WS}&SortBy=${encodeURIComponent('DisplayName; DROP TABLE code_sources')}`,
    400,
    'InvalidParameter',
    'SortBy',
  ),
  query('Order injection', `WorkspaceId=${WS}&Order=${encodeURIComponent('ASC, (SELECT 1)')}`, 400, 'InvalidParameter', 'Order'),
  query('repeated WorkspaceId', `WorkspaceId=${WS}&WorkspaceId=2002`, 400, 'InvalidParameter', 'WorkspaceId'),
  query('repeated DisplayName', `WorkspaceId=${WS}&DisplayName=a&DisplayName=b`, 400, 'InvalidParameter', 'DisplayName'),
  query('unknown parameter', `WorkspaceId=${WS}&Limit=5`, 400, 'InvalidParameter', 'Limit'),
  query('__proto__ parameter', `WorkspaceId=${WS}&__proto__=x`, 400, 'InvalidParameter', '__proto__'),
  query('oversized search', `WorkspaceId=${WS}&DisplayName=${'s'.repeat(200)}`, 400, 'InvalidParameter', 'DisplayName'),
  query('Accessibility lower-case', `WorkspaceId=${WS}&Accessibility=public`, 400, 'InvalidParameter', 'Accessibility'),
  query('other workspace', 'WorkspaceId=2002', 403, 'Forbidden.NotWorkspaceMember', 'WorkspaceId'),
  // Headers
  {
    name: 'headers · bad CSRF token',
    method: 'POST',
    body: createBody(),
    headers: { 'x-csrf-token': 'nope' },
    status: 403,
    code: 'Forbidden.CsrfTokenInvalid',
  },
  {
    name: 'headers · foreign Origin',
    method: 'POST',
    body: createBody(),
    headers: { origin: 'https://evil.example' },
    status: 403,
    code: 'Forbidden.CsrfTokenInvalid',
  },
  {
    name: 'headers · garbage Authorization',
    method: 'POST',
    body: createBody(),
    headers: { authorization: 'Bearer abc' },
    status: 400,
    code: 'IncompleteSignature',
  },
  {
    name: 'headers · empty ACS3 Authorization',
    method: 'GET',
    path: `${C}?WorkspaceId=${WS}`,
    headers: { authorization: 'ACS3-HMAC-SHA256 ' },
    status: 400,
    code: 'IncompleteSignature',
  },
  {
    name: 'headers · content-length lies big',
    method: 'POST',
    raw: '{}',
    headers: { 'content-length': '99999999' },
    status: 413,
    code: 'PayloadTooLarge',
  },
];

describe('hostile input', () => {
  it('has at least 80 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  for (const row of rows) {
    it(`${row.name} → ${row.status} ${row.code}${row.field ? ` on ${row.field}` : ''}`, async () => {
      const before = await databaseHash();
      const path = typeof row.path === 'function' ? row.path() : (row.path ?? C);
      const body = row.raw !== undefined ? row.raw : row.body === undefined ? undefined : JSON.stringify(row.body);
      const res = await t.as('dev').request(row.method ?? 'GET', path, body, {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...row.headers,
      });
      const text = await res.text();
      expect(res.status, text).toBe(row.status);
      const json = JSON.parse(text) as Record<string, unknown>;
      expect(json.Code).toBe(row.code);
      expect(json.RequestId).toEqual(expect.any(String));
      if (row.field !== undefined) expect(json.Field).toBe(row.field);
      expect(text).not.toContain('tok-existing');
      expect(await databaseHash()).toBe(before);
    });
  }
});

describe('valid text that looks dangerous round-trips exactly', () => {
  const samples = [
    '<script>alert("x")</script>',
    '<img src=x onerror=alert(1)>',
    "Robert'); DROP TABLE code_sources;--",
    '100% _done_ \\ %%',
    '😀 emoji 👩‍💻 with ZWJ',
    'مرحبا بالعالم',
    'שלום עולם',
    '中文名称 テスト 한국어',
    'کد‌منبع', // Persian with ZWNJ
    '{{constructor.constructor("x")()}}',
    '${process.env.SECRET_KEY}',
  ];
  for (const [i, name] of samples.entries()) {
    it(`name ${i}: ${name}`, async () => {
      const res = await t.as('dev').post('/api/v1/codesources', createBody({ DisplayName: name, Description: `desc ${name}` }));
      expect(res.status, await res.clone().text()).toBe(200);
      const { CodeSourceId } = (await res.json()) as { CodeSourceId: string };
      const got = (await (await t.as('dev').get(`/api/v1/codesources/${CodeSourceId}`)).json()) as {
        DisplayName: string;
        Description: string;
      };
      expect(got.DisplayName).toBe(name.normalize('NFC'));
      expect(got.Description).toBe(`desc ${name}`.normalize('NFC'));
      const found = (await (
        await t.as('dev').get(`/api/v1/codesources?WorkspaceId=${WS}&DisplayName=${encodeURIComponent(name)}`)
      ).json()) as { CodeSources: { CodeSourceId: string }[] };
      expect(found.CodeSources.map((c) => c.CodeSourceId)).toContain(CodeSourceId);
    });
  }
});
