import { z } from 'zod';
import {
  codeBranchSchema,
  codeCommitSchema,
  codeRepoAccessTokenSchema,
  codeRepoSchema,
  codeRepoUserNameSchema,
  workspaceIdSchema,
} from './code-source.schema';
import { limits } from './code-source.constants';
import { normalizeText } from './text';

/**
 * What a check of a Git remote found. `Ok` and `Empty` mean the remote answered as a Git server; every other value
 * names what went wrong, so the console can say what to do about it.
 */
export const GIT_CHECK_RESULTS = [
  'Ok',
  'Empty',
  'AuthFailed',
  'NotFound',
  'HostNotFound',
  'Unreachable',
  'Timeout',
  'TlsError',
  'NotGitServer',
  'Redirected',
  'AddressNotAllowed',
  'TooLarge',
  'BranchNotFound',
  'CommitNotFound',
  'Unsupported',
] as const;
export type GitCheckResult = (typeof GIT_CHECK_RESULTS)[number];

export const GIT_REF_KINDS = ['Branch', 'Tag'] as const;
export type GitRefKind = (typeof GIT_REF_KINDS)[number];

/** Whether a pinned commit is on the remote: `Unverified` when the remote could not be asked for that one object. */
export const COMMIT_STATUSES = ['Found', 'NotFound', 'Unverified'] as const;
export type CommitStatus = (typeof COMMIT_STATUSES)[number];

export const GIT_REFS_MAX_LIMIT = 100;

/** The remote and how to sign in to it: the token as typed, or `CodeSourceId` to use that code source's stored token. */
const remoteFields = {
  WorkspaceId: workspaceIdSchema,
  CodeRepo: codeRepoSchema,
  CodeRepoUserName: codeRepoUserNameSchema.optional(),
  CodeRepoAccessToken: codeRepoAccessTokenSchema.optional(),
  CodeSourceId: z
    .string()
    .max(64)
    .optional()
    .meta({ description: "Use this code source's stored token (and user name, when none is sent); CodeRepo must name the same host." }),
};

/** POST /api/v1/git/check */
export const gitCheckRequestSchema = z.strictObject({
  ...remoteFields,
  CodeBranch: codeBranchSchema.optional(),
  CodeCommit: codeCommitSchema.optional(),
});
export type GitCheckRequest = z.output<typeof gitCheckRequestSchema>;
export type GitCheckRequestInput = z.input<typeof gitCheckRequestSchema>;

export const gitCheckResponseSchema = z
  .object({
    Result: z.enum(GIT_CHECK_RESULTS),
    Message: z.string().meta({ description: 'What was found, in English; the console words each Result itself.' }),
    DefaultBranch: z.string().optional().meta({ description: 'The branch HEAD points at, when the remote says.' }),
    BranchCommit: z.string().optional().meta({ description: "CodeBranch's tip commit (or the default branch's)." }),
    RefCount: z.number().int().min(0).optional().meta({ description: 'How many branches the remote has.' }),
    CommitStatus: z.enum(COMMIT_STATUSES).optional(),
    RedirectLocation: z.string().optional().meta({ description: 'Where the remote redirects to (never followed).' }),
    CheckedAt: z.iso.datetime().meta({ description: 'When the remote was asked (a cached answer keeps its time).' }),
    RequestId: z.string(),
  })
  .meta({ id: 'GitCheck' });
export type GitCheckResponse = z.output<typeof gitCheckResponseSchema>;

/** POST /api/v1/git/refs */
export const gitRefsRequestSchema = z.strictObject({
  ...remoteFields,
  Kind: z.enum(GIT_REF_KINDS).default('Branch'),
  Search: z.string().max(limits.codeBranch).transform(normalizeText).optional(),
  Limit: z.number().int().min(1).max(GIT_REFS_MAX_LIMIT).default(50),
});
export type GitRefsRequest = z.output<typeof gitRefsRequestSchema>;
export type GitRefsRequestInput = z.input<typeof gitRefsRequestSchema>;

export const gitRefSchema = z.object({
  Name: z.string().meta({ description: 'The short name: main, v1.2.0' }),
  Commit: z.string().meta({ description: 'The commit it points at (an annotated tag peeled)' }),
});
export type GitRef = z.output<typeof gitRefSchema>;

export const gitRefsResponseSchema = z
  .object({
    Result: z.enum(GIT_CHECK_RESULTS),
    Message: z.string(),
    Refs: z.array(gitRefSchema).meta({ description: 'At most Limit refs matching Search; the default branch first.' }),
    TotalCount: z.number().int().min(0).meta({ description: 'How many refs of this Kind match Search.' }),
    DefaultBranch: z.string().meta({ description: 'The branch HEAD points at; "" when unknown.' }),
    CheckedAt: z.iso.datetime(),
    RequestId: z.string(),
  })
  .meta({ id: 'GitRefs' });
export type GitRefsResponse = z.output<typeof gitRefsResponseSchema>;
