import { z } from 'zod';
import type { FieldErrors, Resolver } from 'react-hook-form';
import type { MessageKey } from '@/lib/i18n/en';
import {
  ACCESSIBILITIES,
  accessibilitySchema,
  cloneTypeSchema,
  codeBranchSchema,
  codeCommitSchema,
  codeRepoAccessTokenSchema,
  codeRepoSchema,
  codeRepoUserNameSchema,
  DEFAULT_BRANCH,
  DEFAULT_MOUNT_PATH,
  descriptionSchema,
  displayNameSchema,
  limits,
  mountPathSchema,
  type Accessibility,
  type CodeSource,
  type CreateCodeSource,
  type RuleId,
  type UpdateCodeSource,
} from '@/shared/code-source.schema';

/** What the form edits: every field a string (empty = not set), in the console's order. */
export interface CodeSourceFormValues {
  DisplayName: string;
  Description: string;
  Accessibility: Accessibility;
  CodeRepo: string;
  CodeRepoUserName: string;
  CodeRepoAccessToken: string;
  CodeBranch: string;
  CodeCommit: string;
  MountPath: string;
  CloneType: 0 | 1;
}

/** How the form shows one field: everything but the value and its state, which come from react-hook-form. */
export interface FormFieldDescriptor {
  name: keyof CodeSourceFormValues;
  label: MessageKey;
  /** The note under the field (a field may replace it with one that depends on the form's state). */
  help?: MessageKey;
  /** text: prose; code: an identifier, address or path (no spell check); secret: never shown back; choice: radio buttons. */
  input: 'text' | 'textarea' | 'code' | 'secret' | 'choice';
  required?: boolean;
  /** The contract's limit, in code points: counted as the user types (the rule itself is the contract's). */
  max?: number;
  /** Show the count against `max` while typing. */
  showCount?: boolean;
  placeholder?: string;
  options?: readonly { value: string | number; label: MessageKey }[];
  /** Choices one under the other. */
  vertical?: boolean;
  /** Shown under "Advanced", folded away. */
  advanced?: boolean;
}

/**
 * The form's fields in the console's order, each described once; the form renders them from this list. The
 * credentials come before the branch: a test of the connection needs them, and its answer fills the branch picker.
 */
export const FORM_FIELD_DESCRIPTORS = [
  {
    name: 'DisplayName',
    label: 'field.name',
    help: 'field.nameHelp',
    input: 'text',
    required: true,
    max: limits.displayName,
    showCount: true,
  },
  { name: 'Description', label: 'field.description', input: 'textarea', max: limits.description, showCount: true },
  {
    name: 'Accessibility',
    label: 'field.visibility',
    input: 'choice',
    options: ACCESSIBILITIES.map((value) => ({ value, label: `visibility.${value}` as const })),
  },
  {
    name: 'CodeRepo',
    label: 'field.codeRepo',
    help: 'field.codeRepoHelp',
    input: 'code',
    required: true,
    max: limits.codeRepo,
    placeholder: 'https://github.com/org/repo.git',
  },
  { name: 'CodeRepoUserName', label: 'field.userName', help: 'field.userNameHelp', input: 'code', max: limits.codeRepoUserName },
  {
    name: 'CodeRepoAccessToken',
    label: 'field.accessToken',
    help: 'field.accessTokenHelp',
    input: 'secret',
    max: limits.codeRepoAccessToken,
  },
  {
    name: 'CodeBranch',
    label: 'field.codeBranch',
    help: 'field.codeBranchHelp',
    input: 'code',
    max: limits.codeBranch,
    placeholder: DEFAULT_BRANCH,
  },
  { name: 'CodeCommit', label: 'field.codeCommit', help: 'field.codeCommitHelp', input: 'code' },
  {
    name: 'MountPath',
    label: 'field.mountPath',
    help: 'field.mountPathHelp',
    input: 'code',
    max: limits.mountPath,
    placeholder: DEFAULT_MOUNT_PATH,
  },
  {
    name: 'CloneType',
    label: 'field.cloneType',
    input: 'choice',
    vertical: true,
    advanced: true,
    options: [
      { value: 0, label: 'field.cloneType0' },
      { value: 1, label: 'field.cloneType1' },
    ],
  },
] as const satisfies readonly FormFieldDescriptor[];

/** The names of the form's fields, in order. */
export const FORM_FIELDS = FORM_FIELD_DESCRIPTORS.map((field) => field.name);

