import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '@/shared/api-routes';
import { createTestApp, type TestApp } from '@/testing/test-app';
import { assertDocumentedResponse } from '@/testing/route-contract';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; tags: string[]; security: unknown[] }>>;
  components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
}
async function documentOf(): Promise<OpenApiDocument> {
  const res = await t.anonymous.get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const doc = await documentOf();
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('lists every route of the app, and nothing the app does not serve', async () => {
    const doc = await documentOf();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    // Hono's own list of registered handlers; middleware is registered for ALL methods.
    const served = [
      ...new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)),
    ];
    expect(served.sort()).toEqual(documented.sort());
    expect(documented.sort()).toEqual(
      Object.values(routes)
        .map((r) => `${r.method.toUpperCase()} ${r.path}`)
        .sort(),
    );
  });

  it("names PAI's six operations as PAI does, tags the extensions, and declares both ways to authenticate", async () => {
    const doc = await documentOf();
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    const pai = ops.filter((o) => o.tags.includes('PAI CodeSource')).map((o) => o.operationId);
    expect(pai.sort()).toEqual([
      'CreateCodeSource',
      'DeleteCodeSource',
      'GetCodeSource',
      'ListCodeSources',
      'PublishCodeSource',
      'UpdateCodeSource',
    ]);
    expect(ops.filter((o) => !o.tags.includes('PAI CodeSource')).every((o) => o.tags.includes('Extensions'))).toBe(true);
    expect(doc.components.securitySchemes.ACS3).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(doc.components.securitySchemes.Session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'cc_session' });
    expect(doc.components.securitySchemes.Csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
    const update = doc.paths['/api/v1/codesources/{CodeSourceId}']?.put;
    expect(update?.security).toEqual([{ ACS3: [] }, { Session: [], Csrf: [] }]);
  });

  it('documents request fields with their limits, from the shared contract', async () => {
    const doc = (await documentOf()) as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean } }
              >;
            };
          }
        >
      >;
    };
    const create = doc.paths['/api/v1/codesources']?.post?.requestBody?.content['application/json']?.schema;
    expect(create?.required.sort()).toEqual(['CodeRepo', 'DisplayName', 'WorkspaceId']);
    expect(create?.additionalProperties).toBe(false);
    expect(create?.properties.DisplayName).toMatchObject({ type: 'string', minLength: 1, maxLength: 128 });
    expect(create?.properties.CodeRepoAccessToken).toMatchObject({ maxLength: 1024 });
    const update = doc.paths['/api/v1/codesources/{CodeSourceId}']?.put?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(update?.properties ?? {})).not.toContain('WorkspaceId');
    expect(Object.keys(update?.properties ?? {})).toContain('DisplayName');
  });
});

describe('the route-contract check', () => {
  it('fails a response whose body breaks the documented schema, or whose status is not documented', async () => {
    const bad = new Response(JSON.stringify({ CodeSources: [{ CodeSourceId: 1 }], TotalCount: 1, RequestId: 'x' }), {
      headers: { 'content-type': 'application/json' },
    });
    await expect(assertDocumentedResponse('GET', '/api/v1/codesources?WorkspaceId=1', bad)).rejects.toThrow(/ListCodeSources 200/);
    const undocumented = new Response(JSON.stringify({ RequestId: 'x', HostId: 'h', Code: 'Conflict.DuplicateName', Message: 'm' }), {
      status: 409,
      headers: { 'content-type': 'application/json' },
    });
    await expect(assertDocumentedResponse('GET', '/api/v1/codesources/code-1', undocumented)).rejects.toThrow(/does not document/);
  });
});

describe('HEAD', () => {
  it('answers as GET does, without a body, for API GET routes and the console', async () => {
    const api = await t.anonymous.request('HEAD', '/healthz');
    expect(api.status).toBe(200);
    expect(await api.text()).toBe('');
    const listed = await t.as('dev').request('HEAD', '/api/v1/workspaces');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-type')).toMatch(/^application\/json/);
    const unauth = await t.anonymous.request('HEAD', '/api/v1/workspaces');
    expect(unauth.status).toBe(401);
  });

  it('is allowed wherever GET is, and named in Allow', async () => {
    const res = await t.as('dev').request('PATCH', '/api/v1/openapi.json');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the API reference page', () => {
  it('serves a page that loads only files of this origin, and the renderer itself', async () => {
    const page = await t.anonymous.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src, src).toMatch(/^(\/|data:)/);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    for (const src of sources.filter((s) => s?.startsWith('/'))) {
      const res = await t.anonymous.get(src ?? '');
      expect(res.status, src).toBe(200);
    }
  });
});

describe('body-less operations', () => {
  it('take a JSON content type with no body as no body (not a 500, not a parse error)', async () => {
    const created = await t
      .as('dev')
      .post('/api/v1/codesources', { WorkspaceId: '2001', DisplayName: 'no-body', CodeRepo: 'https://github.com/a/b.git' });
    const { CodeSourceId } = (await created.json()) as { CodeSourceId: string };
    const publish = await t
      .as('dev')
      .request('PUT', `/api/v1/codesources/${CodeSourceId}/publish`, undefined, { 'content-type': 'application/json' });
    expect(publish.status, await publish.clone().text()).toBe(200);
    const removed = await t
      .as('dev')
      .request('DELETE', `/api/v1/codesources/${CodeSourceId}`, undefined, { 'content-type': 'application/json' });
    expect(removed.status, await removed.clone().text()).toBe(200);
  });
});
