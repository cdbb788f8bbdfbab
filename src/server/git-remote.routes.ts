import { routes } from '@/shared/api-routes';
import type { GitRemoteService } from './git-remote.service';
import { createRouter, requireCaller, tableRoute } from './http';

/** The Git checks of the create/edit form and the details drawer, bound to the route table. */
export function gitRemoteRoutes(service: GitRemoteService) {
  const app = createRouter();

  app.openapi(tableRoute(routes.CheckGitRemote), async (c) => {
    const caller = requireCaller(c);
    const result = await service.check(c.req.valid('json'), caller);
    return c.json({ ...result, RequestId: c.get('requestId') }, 200);
  });

  app.openapi(tableRoute(routes.ListGitRefs), async (c) => {
    const caller = requireCaller(c);
    const result = await service.refs(c.req.valid('json'), caller);
    return c.json({ ...result, RequestId: c.get('requestId') }, 200);
  });

  return app;
}