/** The form's schema, field by field from the shared contract: the same rules the server applies. */
export const codeSourceFormSchema = z.object({
  DisplayName: displayNameSchema,
  Description: descriptionSchema,
  Accessibility: accessibilitySchema,
  CodeRepo: codeRepoSchema,
  CodeBranch: codeBranchSchema,
  CodeCommit: codeCommitSchema,
  CodeRepoUserName: codeRepoUserNameSchema,
  CodeRepoAccessToken: codeRepoAccessTokenSchema,
  MountPath: mountPathSchema,
  CloneType: cloneTypeSchema,
});

/**
 * react-hook-form resolver over the form schema that keeps the contract's rule id as the error `type`, so the
 * form can say it in the user's language (the message stays the API's English text).
 */
export const codeSourceFormResolver: Resolver<CodeSourceFormValues, unknown, CodeSourceFormValues> = async (values) => {
  const result = codeSourceFormSchema.safeParse(values);
  if (result.success) return { values: result.data, errors: {} };
  const errors: FieldErrors<CodeSourceFormValues> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0]) as keyof CodeSourceFormValues;
    if (errors[field]) continue;
    const rule = (issue as { params?: { rule?: RuleId } }).params?.rule ?? (field === 'CloneType' ? 'integer_range' : 'enum');
    errors[field] = { type: rule, message: issue.message };
  }
  return { values: {}, errors };
};

/** A fresh create form: the console's defaults. */
export const emptyFormValues: CodeSourceFormValues = {
  DisplayName: '',
  Description: '',
  Accessibility: 'PRIVATE',
  CodeRepo: '',
  CodeBranch: DEFAULT_BRANCH,
  CodeCommit: '',
  CodeRepoUserName: '',
  CodeRepoAccessToken: '',
  MountPath: DEFAULT_MOUNT_PATH,
  CloneType: 0,
};

/** The edit form's starting point: every field but the token, which is never sent to the browser. */
export function formValuesOf(source: CodeSource): CodeSourceFormValues {
  return {
    DisplayName: source.DisplayName,
    Description: source.Description,
    Accessibility: source.Accessibility,
    CodeRepo: source.CodeRepo,
    CodeBranch: source.CodeBranch,
    CodeCommit: source.CodeCommit,
    CodeRepoUserName: source.CodeRepoUserName,
    CodeRepoAccessToken: '',
    MountPath: source.MountPath,
    CloneType: source.CloneType,
  };
}

/** Duplicate: everything copied except the token; the name gets a suffix so it stays unique. */
export function duplicateFormValues(source: CodeSource): CodeSourceFormValues {
  const suffix = '-copy';
  const base = [...source.DisplayName].slice(0, limits.displayName - suffix.length).join('');
  return { ...formValuesOf(source), DisplayName: `${base}${suffix}` };
}

/** The CreateCodeSource body: defaults and empty optional fields are left for the server to fill. */
export function createPayload(values: CodeSourceFormValues, workspaceId: string, clientToken: string): CreateCodeSource {
  const body: CreateCodeSource = {
    WorkspaceId: workspaceId,
    DisplayName: values.DisplayName,
    CodeRepo: values.CodeRepo,
    Accessibility: values.Accessibility,
    CloneType: values.CloneType,
    ClientToken: clientToken,
  };
  if (values.Description !== '') body.Description = values.Description;
  if (values.CodeBranch !== '') body.CodeBranch = values.CodeBranch;
  if (values.CodeCommit !== '') body.CodeCommit = values.CodeCommit;
  if (values.CodeRepoUserName !== '') body.CodeRepoUserName = values.CodeRepoUserName;
  if (values.CodeRepoAccessToken !== '') body.CodeRepoAccessToken = values.CodeRepoAccessToken;
  if (values.MountPath !== '') body.MountPath = values.MountPath;
  return body;
}

const UPDATABLE = [
  'DisplayName',
  'Description',
  'CodeRepo',
  'CodeBranch',
  'CodeCommit',
  'CodeRepoUserName',
  'MountPath',
  'CloneType',
] as const;

/**
 * The UpdateCodeSource body: only what changed (`""` clears a field). The token is sent only when a new one is
 * typed, or as `""` when the user chose "Remove token".
 */
export function updatePayload(initial: CodeSourceFormValues, values: CodeSourceFormValues, removeToken: boolean): UpdateCodeSource {
  const body: UpdateCodeSource = {};
  for (const key of UPDATABLE) {
    if (values[key] !== initial[key]) (body as Record<string, unknown>)[key] = values[key];
  }
  if (values.CodeRepoAccessToken !== '') body.CodeRepoAccessToken = values.CodeRepoAccessToken;
  else if (removeToken) body.CodeRepoAccessToken = '';
  return body;
}

/** A ClientToken for one opening of the create form. */
export function newClientToken(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
