import { limits } from '@/shared/code-source.constants';
import type { RuleId } from '@/shared/code-source.schema';
import { ApiError } from '@/lib/api-client';
import type { MessageKey } from './en';
import type { Translate } from './i18n';

const CODE_KEYS: Record<string, MessageKey> = {
  Unauthenticated: 'error.code.Unauthenticated',
  'Unauthenticated.InvalidCredentials': 'error.code.InvalidCredentials',
  'Forbidden.NoPermission': 'error.code.NoPermission',
  'Forbidden.NotWorkspaceMember': 'error.code.NotWorkspaceMember',
  'Forbidden.CsrfTokenInvalid': 'error.code.CsrfTokenInvalid',
  '201400002': 'error.code.NotFound',
  'Conflict.DuplicateName': 'rule.duplicate_name',
  'Conflict.ClientToken': 'error.code.ClientToken',
  PreconditionFailed: 'error.code.PreconditionFailed',
  'AccessKey.LimitExceeded': 'error.code.AccessKeyLimit',
  'Forbidden.SessionRequired': 'error.code.SessionRequired',
  'InvalidAccessKeyId.NotFound': 'error.code.AccessKeyNotFound',
  PayloadTooLarge: 'error.code.PayloadTooLarge',
  'Throttling.SignIn': 'error.code.Throttling',
  'Throttling.GitCheck': 'error.code.ThrottlingGitCheck',
  InternalError: 'error.code.InternalError',
  ServiceUnavailable: 'error.code.ServiceUnavailable',
  NetworkError: 'error.code.NetworkError',
};

const RULES: RuleId[] = [
  'required',
  'type',
  'too_long',
  'forbidden_characters',
  'whitespace',
  'scheme_not_allowed',
  'credentials_in_url',
  'invalid_url',
  'invalid_branch',
  'invalid_commit',
  'not_absolute',
  'dot_segment',
  'enum',
  'integer_range',
  'unknown_field',
  'read_only',
  'duplicate_query',
  'duplicate_name',
  'other_host',
  'duplicate_items',
  'not_eligible_owner',
];

/** The most characters a form field takes, for "at most {max} characters". */
export const FIELD_MAX: Record<string, number> = {
  DisplayName: limits.displayName,
  Description: limits.description,
  CodeRepo: limits.codeRepo,
  CodeBranch: limits.codeBranch,
  CodeCommit: 64,
  CodeRepoUserName: limits.codeRepoUserName,
  CodeRepoAccessToken: limits.codeRepoAccessToken,
  MountPath: limits.mountPath,
};

/** A field rule in the user's language, e.g. "At most 128 characters". */
export function ruleText(rule: string | undefined, field: string, t: Translate): string {
  const known = RULES.find((r) => r === rule);
  return known ? t(`rule.${known}`, { max: FIELD_MAX[field] ?? '' }) : t('rule.type');
}

/** Any error in the user's language, chosen by the API's `Code` (and `Rule`), never the raw English Message. */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.rule && error.field) return `${error.field}: ${ruleText(error.rule, error.field, t)}`;
    const key = CODE_KEYS[error.code];
    if (key) return t(key);
    if (error.status >= 500) return t('error.code.InternalError');
    return t('error.generic', { code: error.code });
  }
  return t('error.code.NetworkError');
}
