import { z } from 'zod';
import { ROLES } from './roles';

/** POST /api/v1/session — sign in with user name and password. */
export const signInSchema = z.strictObject({
  UserName: z.string().min(1, { error: 'is required' }).max(128),
  Password: z.string().min(1, { error: 'is required' }).max(1024),
});
export type SignIn = z.infer<typeof signInSchema>;

/** POST /api/v1/session in upstream mode — sign in to PAI with the user's own AccessKey (kept sealed, server-side). */
export const accessKeySignInSchema = z.strictObject({
  AccessKeyId: z.string().trim().min(1, { error: 'is required' }).max(128),
  AccessKeySecret: z.string().min(1, { error: 'is required' }).max(256),
});
export type AccessKeySignIn = z.infer<typeof accessKeySignInSchema>;

/**
 * The body of POST /api/v1/session as the route table declares it: either pair. The server's mode (`SessionInfo.Mode`)
 * says which it takes, and the handler checks the body against that pair's schema, so an error names the field.
 */
export const createSessionSchema = z
  .strictObject({
    UserName: z.string().max(128).optional(),
    Password: z.string().max(1024).optional(),
    AccessKeyId: z.string().max(128).optional(),
    AccessKeySecret: z.string().max(256).optional(),
  })
  .meta({
    id: 'CreateSession',
    description: 'Local mode: UserName and Password. Upstream mode: AccessKeyId and AccessKeySecret.',
  });

/**
 * Where the code sources live: `Local` (this server's database) or `Upstream` (PAI's API at `UpstreamEndpoint`,
 * with `PAI_ENDPOINT` set). Upstream, PAI's rules apply and what PAI lacks is absent: no unpublish, no ETag/If-Match,
 * no history or activity, no owner transfer, no member list or counts.
 */
export const SESSION_MODES = ['Local', 'Upstream'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

/** GET/POST/DELETE /api/v1/session — who is signed in; `CsrfToken` goes with every state-changing request. */
export const sessionInfoSchema = z
  .object({
    SignedIn: z.boolean(),
    Mode: z.enum(SESSION_MODES),
    UpstreamEndpoint: z.string().optional().meta({ description: "PAI's endpoint, in upstream mode." }),
    UserId: z.string().optional(),
    UserName: z.string().optional(),
    CsrfToken: z.string().optional().meta({ description: 'Send it as the x-csrf-token header on POST, PUT and DELETE.' }),
    RequestId: z.string(),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.output<typeof sessionInfoSchema>;

/** GET /api/v1/me — the caller. */
export const currentUserSchema = z.object({ UserId: z.string(), UserName: z.string(), RequestId: z.string() });

/** One workspace of the caller, with their roles and what the roles allow. */
export const workspaceSchema = z
  .object({
    WorkspaceId: z.string(),
    WorkspaceName: z.string(),
    Roles: z.array(z.enum(ROLES)),
    IsAdmin: z.boolean(),
    CanCreate: z.boolean(),
  })
  .meta({ id: 'Workspace' });
export type Workspace = z.output<typeof workspaceSchema>;

/** GET /api/v1/workspaces — the caller's workspaces. */
export const listWorkspacesResponseSchema = z.object({
  Workspaces: z.array(workspaceSchema),
  TotalCount: z.number().int().min(0),
  RequestId: z.string(),
});
