import { z } from 'zod';
import { checkGitAddress, checkMountPath, isValidBranchName, isValidCommit } from './git';
import {
  codePointLength,
  hasForbiddenDescriptionCharacters,
  hasForbiddenNameCharacters,
  hasWhitespaceOrControl,
  normalizeText,
} from './text';
import { ACCESSIBILITIES, limits, ORDERS, SORT_BY } from './code-source.constants';

export {
  ACCESSIBILITIES,
  DEFAULT_BRANCH,
  DEFAULT_MOUNT_PATH,
  limits,
  ORDERS,
  SORT_BY,
  type Accessibility,
  type Order,
  type SortBy,
} from './code-source.constants';

/**
 * Rule ids: the server sends them as `Rule` beside `Field`, and the console translates by them. The English text
 * here is the API's `Message`.
 */
export const ruleMessages = {
  required: 'is required',
  type: 'has the wrong type',
  too_long: 'is too long',
  forbidden_characters: 'contains control, zero-width or bidirectional-override characters',
  whitespace: 'must not contain spaces or control characters',
  scheme_not_allowed: 'must be an https:// or SSH (ssh://… or git@host:path) address',
  credentials_in_url: 'must not contain a user name or token; use the Git Username and Access Token fields',
  invalid_url: 'is not a valid Git address',
  invalid_branch: 'is not a valid Git branch name',
  invalid_commit: 'must be a commit hash of 7 to 40 (or 64) hexadecimal characters',
  not_absolute: 'must be an absolute path starting with /',
  dot_segment: 'must not contain . or .. segments',
  enum: 'is not one of the allowed values',
  integer_range: 'is not an allowed whole number',
  unknown_field: 'is not a parameter of this operation',
  read_only: 'is set by the server and cannot be sent',
  duplicate_query: 'is given more than once',
  duplicate_name: 'is already used in this workspace',
  duplicate_items: 'lists the same item more than once',
  not_eligible_owner: 'must be a member of the workspace with a role that may create code sources',
  other_host: 'can lend its stored token only to an address with the same scheme, host and port as its own',
} as const;
export type RuleId = keyof typeof ruleMessages;

/** The human message for a rule on a field, e.g. "DisplayName is too long (at most 128 characters)". */
export function ruleMessage(field: string, rule: RuleId, max?: number): string {
  const suffix = rule === 'too_long' && max !== undefined ? ` (at most ${max} characters)` : '';
  return `${field} ${ruleMessages[rule]}${suffix}`;
}

function fail(ctx: z.RefinementCtx, rule: RuleId, max?: number): void {
  ctx.addIssue({ code: 'custom', message: ruleMessages[rule], params: { rule, max } });
}

/** A text field that is trimmed and NFC-normalized, limited in code points, and checked by `check`. */
function text(max: number, check?: (value: string) => RuleId | null, { allowEmpty = true } = {}) {
  return (
    z
      .string()
      // For the OpenAPI document: the limit in code points, after trimming and NFC (checked below).
      .meta({ maxLength: max, ...(allowEmpty ? {} : { minLength: 1 }) })
      .transform(normalizeText)
      .superRefine((value, ctx) => {
        if (!allowEmpty && value === '') return fail(ctx, 'required');
        if (codePointLength(value) > max) return fail(ctx, 'too_long', max);
        const rule = value === '' ? null : (check?.(value) ?? null);
        if (rule) fail(ctx, rule);
      })
  );
}

