import { z } from 'zod';
import { EVENT_ACTIONS, limits } from './code-source.constants';
import { ruleMessages, workspaceIdSchema } from './code-source.schema';
import { ROLES } from './roles';

/**
 * The admin side of code sources: the change history (events), batch actions, owner transfer and the members a
 * code source can be handed to. All extensions to PAI's API.
 */

// Declared with the zod-free constants, so the console's Activity page can list them without loading zod.
export { EVENT_ACTIONS, type EventAction } from './code-source.constants';

/** How the change was made: a console session, a request signed with an AccessKey, or the seed file at first start. */
export const EVENT_VIAS = ['Console', 'AccessKey', 'Seed'] as const;
export type EventVia = (typeof EVENT_VIAS)[number];

/** The access token is never recorded, not even hashed: only what happened to it. */
export const TOKEN_CHANGES = ['set', 'changed', 'removed'] as const;

const changeValue = z.union([z.string(), z.number()]).nullable();
export const eventChangeSchema = z
  .object({
    Field: z.string().meta({ description: 'The API field name, e.g. Accessibility, UserId' }),
    Before: changeValue.meta({ description: 'null when the field had no value (Create); for CodeRepoAccessToken always null' }),
    After: changeValue.meta({ description: 'null after a Delete; for CodeRepoAccessToken "set", "changed" or "removed"' }),
  })
  .meta({ id: 'EventChange' });
export type EventChange = z.output<typeof eventChangeSchema>;

export const codeSourceEventSchema = z
  .object({
    EventId: z.string(),
    WorkspaceId: z.string(),
    CodeSourceId: z.string(),
    Action: z.enum(EVENT_ACTIONS),
    DisplayName: z.string().meta({ description: "The code source's name when the change was made" }),
    UserId: z.string().meta({ description: 'Who made the change' }),
    UserName: z.string(),
    Via: z.enum(EVENT_VIAS),
    AccessKeyId: z.string().optional().meta({ description: 'The AccessKey that signed the request (Via AccessKey)' }),
    RequestId: z.string(),
    BatchId: z.string().optional().meta({ description: 'Set when the change was one item of a batch action' }),
    GmtCreateTime: z.iso.datetime(),
    Changes: z.array(eventChangeSchema),
    CodeSourceExists: z.boolean().meta({ description: 'Whether the code source still exists' }),
  })
  .meta({ id: 'CodeSourceEvent' });
export type CodeSourceEvent = z.output<typeof codeSourceEventSchema>;

function queryInt(min: number, max: number) {
  return z
    .string()
    .superRefine((value, ctx) => {
      if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
        ctx.addIssue({ code: 'custom', message: ruleMessages.integer_range, params: { rule: 'integer_range' } });
      }
    })
    .transform(Number);
}
const paging = {
  PageNumber: queryInt(1, limits.pageNumber).default(1),
  PageSize: queryInt(1, limits.pageSize).default(20),
};
const idText = z.string().min(1).max(64);

/** GET /api/v1/codesources/{CodeSourceId}/events */
export const listCodeSourceEventsQuerySchema = z.strictObject(paging);
/** GET /api/v1/workspaces/{WorkspaceId}/events */
export const listWorkspaceEventsQuerySchema = z.strictObject({
  ...paging,
  Action: z.enum(EVENT_ACTIONS, { error: ruleMessages.enum }).optional(),
  UserId: idText.optional(),
  CodeSourceId: idText.optional(),
});
export type ListWorkspaceEventsQuery = z.output<typeof listWorkspaceEventsQuerySchema>;

export const listEventsResponseSchema = z.object({
  Events: z.array(codeSourceEventSchema).meta({ description: 'Newest first' }),
  TotalCount: z.number().int().min(0),
  RequestId: z.string(),
});
export type ListEventsResponse = z.output<typeof listEventsResponseSchema>;

export const BATCH_ACTIONS = ['Publish', 'Unpublish', 'Delete'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];
export const BATCH_MAX = limits.batchItems;

/** POST /api/v1/codesources/batch */
export const batchRequestSchema = z.strictObject({
  WorkspaceId: workspaceIdSchema,
  Action: z.enum(BATCH_ACTIONS, { error: ruleMessages.enum }),
  CodeSourceIds: z
    .array(idText)
    .min(1)
    .max(BATCH_MAX)
    .superRefine((ids, ctx) => {
      if (new Set(ids).size !== ids.length) {
        ctx.addIssue({ code: 'custom', message: ruleMessages.duplicate_items, params: { rule: 'duplicate_items' } });
      }
    }),
});
export type BatchRequest = z.output<typeof batchRequestSchema>;

export const batchItemResultSchema = z.object({
  CodeSourceId: z.string(),
  Success: z.boolean(),
  Code: z.string().optional().meta({ description: 'Why it failed: the Code the single operation would answer, or AlreadyDeleted' }),
  Message: z.string().optional(),
});
export type BatchItemResult = z.output<typeof batchItemResultSchema>;

export const batchResponseSchema = z.object({
  Results: z.array(batchItemResultSchema).meta({ description: 'One per id, in the order sent' }),
  SucceededCount: z.number().int().min(0),
  FailedCount: z.number().int().min(0),
  BatchId: z.string(),
  RequestId: z.string(),
});
export type BatchResponse = z.output<typeof batchResponseSchema>;

/** PUT /api/v1/codesources/{CodeSourceId}/owner */
export const transferOwnerSchema = z.strictObject({ UserId: idText });
export type TransferOwner = z.output<typeof transferOwnerSchema>;

export const workspaceMemberSchema = z.object({
  UserId: z.string(),
  UserName: z.string(),
  Roles: z.array(z.enum(ROLES)),
  CanOwnCodeSources: z.boolean().meta({ description: 'Whether a code source can be transferred to this member' }),
});
export type WorkspaceMember = z.output<typeof workspaceMemberSchema>;

/** GET /api/v1/workspaces/{WorkspaceId}/members */
export const listMembersResponseSchema = z.object({
  Members: z.array(workspaceMemberSchema),
  TotalCount: z.number().int().min(0),
  RequestId: z.string(),
});

/** GET /api/v1/workspaces/{WorkspaceId}/codesource-counts — what the caller may see, by visibility. */
export const codeSourceCountsResponseSchema = z.object({
  PublicCount: z.number().int().min(0),
  PrivateCount: z.number().int().min(0),
  RequestId: z.string(),
});
export type CodeSourceCounts = z.output<typeof codeSourceCountsResponseSchema>;

export const workspaceIdParams = z.object({ WorkspaceId: z.string().meta({ description: 'The workspace id, e.g. 1001' }) });
