import type { RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import { endpoints, CSRF_HEADER } from './api-paths';
import {
  codeSourceWriteResponseSchema,
  createCodeSourceSchema,
  getCodeSourceResponseSchema,
  listCodeSourcesQuerySchema,
  listCodeSourcesResponseSchema,
  updateCodeSourceSchema,
} from './code-source.schema';
import {
  batchRequestSchema,
  batchResponseSchema,
  codeSourceCountsResponseSchema,
  listCodeSourceEventsQuerySchema,
  listEventsResponseSchema,
  listMembersResponseSchema,
  listWorkspaceEventsQuerySchema,
  transferOwnerSchema,
  workspaceIdParams,
} from './admin.schema';
import {
  accessKeyIdParams,
  accessKeyWriteResponseSchema,
  createAccessKeyResponseSchema,
  listAccessKeysResponseSchema,
  updateAccessKeySchema,
} from './access-key.schema';
import { errorCodes } from './error-codes';
import { gitCheckRequestSchema, gitCheckResponseSchema, gitRefsRequestSchema, gitRefsResponseSchema } from './git-remote.schema';
import { createSessionSchema, currentUserSchema, listWorkspacesResponseSchema, sessionInfoSchema } from './session.schema';

/**
 * THE route table: every route of the service, declared once — method and path (from `endpoints`), request
 * schemas, every response with its status and schema. The server binds handlers to it (`@hono/zod-openapi`), the
 * OpenAPI document is generated from it, the console's API client takes its types from it and the tests check
 * every response against it.
 */

/** PAI's error body, plus `Field`/`Rule` for a field error. */
export const apiErrorBodySchema = z
  .object({
    RequestId: z.string(),
    HostId: z.string(),
    Code: z.union([
      z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]),
      z.string().meta({ description: "Upstream mode (PAI_ENDPOINT): PAI's own Code, passed through as PAI answered it." }),
    ]),
    Message: z.string(),
    Field: z.string().optional().meta({ description: 'The parameter at fault (extension).' }),
    Rule: z.string().optional().meta({ description: 'Which rule it broke, e.g. too_long (extension).' }),
  })
  .meta({ id: 'Error' });

/** Names of the security schemes in the OpenAPI document. */
export const securitySchemes = {
  ACS3: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      "ACS3-HMAC-SHA256, as Alibaba Cloud's @alicloud/openapi-client signs requests with an AccessKey pair: " +
      '`ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=…,Signature=…`, with x-acs-date, ' +
      'x-acs-signature-nonce (once), x-acs-content-sha256, x-acs-action and x-acs-version signed.',
  },
  Session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'cc_session',
    description: "The console's HttpOnly session cookie, set by CreateSession.",
  },
  Csrf: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description: 'With the session cookie, every POST, PUT and DELETE carries the CsrfToken that the session answers.',
  },
} as const;

type SecurityRequirement = Partial<Record<keyof typeof securitySchemes, string[]>>;
/** Reads: signed, or a console session. Writes: signed, or a session with its CSRF token. */
const read: SecurityRequirement[] = [{ ACS3: [] }, { Session: [] }];
const write: SecurityRequirement[] = [{ ACS3: [] }, { Session: [], Csrf: [] }];
/** AccessKeys are managed from a browser session only: an AccessKey cannot mint or change keys. */
const sessionRead: SecurityRequirement[] = [{ Session: [] }];
const sessionWrite: SecurityRequirement[] = [{ Session: [], Csrf: [] }];

