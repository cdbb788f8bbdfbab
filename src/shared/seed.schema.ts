import { z } from 'zod';
import { createCodeSourceSchema } from './code-source.schema';
import { ROLES } from './roles';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1-64 letters, digits, . _ or -' });

/** The JSON file that `SEED_FILE` names, applied once to an empty database. */
export const seedSchema = z.strictObject({
  workspaces: z.array(z.strictObject({ WorkspaceId: id, WorkspaceName: z.string().min(1).max(128) })).default([]),
  users: z
    .array(
      z
        .strictObject({
          UserId: id,
          UserName: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, { error: 'must be 1-64 letters, digits, . _ @ or -' }),
          Password: z.string().min(8, { error: 'must be at least 8 characters' }).max(1024).optional(),
          AccessKeyId: z
            .string()
            .regex(/^[A-Za-z0-9]{8,64}$/, { error: 'must be 8-64 letters or digits' })
            .optional(),
          AccessKeySecret: z.string().min(16).max(128).optional(),
        })
        .refine((u) => (u.AccessKeyId === undefined) === (u.AccessKeySecret === undefined), {
          error: 'AccessKeyId and AccessKeySecret come together',
        }),
    )
    .default([]),
  members: z.array(z.strictObject({ WorkspaceId: id, UserId: id, Roles: z.array(z.enum(ROLES)).min(1) })).default([]),
  codeSources: z.array(createCodeSourceSchema.omit({ ClientToken: true }).extend({ UserId: id })).default([]),
});
export type Seed = z.output<typeof seedSchema>;
export type SeedInput = z.input<typeof seedSchema>;
