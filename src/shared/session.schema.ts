import { z } from 'zod';
import type { Role } from './roles';

/** POST /api/v1/session — sign in with user name and password. */
export const signInSchema = z.strictObject({
  UserName: z.string().min(1, { error: 'is required' }).max(128),
  Password: z.string().min(1, { error: 'is required' }).max(1024),
});
export type SignIn = z.infer<typeof signInSchema>;

export interface SessionInfo {
  SignedIn: boolean;
  UserId?: string;
  UserName?: string;
  CsrfToken?: string;
  RequestId: string;
}

export interface WorkspaceMembership {
  WorkspaceId: string;
  WorkspaceName: string;
  Roles: Role[];
}
