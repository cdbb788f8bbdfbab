/** The API's routes, written once for the server and the console. */
export const API_VERSION = '2021-02-04';
export const apiPaths = {
  codeSources: '/api/v1/codesources',
  codeSource: (id: string) => `/api/v1/codesources/${encodeURIComponent(id)}`,
  publish: (id: string) => `/api/v1/codesources/${encodeURIComponent(id)}/publish`,
  unpublish: (id: string) => `/api/v1/codesources/${encodeURIComponent(id)}/unpublish`,
  session: '/api/v1/session',
  me: '/api/v1/me',
  workspaces: '/api/v1/workspaces',
  health: '/healthz',
} as const;

/** Header carrying the CSRF token on state-changing browser requests. */
export const CSRF_HEADER = 'x-csrf-token';