export const displayNameSchema = text(limits.displayName, (v) => (hasForbiddenNameCharacters(v) ? 'forbidden_characters' : null), {
  allowEmpty: false,
});
export const descriptionSchema = text(limits.description, (v) => (hasForbiddenDescriptionCharacters(v) ? 'forbidden_characters' : null));
export const codeRepoSchema = text(limits.codeRepo, checkGitAddress, { allowEmpty: false });
export const codeBranchSchema = text(limits.codeBranch, (v) => (isValidBranchName(v) ? null : 'invalid_branch'));
export const codeCommitSchema = text(64, (v) => (isValidCommit(v) ? null : 'invalid_commit')).transform((v) => v.toLowerCase());
export const mountPathSchema = text(limits.mountPath, checkMountPath);
/** Credentials are kept exactly as typed (no trimming): a space is an error, not something to fix silently. */
function credential(max: number) {
  return z
    .string()
    .meta({ maxLength: max, pattern: '^\\S*$' })
    .superRefine((value, ctx) => {
      if (codePointLength(value) > max) return fail(ctx, 'too_long', max);
      if (hasWhitespaceOrControl(value)) fail(ctx, 'whitespace');
    });
}
export const codeRepoUserNameSchema = credential(limits.codeRepoUserName);
export const codeRepoAccessTokenSchema = credential(limits.codeRepoAccessToken);
export const accessibilitySchema = z.enum(ACCESSIBILITIES, { error: ruleMessages.enum });
export const cloneTypeSchema = z.union([z.literal(0), z.literal(1)], { error: ruleMessages.integer_range });
export const workspaceIdSchema = text(limits.workspaceId, (v) => (hasWhitespaceOrControl(v) ? 'whitespace' : null), {
  allowEmpty: false,
});
export const clientTokenSchema = z.string().superRefine((value, ctx) => {
  if (value.length === 0) return fail(ctx, 'required');
  if (value.length > limits.clientToken) return fail(ctx, 'too_long', limits.clientToken);
  if (!/^[\x21-\x7e]+$/.test(value)) fail(ctx, 'whitespace');
});

/** Fields only the server sets; sending one is an error, not something silently dropped. */
export const READ_ONLY_FIELDS = [
  'CodeSourceId',
  'UserId',
  'UserName',
  'GmtCreateTime',
  'GmtModifyTime',
  'HasCodeRepoAccessToken',
  'RequestId',
] as const;

/** POST /api/v1/codesources — body of CreateCodeSource (PAI's fields, plus the `ClientToken` extension). */
export const createCodeSourceSchema = z.strictObject({
  WorkspaceId: workspaceIdSchema,
  DisplayName: displayNameSchema,
  Description: descriptionSchema.optional(),
  CodeRepo: codeRepoSchema,
  CodeBranch: codeBranchSchema.optional(),
  CodeCommit: codeCommitSchema.optional(),
  CodeRepoUserName: codeRepoUserNameSchema.optional(),
  CodeRepoAccessToken: codeRepoAccessTokenSchema.optional(),
  MountPath: mountPathSchema.optional(),
  Accessibility: accessibilitySchema.optional(),
  CloneType: cloneTypeSchema.optional(),
  ClientToken: clientTokenSchema.optional(),
});
export type CreateCodeSource = z.output<typeof createCodeSourceSchema>;
export type CreateCodeSourceInput = z.input<typeof createCodeSourceSchema>;

/** PUT /api/v1/codesources/{id} — partial: absent stays, `""` clears (or resets to the default). */
export const updateCodeSourceSchema = createCodeSourceSchema.omit({ WorkspaceId: true, Accessibility: true, ClientToken: true }).partial();
export type UpdateCodeSource = z.output<typeof updateCodeSourceSchema>;
export type UpdateCodeSourceInput = z.input<typeof updateCodeSourceSchema>;

function queryInt(min: number, max: number) {
  return z
    .string()
    .superRefine((value, ctx) => {
      if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) fail(ctx, 'integer_range');
    })
    .transform(Number);
}

/** GET /api/v1/codesources — query of ListCodeSources (PAI's, plus the `Accessibility` and `UserId` filters). */
export const listCodeSourcesQuerySchema = z.strictObject({
  WorkspaceId: workspaceIdSchema,
  DisplayName: text(limits.searchText).optional(),
  PageNumber: queryInt(1, limits.pageNumber).default(1),
  PageSize: queryInt(1, limits.pageSize).default(20),
  SortBy: z.enum(SORT_BY, { error: ruleMessages.enum }).default('GmtCreateTime'),
  Order: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(z.enum(ORDERS, { error: ruleMessages.enum }))
    .default('ASC'),
  Accessibility: accessibilitySchema.optional(),
  UserId: workspaceIdSchema.optional(),
});
export type ListCodeSourcesQuery = z.output<typeof listCodeSourcesQuerySchema>;

