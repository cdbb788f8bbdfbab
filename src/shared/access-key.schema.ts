import { z } from 'zod';

/** How many AccessKeys a user may hold at once, as Alibaba Cloud RAM allows. */
export const MAX_ACCESS_KEYS_PER_USER = 2;
export const ACCESS_KEY_STATUSES = ['Active', 'Inactive'] as const;
export type AccessKeyStatus = (typeof ACCESS_KEY_STATUSES)[number];

/** Path parameter of the per-key routes. */
export const accessKeyIdParams = z.object({
  AccessKeyId: z.string().max(128).meta({ description: 'The AccessKeyId, e.g. LTAI5tAbCdEfGhIjKlMnOpQr' }),
});

/** POST /api/v1/me/accesskeys — the new pair; the secret appears in this answer only. */
export const createAccessKeyResponseSchema = z
  .object({
    AccessKeyId: z.string(),
    AccessKeySecret: z.string().meta({ description: 'Shown this once; stored only sealed, never answered again.' }),
    RequestId: z.string(),
  })
  .meta({ id: 'CreatedAccessKey' });
export type CreatedAccessKey = z.output<typeof createAccessKeyResponseSchema>;

/** One AccessKey of the caller, without its secret. */
export const accessKeySchema = z
  .object({
    AccessKeyId: z.string(),
    Status: z.enum(ACCESS_KEY_STATUSES),
    GmtCreateTime: z.iso.datetime(),
    GmtLastUsedTime: z.iso.datetime().nullable().meta({ description: 'The last signed request, to the minute; null if never used.' }),
  })
  .meta({ id: 'AccessKey' });
export type AccessKey = z.output<typeof accessKeySchema>;

/** GET /api/v1/me/accesskeys — the caller's keys, oldest first. */
export const listAccessKeysResponseSchema = z.object({ AccessKeys: z.array(accessKeySchema), RequestId: z.string() });
export type ListAccessKeysResponse = z.output<typeof listAccessKeysResponseSchema>;

/** PUT /api/v1/me/accesskeys/{AccessKeyId} — enable or disable a key. */
export const updateAccessKeySchema = z.strictObject({ Status: z.enum(ACCESS_KEY_STATUSES) });
export type UpdateAccessKey = z.infer<typeof updateAccessKeySchema>;

/** PUT and DELETE answer the request's id. */
export const accessKeyWriteResponseSchema = z.object({ RequestId: z.string() });
