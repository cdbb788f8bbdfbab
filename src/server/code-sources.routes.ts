import { Hono } from 'hono';
import {
  createCodeSourceSchema,
  listCodeSourcesQuerySchema,
  updateCodeSourceSchema,
  type CodeSource,
  type ListCodeSourcesResponse,
} from '@/shared/code-source.schema';
import type { CodeSourceRecord } from './code-sources.repository';
import { etagOf, type CodeSourcesService } from './code-sources.service';
import { validationError } from './errors';
import { jsonBody, requireCaller, singleQuery, type AppContext, type AppEnv } from './http';

/** The wire shape. The token is never returned: `CodeRepoAccessToken` is "" and `HasCodeRepoAccessToken` tells. */
export function toCodeSource(r: CodeSourceRecord): CodeSource {
  return {
    CodeSourceId: r.codeSourceId,
    WorkspaceId: r.workspaceId,
    DisplayName: r.displayName,
    Description: r.description,
    CodeRepo: r.codeRepo,
    CodeBranch: r.codeBranch,
    CodeCommit: r.codeCommit,
    CodeRepoUserName: r.codeRepoUserName,
    CodeRepoAccessToken: '',
    HasCodeRepoAccessToken: r.hasAccessToken,
    MountPath: r.mountPath,
    Accessibility: r.accessibility,
    CloneType: r.cloneType,
    UserId: r.userId,
    UserName: r.userName,
    GmtCreateTime: r.gmtCreateTime,
    GmtModifyTime: r.gmtModifyTime,
  };
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, input);
  return result.data;
}

const ifMatch = (c: AppContext) => c.req.header('if-match');

function written(c: AppContext, record: CodeSourceRecord | undefined, codeSourceId: string) {
  if (record) c.header('ETag', etagOf(record));
  return c.json({ CodeSourceId: codeSourceId, RequestId: c.get('requestId') });
}

/** PAI's six CodeSource operations, plus the documented `unpublish` extension. */
export function codeSourcesRoutes(service: CodeSourcesService) {
  const app = new Hono<AppEnv>();

  app.post('/', (c) => {
    const caller = requireCaller(c);
    const body = jsonBody(c);
    const input = parse(createCodeSourceSchema, body);
    const { codeSourceId, record } = service.create(input, body, caller);
    return written(c, record, codeSourceId);
  });

  app.get('/', (c) => {
    const caller = requireCaller(c);
    const query = parse(listCodeSourcesQuerySchema, singleQuery(c));
    const { items, total } = service.list(query, caller);
    const response: ListCodeSourcesResponse = { CodeSources: items.map(toCodeSource), TotalCount: total, RequestId: c.get('requestId') };
    return c.json(response);
  });

  app.get('/:id', (c) => {
    const caller = requireCaller(c);
    const record = service.get(c.req.param('id'), caller);
    c.header('ETag', etagOf(record));
    return c.json({ ...toCodeSource(record), RequestId: c.get('requestId') });
  });

  app.put('/:id', (c) => {
    const caller = requireCaller(c);
    const patch = parse(updateCodeSourceSchema, jsonBody(c));
    const id = c.req.param('id');
    return written(c, service.update(id, patch, ifMatch(c), caller), id);
  });

  app.delete('/:id', (c) => {
    const caller = requireCaller(c);
    parse(updateCodeSourceSchema.pick({}), jsonBody(c, { allowEmpty: true }));
    const id = c.req.param('id');
    service.delete(id, ifMatch(c), caller);
    return c.json({ CodeSourceId: id, RequestId: c.get('requestId') });
  });

  app.put('/:id/publish', (c) => {
    const caller = requireCaller(c);
    parse(updateCodeSourceSchema.pick({}), jsonBody(c, { allowEmpty: true }));
    const id = c.req.param('id');
    return written(c, service.setAccessibility(id, 'PUBLIC', ifMatch(c), caller), id);
  });

  app.put('/:id/unpublish', (c) => {
    const caller = requireCaller(c);
    parse(updateCodeSourceSchema.pick({}), jsonBody(c, { allowEmpty: true }));
    const id = c.req.param('id');
    return written(c, service.setAccessibility(id, 'PRIVATE', ifMatch(c), caller), id);
  });

  return app;
}
