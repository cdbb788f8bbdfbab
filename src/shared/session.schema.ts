import { z } from 'zod';
import { ROLES } from './roles';

/** POST /api/v1/session — sign in with user name and password. */
export const signInSchema = z.strictObject({
  UserName: z.string().min(1, { error: 'is required' }).max(128),
  Password: z.string().min(1, { error: 'is required' }).max(1024),
});
export type SignIn = z.infer<typeof signInSchema>;

/** GET/POST/DELETE /api/v1/session — who is signed in; `CsrfToken` goes with every state-changing request. */
export const sessionInfoSchema = z
  .object({
    SignedIn: z.boolean(),
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
