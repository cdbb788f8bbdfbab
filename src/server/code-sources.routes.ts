import { routes } from '@/shared/api-routes';
import type { CodeSource } from '@/shared/code-source.schema';
import type { CodeSourceRecord } from './code-sources.repository';
import { etagOf, type CodeSourcesService } from './code-sources.service';
import { createRouter, requireCaller, tableRoute, type AppContext } from './http';

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

/** The answer of a write: the id, and the ETag of the row it left (none when a retried create's row is gone). */
function written(c: AppContext, record: CodeSourceRecord | undefined, codeSourceId: string) {
  if (record) c.header('ETag', etagOf(record));
  return { CodeSourceId: codeSourceId, RequestId: c.get('requestId') };
}

/** PAI's six CodeSource operations, plus the documented `unpublish` extension, bound to the route table. */
export function codeSourcesRoutes(service: CodeSourcesService) {
  const app = createRouter();

  app.openapi(tableRoute(routes.CreateCodeSource), async (c) => {
    const caller = requireCaller(c);
    const { codeSourceId, record } = await service.create(c.req.valid('json'), c.get('rawBody'), caller);
    return c.json(written(c, record, codeSourceId), 200);
  });

  app.openapi(tableRoute(routes.ListCodeSources), async (c) => {
    const caller = requireCaller(c);
    const { items, total } = await service.list(c.req.valid('query'), caller);
    return c.json({ CodeSources: items.map(toCodeSource), TotalCount: total, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.GetCodeSource), async (c) => {
    const caller = requireCaller(c);
    const record = await service.get(c.req.valid('param').CodeSourceId, caller);
    c.header('ETag', etagOf(record));
    return c.json({ ...toCodeSource(record), RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.UpdateCodeSource), async (c) => {
    const caller = requireCaller(c);
    const id = c.req.valid('param').CodeSourceId;
    const record = await service.update(id, c.req.valid('json'), c.req.valid('header')['if-match'], caller);
    return c.json(written(c, record, id), 200);
  });

  app.openapi(tableRoute(routes.DeleteCodeSource), async (c) => {
    const caller = requireCaller(c);
    const id = c.req.valid('param').CodeSourceId;
    await service.delete(id, c.req.valid('header')['if-match'], caller);
    return c.json({ CodeSourceId: id, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.PublishCodeSource), async (c) => {
    const caller = requireCaller(c);
    const id = c.req.valid('param').CodeSourceId;
    return c.json(written(c, await service.setAccessibility(id, 'PUBLIC', c.req.valid('header')['if-match'], caller), id), 200);
  });

  app.openapi(tableRoute(routes.UnpublishCodeSource), async (c) => {
    const caller = requireCaller(c);
    const id = c.req.valid('param').CodeSourceId;
    return c.json(written(c, await service.setAccessibility(id, 'PRIVATE', c.req.valid('header')['if-match'], caller), id), 200);
  });

  app.openapi(tableRoute(routes.TransferCodeSourceOwner), async (c) => {
    const caller = requireCaller(c);
    const id = c.req.valid('param').CodeSourceId;
    return c.json(
      written(c, await service.transferOwner(id, c.req.valid('json').UserId, c.req.valid('header')['if-match'], caller), id),
      200,
    );
  });

  app.openapi(tableRoute(routes.BatchCodeSources), async (c) => {
    const caller = requireCaller(c);
    const { results, batchId } = await service.batch(c.req.valid('json'), caller);
    const succeeded = results.filter((r) => r.Success).length;
    return c.json(
      {
        Results: results,
        SucceededCount: succeeded,
        FailedCount: results.length - succeeded,
        BatchId: batchId,
        RequestId: c.get('requestId'),
      },
      200,
    );
  });

  app.openapi(tableRoute(routes.ListCodeSourceEvents), async (c) => {
    const caller = requireCaller(c);
    const { PageNumber, PageSize } = c.req.valid('query');
    const { items, total } = await service.events(c.req.valid('param').CodeSourceId, PageNumber, PageSize, caller);
    return c.json({ Events: items, TotalCount: total, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListWorkspaceEvents), async (c) => {
    const caller = requireCaller(c);
    const { items, total } = await service.workspaceEvents(c.req.valid('param').WorkspaceId, c.req.valid('query'), caller);
    return c.json({ Events: items, TotalCount: total, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListWorkspaceMembers), async (c) => {
    const caller = requireCaller(c);
    const members = await service.members(c.req.valid('param').WorkspaceId, caller);
    return c.json({ Members: members, TotalCount: members.length, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.GetCodeSourceCounts), async (c) => {
    const caller = requireCaller(c);
    const { publicCount, privateCount } = await service.counts(c.req.valid('param').WorkspaceId, caller);
    return c.json({ PublicCount: publicCount, PrivateCount: privateCount, RequestId: c.get('requestId') }, 200);
  });

  return app;
}
