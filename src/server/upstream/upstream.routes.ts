import { randomUUID } from 'node:crypto';
import { routes } from '@/shared/api-routes';
import type { BatchAction, BatchItemResult } from '@/shared/admin.schema';
import type { CodeSource } from '@/shared/code-source.schema';
import { AppError, notFoundError } from '@/server/errors';
import { createRouter, requireCaller, tableRoute, type AppContext } from '@/server/http';
import type { IdentityRepository } from '@/server/storage';
import { sessionCredential, UpstreamError, type Json, type Upstream, type UpstreamRequest } from './upstream';
import type { OperationName } from '@/shared/api-paths';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * A code source as PAI sent it, in our wire shape. The access token never leaves this server: PAI's GetCodeSource
 * returns it in clear, so it becomes "" here and `HasCodeRepoAccessToken` says whether there is one.
 */
export function fromUpstream(item: Json): CodeSource {
  const token = str(item.CodeRepoAccessToken);
  return {
    CodeSourceId: str(item.CodeSourceId),
    WorkspaceId: str(item.WorkspaceId),
    DisplayName: str(item.DisplayName),
    Description: str(item.Description),
    CodeRepo: str(item.CodeRepo),
    CodeBranch: str(item.CodeBranch),
    CodeCommit: str(item.CodeCommit),
    CodeRepoUserName: str(item.CodeRepoUserName),
    CodeRepoAccessToken: '',
    HasCodeRepoAccessToken: token !== '' || item.HasCodeRepoAccessToken === true,
    MountPath: str(item.MountPath),
    Accessibility: item.Accessibility === 'PUBLIC' ? 'PUBLIC' : 'PRIVATE',
    CloneType: Number(item.CloneType) === 1 ? 1 : 0,
    UserId: str(item.UserId),
    UserName: str(item.UserName),
    GmtCreateTime: str(item.GmtCreateTime),
    GmtModifyTime: str(item.GmtModifyTime),
  };
}

