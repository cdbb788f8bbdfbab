/**
 * Each route's method and path, by its operation name (PAI's names for PAI's six operations). zod-free, so the
 * console's first screen can call the API without loading the schemas; `api-routes.ts` adds the schemas.
 */
export const API_VERSION = '2021-02-04';

export const endpoints = {
  CreateCodeSource: { method: 'post', path: '/api/v1/codesources' },
  ListCodeSources: { method: 'get', path: '/api/v1/codesources' },
  GetCodeSource: { method: 'get', path: '/api/v1/codesources/{CodeSourceId}' },
  UpdateCodeSource: { method: 'put', path: '/api/v1/codesources/{CodeSourceId}' },
  DeleteCodeSource: { method: 'delete', path: '/api/v1/codesources/{CodeSourceId}' },
  PublishCodeSource: { method: 'put', path: '/api/v1/codesources/{CodeSourceId}/publish' },
  UnpublishCodeSource: { method: 'put', path: '/api/v1/codesources/{CodeSourceId}/unpublish' },
  BatchCodeSources: { method: 'post', path: '/api/v1/codesources/batch' },
  TransferCodeSourceOwner: { method: 'put', path: '/api/v1/codesources/{CodeSourceId}/owner' },
  ListCodeSourceEvents: { method: 'get', path: '/api/v1/codesources/{CodeSourceId}/events' },
  ListWorkspaceEvents: { method: 'get', path: '/api/v1/workspaces/{WorkspaceId}/events' },
  ListWorkspaceMembers: { method: 'get', path: '/api/v1/workspaces/{WorkspaceId}/members' },
  GetCodeSourceCounts: { method: 'get', path: '/api/v1/workspaces/{WorkspaceId}/codesource-counts' },
  CheckGitRemote: { method: 'post', path: '/api/v1/git/check' },
  ListGitRefs: { method: 'post', path: '/api/v1/git/refs' },
  GetSession: { method: 'get', path: '/api/v1/session' },
  CreateSession: { method: 'post', path: '/api/v1/session' },
  DeleteSession: { method: 'delete', path: '/api/v1/session' },
  GetCurrentUser: { method: 'get', path: '/api/v1/me' },
  ListWorkspaces: { method: 'get', path: '/api/v1/workspaces' },
  CreateAccessKey: { method: 'post', path: '/api/v1/me/accesskeys' },
  ListAccessKeys: { method: 'get', path: '/api/v1/me/accesskeys' },
  UpdateAccessKey: { method: 'put', path: '/api/v1/me/accesskeys/{AccessKeyId}' },
  DeleteAccessKey: { method: 'delete', path: '/api/v1/me/accesskeys/{AccessKeyId}' },
  GetOpenApiDocument: { method: 'get', path: '/api/v1/openapi.json' },
  GetApiReference: { method: 'get', path: '/api/docs' },
  CheckHealth: { method: 'get', path: '/healthz' },
} as const satisfies Record<string, { method: 'get' | 'post' | 'put' | 'delete'; path: string }>;
export type OperationName = keyof typeof endpoints;

/** A path template with its `{Param}`s filled in, each URL-encoded. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path parameter ${name} is missing`);
    return encodeURIComponent(value);
  });
}

/** A path template as a pattern that matches its concrete paths (with or without a trailing slash). */
export function pathPattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`);
}

/** Concrete paths, for tests and links. */
export const apiPaths = {
  codeSources: endpoints.ListCodeSources.path,
  codeSource: (id: string) => fillPath(endpoints.GetCodeSource.path, { CodeSourceId: id }),
  publish: (id: string) => fillPath(endpoints.PublishCodeSource.path, { CodeSourceId: id }),
  unpublish: (id: string) => fillPath(endpoints.UnpublishCodeSource.path, { CodeSourceId: id }),
  batch: endpoints.BatchCodeSources.path,
  owner: (id: string) => fillPath(endpoints.TransferCodeSourceOwner.path, { CodeSourceId: id }),
  codeSourceEvents: (id: string) => fillPath(endpoints.ListCodeSourceEvents.path, { CodeSourceId: id }),
  workspaceEvents: (id: string) => fillPath(endpoints.ListWorkspaceEvents.path, { WorkspaceId: id }),
  members: (id: string) => fillPath(endpoints.ListWorkspaceMembers.path, { WorkspaceId: id }),
  counts: (id: string) => fillPath(endpoints.GetCodeSourceCounts.path, { WorkspaceId: id }),
  gitCheck: endpoints.CheckGitRemote.path,
  gitRefs: endpoints.ListGitRefs.path,
  session: endpoints.GetSession.path,
  me: endpoints.GetCurrentUser.path,
  workspaces: endpoints.ListWorkspaces.path,
  accessKeys: endpoints.ListAccessKeys.path,
  accessKey: (id: string) => fillPath(endpoints.UpdateAccessKey.path, { AccessKeyId: id }),
  openApi: endpoints.GetOpenApiDocument.path,
  apiReference: endpoints.GetApiReference.path,
  health: endpoints.CheckHealth.path,
} as const;

/** Header carrying the CSRF token on state-changing browser requests. */
export const CSRF_HEADER = 'x-csrf-token';
/** The language the user chose in the console, as a cookie: the server sends the first screen's static frame in it. */
export const LOCALE_COOKIE = 'cc_locale';
