import { limits } from '@/shared/code-source.constants';
import type { RuleId } from '@/shared/code-source.schema';
import type { ErrorCode } from '@/shared/error-codes';
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
  // Upstream mode (PAI_ENDPOINT): a route PAI lacks (the console does not offer it, so this is a last resort).
  'OperationNotSupported.Upstream': 'error.code.OperationNotSupportedUpstream',
};

/** Upstream mode: PAI could not be reached or did not answer in time; the server's Message names the endpoint. */
const UPSTREAM_FAILURES: Record<string, MessageKey> = {
  'Upstream.Unavailable': 'error.code.UpstreamUnavailable',
  'Upstream.Timeout': 'error.code.UpstreamTimeout',
};

/**
 * Every code this service answers with itself (typed: a code added to errorCodes must be added here). Any other
 * code came from PAI, passed through in upstream mode, and the console has no text of its own for it.
 */
const OWN_CODES: Record<ErrorCode, true> = {
  MissingParameter: true,
  InvalidParameter: true,
  MalformedJSON: true,
  BadRequest: true,
  IncompleteSignature: true,
  SignatureDoesNotMatch: true,
  'InvalidTimeStamp.Format': true,
  'InvalidTimeStamp.Expired': true,
  SignatureNonceUsed: true,
  'InvalidAccessKeyId.NotFound': true,
  Unauthenticated: true,
  'Unauthenticated.InvalidCredentials': true,
  'Forbidden.NoPermission': true,
  'Forbidden.NotWorkspaceMember': true,
  'Forbidden.CsrfTokenInvalid': true,
  '201400002': true,
  NotFound: true,
  MethodNotAllowed: true,
  'Conflict.DuplicateName': true,
  'Conflict.ClientToken': true,
  AlreadyDeleted: true,
  PreconditionFailed: true,
  PayloadTooLarge: true,
  UnsupportedMediaType: true,
  'Throttling.SignIn': true,
  'Throttling.GitCheck': true,
  InternalError: true,
  ServiceUnavailable: true,
  'ServiceUnavailable.Database': true,
  'OperationNotSupported.Upstream': true,
  'Upstream.Unavailable': true,
  'Upstream.Timeout': true,
  'InvalidAccessKeyId.Inactive': true,
  'Forbidden.SessionRequired': true,
  'AccessKey.LimitExceeded': true,
};

/** True for a `Code` PAI answered that this service never does itself (upstream mode passes them through). */
export function isForeignCode(code: string): boolean {
  // (`HTTP502` and the like are ApiError's own names for an answer without a body.)
  if (/^HTTP\d+$/.test(code)) return false;
  return !Object.hasOwn(OWN_CODES, code) && !Object.hasOwn(UPSTREAM_FAILURES, code) && !Object.hasOwn(CODE_KEYS, code);
}

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

/**
 * Any error in the user's language, chosen by the API's `Code` (and `Rule`), never the raw English Message — except
 * for what only PAI knows (upstream mode): a code of PAI's shows PAI's Message with the Code, and when PAI cannot be
 * reached the server's Message (which names the endpoint) follows the console's own words.
 */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.rule && error.field) return `${error.field}: ${ruleText(error.rule, error.field, t)}`;
    const key = CODE_KEYS[error.code];
    if (key) return t(key);
    const upstream = UPSTREAM_FAILURES[error.code];
    if (upstream) return t(upstream, { message: error.message });
    if (isForeignCode(error.code)) {
      if (error.status === 429) return t('error.code.UpstreamThrottling', { code: error.code });
      if (error.message !== '') return t('error.serverMessage', { message: error.message, code: error.code });
    }
    if (error.status >= 500) return t('error.code.InternalError');
    return t('error.generic', { code: error.code });
  }
  return t('error.code.NetworkError');
}