const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const errorDescriptions = {
  400: 'A parameter is missing or breaks a rule (`Field`, `Rule`), or the signature is wrong',
  401: 'Not signed in and not signed',
  403: 'Not a member of the workspace, the role does not allow it, a CSRF check failed, or an AccessKey signed a session-only call',
  404: 'No such code source (or AccessKeyId), or not visible to (or, for a Git check, not editable by) the caller',
  405: 'The path does not take this method',
  409: 'The name is taken in the workspace, the ClientToken was used with another body, or the AccessKey limit is reached',
  412: 'If-Match does not match the current ETag',
  413: 'The body is larger than 64 KiB',
  415: 'The body is not application/json',
  429: 'Too many failed sign-ins, or too many Git checks at once or in a minute, or (upstream mode) PAI throttled the call; see Retry-After',
  500: 'An unexpected fault; the RequestId identifies it in the server log',
  502: "Upstream mode: PAI's endpoint could not be reached or did not answer with PAI's JSON (the message names it)",
  503: 'The database cannot be reached (the health check, or any call while it is down)',
  504: "Upstream mode: PAI's endpoint did not answer within PAI_TIMEOUT_MS (the message names it)",
} as const;
/** The error responses of a route: the statuses given, and the 500 any route may answer. */
function errors<S extends keyof typeof errorDescriptions>(...statuses: S[]) {
  return Object.fromEntries([...statuses, 500 as const].map((s) => [s, json(apiErrorBodySchema, errorDescriptions[s])])) as {
    [K in S | 500]: ReturnType<typeof json<typeof apiErrorBodySchema>>;
  };
}

const etagHeader = z.object({ ETag: z.string().meta({ description: 'The version, for If-Match: "v<n>"' }) });
const codeSourceIdParams = z.object({
  CodeSourceId: z.string().meta({ description: 'The code source id, e.g. code-20260101000000-abcdefabcdef' }),
});
const ifMatchHeaders = z.object({
  'if-match': z.string().optional().meta({ description: 'The ETag last read; a stale one answers 412 (extension).' }),
});
/** Body-less operations take no body, or an empty JSON object. */
const emptyBody = { required: false, content: { 'application/json': { schema: z.strictObject({}) } } };
const written = (description: string) => ({ ...json(codeSourceWriteResponseSchema, description), headers: etagHeader });

/**
 * What the shared middleware may answer on a route whatever its handler does: any request to the API may carry a
 * repeated query parameter or a bad signature (400) or an unknown AccessKeyId (404); any write may fail the origin
 * checks (403) or exceed the body limit (413); anything may fault (500); in upstream mode PAI may throttle (429), be
 * unreachable (502) or silent (504).
 */