/** A code source as every route returns it. `CodeRepoAccessToken` is always "" — the token is write-only. */
export const codeSourceSchema = z
  .object({
    CodeSourceId: z.string(),
    WorkspaceId: z.string(),
    DisplayName: z.string(),
    Description: z.string(),
    CodeRepo: z.string(),
    CodeBranch: z.string(),
    CodeCommit: z.string(),
    CodeRepoUserName: z.string(),
    CodeRepoAccessToken: z.literal('').meta({ description: 'Always empty: the token is write-only.' }),
    HasCodeRepoAccessToken: z.boolean().meta({ description: 'Whether a token is stored (extension).' }),
    MountPath: z.string(),
    Accessibility: z.enum(ACCESSIBILITIES),
    CloneType: z.union([z.literal(0), z.literal(1)]),
    UserId: z.string(),
    UserName: z.string().meta({ description: "The creator's user name (extension)." }),
    GmtCreateTime: z.iso.datetime(),
    GmtModifyTime: z.iso.datetime(),
  })
  .meta({ id: 'CodeSource' });
export type CodeSource = z.output<typeof codeSourceSchema>;

/** GET /api/v1/codesources/{CodeSourceId} — the item and the RequestId. */
export const getCodeSourceResponseSchema = codeSourceSchema.extend({ RequestId: z.string() });

/** GET /api/v1/codesources — one page and the total. */
export const listCodeSourcesResponseSchema = z.object({
  CodeSources: z.array(codeSourceSchema),
  TotalCount: z.number().int().min(0),
  RequestId: z.string(),
});
export type ListCodeSourcesResponse = z.output<typeof listCodeSourcesResponseSchema>;

/** What every write of one code source answers. */
export const codeSourceWriteResponseSchema = z.object({ CodeSourceId: z.string(), RequestId: z.string() });

/** One field problem, as the API reports it and as the form shows it. */
export interface FieldProblem {
  field: string;
  rule: RuleId;
  message: string;
  /** The field was absent (MissingParameter), not merely wrong. */
  missing: boolean;
}

/** Turns the first zod issue into the field, rule and message the API and the form both show. */
export function firstFieldProblem(error: z.ZodError, input: unknown): FieldProblem {
  const issue = error.issues[0];
  if (!issue) return { field: '', rule: 'type', message: 'Invalid request', missing: false };
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? '';
    const rule: RuleId =
      (READ_ONLY_FIELDS as readonly string[]).includes(field) || field === 'WorkspaceId' || field === 'Accessibility'
        ? 'read_only'
        : 'unknown_field';
    return { field, rule, message: ruleMessage(field, rule), missing: false };
  }
  const field = issue.path.map(String).join('.');
  const raw =
    issue.path.length === 1 && input && typeof input === 'object' ? (input as Record<string, unknown>)[String(issue.path[0])] : undefined;
  if (issue.code === 'invalid_type' && raw === undefined) {
    return { field, rule: 'required', message: ruleMessage(field, 'required'), missing: true };
  }
  const params = (issue as { params?: { rule?: RuleId; max?: number } }).params;
  let rule: RuleId = params?.rule ?? 'type';
  if (issue.code === 'invalid_value' || (issue.code === 'invalid_union' && typeof raw === 'number'))
    rule = field === 'CloneType' ? 'integer_range' : 'enum';
  if (issue.code === 'invalid_union' && typeof raw !== 'number') rule = 'type';
  if (issue.code === 'invalid_format') rule = 'integer_range';
  return { field, rule, message: ruleMessage(field, rule, params?.max), missing: false };
}