/** Query values as PAI takes them: strings, undefined dropped. */
function queryOf(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

const notSupported = (what: string) =>
  new AppError('OperationNotSupported.Upstream', `PAI's API has no ${what}; it is not available while this console runs in front of PAI`);

/**
 * The code-source routes in upstream mode: PAI's six operations forwarded to PAI, signed with the session's own
 * AccessKey, so PAI's visibility rules and creator apply. What PAI lacks answers 400 OperationNotSupported.Upstream
 * (the console does not offer it); a bulk action runs item by item here with the same per-item results.
 * No ETag: PAI has no versions, so If-Match is not honoured (the console says "last writer wins").
 */
export function upstreamCodeSourcesRoutes(deps: { upstream: Upstream; identity: IdentityRepository }) {
  const { upstream, identity } = deps;
  const app = createRouter();
  const call = async (c: AppContext, operation: OperationName, request?: UpstreamRequest) => {
    requireCaller(c);
    return upstream.call(await sessionCredential(c, identity), operation, request);
  };
  const written = (answer: Json, id: string, c: AppContext) => ({
    CodeSourceId: str(answer.CodeSourceId) || id,
    RequestId: str(answer.RequestId) || c.get('requestId'),
  });

  app.openapi(tableRoute(routes.CreateCodeSource), async (c) => {
    const answer = await call(c, 'CreateCodeSource', { body: c.req.valid('json') });
    return c.json(written(answer, '', c), 200);
  });

  app.openapi(tableRoute(routes.ListCodeSources), async (c) => {
    const { Accessibility, UserId, ...pai } = c.req.valid('query');
    // This service's own filters: PAI would ignore them and answer an unfiltered list, so they are refused instead.
    if (Accessibility !== undefined) throw notSupported('Accessibility filter in ListCodeSources');
    if (UserId !== undefined) throw notSupported('UserId (creator) filter in ListCodeSources');
    const answer = await call(c, 'ListCodeSources', { query: queryOf(pai) });
    const items = Array.isArray(answer.CodeSources) ? (answer.CodeSources as Json[]) : [];
    return c.json(
      {
        CodeSources: items.map(fromUpstream),
        TotalCount: typeof answer.TotalCount === 'number' ? answer.TotalCount : Number(answer.TotalCount ?? items.length),
        RequestId: str(answer.RequestId) || c.get('requestId'),
      },
      200,
    );
  });

  app.openapi(tableRoute(routes.GetCodeSource), async (c) => {
    const { CodeSourceId } = c.req.valid('param');
    const answer = await call(c, 'GetCodeSource', { params: { CodeSourceId } });
    return c.json({ ...fromUpstream(answer), RequestId: str(answer.RequestId) || c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.UpdateCodeSource), async (c) => {
    const { CodeSourceId } = c.req.valid('param');
    const answer = await call(c, 'UpdateCodeSource', { params: { CodeSourceId }, body: c.req.valid('json') });
    return c.json(written(answer, CodeSourceId, c), 200);
  });

  app.openapi(tableRoute(routes.DeleteCodeSource), async (c) => {
    const { CodeSourceId } = c.req.valid('param');
    const answer = await call(c, 'DeleteCodeSource', { params: { CodeSourceId } });
    return c.json(written(answer, CodeSourceId, c), 200);
  });

  app.openapi(tableRoute(routes.PublishCodeSource), async (c) => {
    const { CodeSourceId } = c.req.valid('param');
    const answer = await call(c, 'PublishCodeSource', { params: { CodeSourceId } });
    return c.json(written(answer, CodeSourceId, c), 200);
  });

  app.openapi(tableRoute(routes.UnpublishCodeSource), () => {
    throw notSupported('unpublish: a PUBLIC code configuration stays PUBLIC');
  });
  app.openapi(tableRoute(routes.TransferCodeSourceOwner), () => {
    throw notSupported('owner transfer');
  });
  app.openapi(tableRoute(routes.ListCodeSourceEvents), () => {
    throw notSupported('history of changes');
  });
  app.openapi(tableRoute(routes.ListWorkspaceEvents), () => {
    throw notSupported('workspace activity');
  });
  app.openapi(tableRoute(routes.ListWorkspaceMembers), () => {
    throw notSupported('member list among these operations');
  });
  app.openapi(tableRoute(routes.GetCodeSourceCounts), () => {
    throw notSupported('visibility counts');
  });

  app.openapi(tableRoute(routes.BatchCodeSources), async (c) => {
    requireCaller(c);
    const input = c.req.valid('json');
    if (input.Action === 'Unpublish') throw notSupported('unpublish: a PUBLIC code configuration stays PUBLIC');
    const credential = await sessionCredential(c, identity);
    const operation: Record<Exclude<BatchAction, 'Unpublish'>, OperationName> = {
      Publish: 'PublishCodeSource',
      Delete: 'DeleteCodeSource',
    };
    // One item after the other, as the single operations would run. One item's refusal does not stop the rest; PAI
    // failing (5xx, throttling, unreachable) does: that item and the ones after it are reported as not done, and what
    // was done before stays in the answer.
    const results: BatchItemResult[] = [];
    let stopped: { code: string; message: string } | undefined;
    for (const id of input.CodeSourceIds) {
      if (stopped) {
        results.push({ CodeSourceId: id, Success: false, Code: 'NotAttempted', Message: `Not attempted: ${stopped.message}` });
        continue;
      }
      try {
        // PAI's ids are global: an id of another workspace must not be changed under this one's bulk action.
        const item = await upstream.call(credential, 'GetCodeSource', { params: { CodeSourceId: id } });
        if (str(item.WorkspaceId) !== input.WorkspaceId) {
          const e = notFoundError(id);
          results.push({ CodeSourceId: id, Success: false, Code: e.code, Message: e.message });
          continue;
        }
        await upstream.call(credential, operation[input.Action], { params: { CodeSourceId: id } });
        results.push({ CodeSourceId: id, Success: true });
      } catch (error) {
        if (error instanceof UpstreamError && error.status < 500 && error.status !== 429) {
          results.push({ CodeSourceId: id, Success: false, Code: error.code, Message: error.message });
          continue;
        }
        if (!(error instanceof UpstreamError || error instanceof AppError)) throw error;
        stopped = { code: error.code, message: error.message };
        results.push({ CodeSourceId: id, Success: false, Code: error.code, Message: error.message });
      }
    }
    const succeeded = results.filter((r) => r.Success).length;
    return c.json(
      {
        Results: results,
        SucceededCount: succeeded,
        FailedCount: results.length - succeeded,
        BatchId: randomUUID(),
        RequestId: c.get('requestId'),
      },
      200,
    );
  });

  return app;
}