function commonErrorStatuses(r: RouteConfig): (keyof typeof errorDescriptions)[] {
  const statuses: (keyof typeof errorDescriptions)[] = [];
  if (r.path.startsWith('/api/')) statuses.push(400, 404);
  if (r.method !== 'get') statuses.push(403, 413);
  // Upstream mode: what the session's calls to PAI may come back with (PAI's own errors pass through as well).
  if (r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json') statuses.push(429, 502, 504);
  return statuses;
}

/** Helps TypeScript keep each route's literal types while checking it is a route; adds the common error answers. */
const route = <const R extends RouteConfig>(r: R): R => ({ ...r, responses: { ...errors(...commonErrorStatuses(r)), ...r.responses } });

export const routes = {
  CreateCodeSource: route({
    ...endpoints.CreateCodeSource,
    operationId: 'CreateCodeSource',
    tags: ['PAI CodeSource'],
    summary: 'Create a code source',
    description: "PAI's CreateCodeSource. `ClientToken` (extension) makes a retry within 7 days return the same id.",
    security: write,
    request: { body: { required: true, content: { 'application/json': { schema: createCodeSourceSchema } } } },
    responses: { 200: written('Created'), ...errors(400, 401, 403, 409, 413, 415) },
  }),
  ListCodeSources: route({
    ...endpoints.ListCodeSources,
    operationId: 'ListCodeSources',
    tags: ['PAI CodeSource'],
    summary: 'List the code sources of a workspace',
    description: "PAI's ListCodeSources. `Accessibility` and `UserId` filters are extensions.",
    security: read,
    request: { query: listCodeSourcesQuerySchema },
    responses: { 200: json(listCodeSourcesResponseSchema, 'One page'), ...errors(400, 401, 403) },
  }),
  GetCodeSource: route({
    ...endpoints.GetCodeSource,
    operationId: 'GetCodeSource',
    tags: ['PAI CodeSource'],
    summary: 'Get one code source',
    security: read,
    request: { params: codeSourceIdParams },
    responses: { 200: { ...json(getCodeSourceResponseSchema, 'The code source'), headers: etagHeader }, ...errors(401, 404) },
  }),
  UpdateCodeSource: route({
    ...endpoints.UpdateCodeSource,
    operationId: 'UpdateCodeSource',
    tags: ['PAI CodeSource'],
    summary: 'Change fields of a code source',
    description: 'Partial: an absent field stays, "" clears it (or resets it to its default).',
    security: write,
    request: {
      params: codeSourceIdParams,
      headers: ifMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: updateCodeSourceSchema } } },
    },
    responses: { 200: written('Updated'), ...errors(400, 401, 403, 404, 409, 412, 413, 415) },
  }),
  DeleteCodeSource: route({
    ...endpoints.DeleteCodeSource,
    operationId: 'DeleteCodeSource',
    tags: ['PAI CodeSource'],
    summary: 'Delete a code source',
    security: write,
    request: { params: codeSourceIdParams, headers: ifMatchHeaders, body: emptyBody },
    responses: { 200: json(codeSourceWriteResponseSchema, 'Deleted'), ...errors(400, 401, 403, 404, 412, 413, 415) },
  }),
  PublishCodeSource: route({
    ...endpoints.PublishCodeSource,
    operationId: 'PublishCodeSource',
    tags: ['PAI CodeSource'],
    summary: 'Make a code source PUBLIC',
    security: write,
    request: { params: codeSourceIdParams, headers: ifMatchHeaders, body: emptyBody },
    responses: { 200: written('Now PUBLIC'), ...errors(400, 401, 403, 404, 412, 413, 415) },
  }),
  UnpublishCodeSource: route({
    ...endpoints.UnpublishCodeSource,
    operationId: 'UnpublishCodeSource',
    tags: ['Extensions'],
    summary: 'Make a code source PRIVATE again',
    security: write,
    request: { params: codeSourceIdParams, headers: ifMatchHeaders, body: emptyBody },
    responses: { 200: written('Now PRIVATE'), ...errors(400, 401, 403, 404, 412, 413, 415) },
  }),
  BatchCodeSources: route({
    ...endpoints.BatchCodeSources,
    operationId: 'BatchCodeSources',
    tags: ['Extensions'],
    summary: 'Publish, unpublish or delete up to 100 code sources',
    description:
      'Each item goes through the same permission check, rules and history as the single operation, in its own ' +
      'transaction; all share one BatchId. The answer has one result per id, in order: an id the caller may not see ' +
      'is `201400002` like everywhere else, one already deleted (that the caller could see) `AlreadyDeleted`. ' +
      'A repeated id, more than 100 ids or an unknown Action is a 400 for the whole request.',
    security: write,
    request: { body: { required: true, content: { 'application/json': { schema: batchRequestSchema } } } },
    responses: { 200: json(batchResponseSchema, 'One result per id'), ...errors(400, 401, 403, 413, 415) },
  }),
  TransferCodeSourceOwner: route({
    ...endpoints.TransferCodeSourceOwner,
    operationId: 'TransferCodeSourceOwner',
    tags: ['Extensions'],
    summary: 'Hand a code source to another member (admins)',
    description:
      'For workspace owners and admins. The new owner must be a member with a role that may create code sources ' +
      '(otherwise 400 `Rule: not_eligible_owner` on UserId). Recorded as TransferOwner.',
    security: write,
    request: {
      params: codeSourceIdParams,
      headers: ifMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: transferOwnerSchema } } },
    },
    responses: { 200: written('Transferred'), ...errors(400, 401, 403, 404, 412, 413, 415) },
  }),
  ListCodeSourceEvents: route({
    ...endpoints.ListCodeSourceEvents,
    operationId: 'ListCodeSourceEvents',
    tags: ['Extensions'],
    summary: 'The change history of a code source, newest first',
    description: 'For whoever may see the code source now (otherwise the same 404). The token appears only as set / changed / removed.',
    security: read,
    request: { params: codeSourceIdParams, query: listCodeSourceEventsQuerySchema },
    responses: { 200: json(listEventsResponseSchema, 'One page of events'), ...errors(400, 401, 404) },
  }),
  ListWorkspaceEvents: route({
    ...endpoints.ListWorkspaceEvents,
    operationId: 'ListWorkspaceEvents',
    tags: ['Extensions'],
    summary: "The workspace's activity, newest first",
    description:
      'Admins see every event, deleted code sources included; other members the events of the code sources they may ' +
      'see now. Filters combine.',
    security: read,
    request: { params: workspaceIdParams, query: listWorkspaceEventsQuerySchema },
    responses: { 200: json(listEventsResponseSchema, 'One page of events'), ...errors(400, 401, 403) },
  }),
  ListWorkspaceMembers: route({
    ...endpoints.ListWorkspaceMembers,
    operationId: 'ListWorkspaceMembers',
    tags: ['Extensions'],
    summary: 'The members of a workspace and their roles',
    description: 'For members of that workspace.',
    security: read,
    request: { params: workspaceIdParams },
    responses: { 200: json(listMembersResponseSchema, 'The members'), ...errors(401, 403) },
  }),
  GetCodeSourceCounts: route({
    ...endpoints.GetCodeSourceCounts,
    operationId: 'GetCodeSourceCounts',
    tags: ['Extensions'],
    summary: 'How many PUBLIC and PRIVATE code sources the caller may see in a workspace',
    security: read,
    request: { params: workspaceIdParams },
    responses: { 200: json(codeSourceCountsResponseSchema, 'The counts'), ...errors(401, 403) },
  }),
  CheckGitRemote: route({
    ...endpoints.CheckGitRemote,
    operationId: 'CheckGitRemote',
    tags: ['Extensions'],
    summary: 'Test a Git address and credentials against the real remote',
    description:
      'Asks the remote (https:// only) for its refs; with CodeBranch, whether that branch exists and its tip; with CodeCommit, ' +
      'whether that commit exists. Any outcome of the remote is a 200 with a `Result`. Only `https://` is contacted, ' +
      'every address the host resolves to is checked when connecting (no private, loopback, link-local or metadata ' +
      'addresses unless GIT_ALLOWED_NETWORKS allows them), redirects are named, never followed. Needs a role that may ' +
      'create code sources; `CodeSourceId` uses its stored token only for a caller who may edit it and only towards ' +
      'the same scheme, host and port. Limited per user (429 with Retry-After); answers are cached for 60 s per user, ' +
      'address and credentials.',
    security: write,
    request: { body: { required: true, content: { 'application/json': { schema: gitCheckRequestSchema } } } },
    responses: { 200: json(gitCheckResponseSchema, 'What the remote answered'), ...errors(400, 401, 403, 404, 413, 415, 429) },
  }),
  ListGitRefs: route({
    ...endpoints.ListGitRefs,
    operationId: 'ListGitRefs',
    tags: ['Extensions'],
    summary: "The remote's branches or tags, filtered by a substring",
    description:
      'The same rules as CheckGitRemote. At most `Limit` refs whose name contains `Search` (ignoring case), the default ' +
      'branch first, then by name (tags newest version first); `TotalCount` says how many match.',
    security: write,
    request: { body: { required: true, content: { 'application/json': { schema: gitRefsRequestSchema } } } },
    responses: { 200: json(gitRefsResponseSchema, 'The matching refs'), ...errors(400, 401, 403, 404, 413, 415, 429) },
  }),
  GetSession: route({
    ...endpoints.GetSession,
    operationId: 'GetSession',
    tags: ['Extensions'],
    summary: 'Who is signed in in this browser',
    security: [],
    responses: { 200: json(sessionInfoSchema, 'The session, or SignedIn: false'), ...errors() },
  }),
  CreateSession: route({
    ...endpoints.CreateSession,
    operationId: 'CreateSession',
    tags: ['Extensions'],
    summary: 'Sign in: user name and password, or (upstream mode) your PAI AccessKey',
    description:
      'Sets the session cookie; replaces a session the browser already has. With `Mode: Upstream` (see GetSession) ' +
      "the body is `{AccessKeyId, AccessKeySecret}`: the pair is verified with one signed call to PAI and kept sealed in this server's session only.",
    security: [],
    request: { body: { required: true, content: { 'application/json': { schema: createSessionSchema } } } },
    responses: { 200: json(sessionInfoSchema, 'Signed in'), ...errors(400, 401, 403, 413, 415, 429) },
  }),
  DeleteSession: route({
    ...endpoints.DeleteSession,
    operationId: 'DeleteSession',
    tags: ['Extensions'],
    summary: 'Sign out',
    security: [],
    responses: { 200: json(sessionInfoSchema, 'Signed out'), ...errors(403) },
  }),
  GetCurrentUser: route({
    ...endpoints.GetCurrentUser,
    operationId: 'GetCurrentUser',
    tags: ['Extensions'],
    summary: 'The caller',
    security: read,
    responses: { 200: json(currentUserSchema, 'The caller'), ...errors(401) },
  }),
  ListWorkspaces: route({
    ...endpoints.ListWorkspaces,
    operationId: 'ListWorkspaces',
    tags: ['Extensions'],
    summary: "The caller's workspaces and roles",
    security: read,
    responses: { 200: json(listWorkspacesResponseSchema, 'The workspaces'), ...errors(401) },
  }),
  CreateAccessKey: route({
    ...endpoints.CreateAccessKey,
    operationId: 'CreateAccessKey',
    tags: ['Extensions'],
    summary: 'Create an AccessKey pair for the signed-in user',
    description:
      'Browser sessions only (a signed request gets 403 `Forbidden.SessionRequired`). The secret is in this answer ' +
      'only (`Cache-Control: no-store`) and is stored sealed. At most 2 keys per user: a third is 409 `AccessKey.LimitExceeded`.',
    security: sessionWrite,
    request: { body: emptyBody },
    responses: { 200: json(createAccessKeyResponseSchema, 'The new pair'), ...errors(400, 401, 403, 409, 413, 415) },
  }),
  ListAccessKeys: route({
    ...endpoints.ListAccessKeys,
    operationId: 'ListAccessKeys',
    tags: ['Extensions'],
    summary: "The signed-in user's AccessKeys (never their secrets)",
    description: 'Browser sessions only. The last use is recorded at most once a minute per key.',
    security: sessionRead,
    responses: { 200: json(listAccessKeysResponseSchema, 'The keys, oldest first'), ...errors(401, 403) },
  }),
  UpdateAccessKey: route({
    ...endpoints.UpdateAccessKey,
    operationId: 'UpdateAccessKey',
    tags: ['Extensions'],
    summary: 'Enable or disable one of your AccessKeys',
    description:
      'Browser sessions only. A disabled key is refused at once by every process (`InvalidAccessKeyId.Inactive`). ' +
      "Another user's key is a 404 like an unknown one.",
    security: sessionWrite,
    request: { params: accessKeyIdParams, body: { required: true, content: { 'application/json': { schema: updateAccessKeySchema } } } },
    responses: { 200: json(accessKeyWriteResponseSchema, 'Changed'), ...errors(400, 401, 403, 404, 413, 415) },
  }),
  DeleteAccessKey: route({
    ...endpoints.DeleteAccessKey,
    operationId: 'DeleteAccessKey',
    tags: ['Extensions'],
    summary: 'Delete one of your AccessKeys',
    description: 'Browser sessions only. A deleted key is refused at once by every process (`InvalidAccessKeyId.NotFound`).',
    security: sessionWrite,
    request: { params: accessKeyIdParams, body: emptyBody },
    responses: { 200: json(accessKeyWriteResponseSchema, 'Deleted'), ...errors(400, 401, 403, 404, 413, 415) },
  }),
  GetOpenApiDocument: route({
    ...endpoints.GetOpenApiDocument,
    operationId: 'GetOpenApiDocument',
    tags: ['Extensions'],
    summary: 'This document (OpenAPI 3.1)',
    security: [],
    responses: { 200: json(z.looseObject({ openapi: z.string() }), 'The OpenAPI document'), ...errors() },
  }),
  GetApiReference: route({
    ...endpoints.GetApiReference,
    operationId: 'GetApiReference',
    tags: ['Extensions'],
    summary: 'This document rendered as a page',
    security: [],
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } }, ...errors() },
  }),
  CheckHealth: route({
    ...endpoints.CheckHealth,
    operationId: 'CheckHealth',
    tags: ['Extensions'],
    summary: 'Readiness: the process answers and its database (SQLite or PostgreSQL) answers a query',
    security: [],
    responses: {
      200: json(z.object({ Status: z.literal('ok'), Database: z.enum(['sqlite', 'postgres']), RequestId: z.string() }), 'Healthy'),
      ...errors(503),
    },
  }),
} as const;
export type Routes = typeof routes;
