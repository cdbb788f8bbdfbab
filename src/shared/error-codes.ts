import type { z } from 'zod';
import type { apiErrorBodySchema } from './api-routes';

/**
 * Every `Code` the service can answer with, its HTTP status and what it means. The console translates errors by
 * `Code` (and by `Rule` for field errors), so nothing else may invent a code.
 */
export const errorCodes = {
  MissingParameter: { status: 400, meaning: 'A required parameter is missing.' },
  InvalidParameter: { status: 400, meaning: 'A parameter is malformed, unknown, read-only, repeated or breaks a rule; `Rule` says which.' },
  MalformedJSON: { status: 400, meaning: 'The body is not a JSON object.' },
  BadRequest: { status: 400, meaning: 'The HTTP request could not be parsed.' },
  IncompleteSignature: { status: 400, meaning: 'The Authorization header lacks a part or a required signed header.' },
  SignatureDoesNotMatch: { status: 400, meaning: 'The signature does not match the request and the AccessKey secret.' },
  'InvalidTimeStamp.Format': { status: 400, meaning: 'x-acs-date is not YYYY-MM-DDTHH:mm:ssZ.' },
  'InvalidTimeStamp.Expired': { status: 400, meaning: 'x-acs-date is more than 15 minutes away from the server clock.' },
  SignatureNonceUsed: { status: 400, meaning: 'x-acs-signature-nonce was used before.' },
  'InvalidAccessKeyId.NotFound': { status: 404, meaning: 'The AccessKeyId is unknown (or was deleted, or belongs to someone else).' },
  'InvalidAccessKeyId.Inactive': { status: 400, meaning: 'The AccessKey is disabled; its owner may enable it again.' },
  Unauthenticated: { status: 401, meaning: 'No valid session or signature.' },
  'Unauthenticated.InvalidCredentials': { status: 401, meaning: 'The user name or password is wrong.' },
  'Forbidden.NoPermission': { status: 403, meaning: "The caller's role does not allow this operation." },
  'Forbidden.NotWorkspaceMember': { status: 403, meaning: 'The caller is not a member of the named workspace.' },
  'Forbidden.SessionRequired': {
    status: 403,
    meaning: 'AccessKeys are managed only from a signed-in browser session, never with an AccessKey signature.',
  },
  'Forbidden.CsrfTokenInvalid': {
    status: 403,
    meaning: 'A state-changing browser request lacks a valid CSRF token or comes from another origin.',
  },
  '201400002': { status: 404, meaning: 'The code source does not exist or the caller may not see it.' },
  NotFound: { status: 404, meaning: 'No such route.' },
  MethodNotAllowed: { status: 405, meaning: 'The route does not take this method.' },
  'Conflict.DuplicateName': { status: 409, meaning: 'The name is already used in this workspace.' },
  'AccessKey.LimitExceeded': { status: 409, meaning: 'The user already has the most AccessKeys allowed (2); delete one first.' },
  'Conflict.ClientToken': { status: 409, meaning: 'The ClientToken was used before with a different request body.' },
  AlreadyDeleted: { status: 404, meaning: 'A batch item: the code source was already deleted (reported per item, not as a status).' },
  PreconditionFailed: { status: 412, meaning: 'If-Match does not match the current ETag: someone else changed it.' },
  PayloadTooLarge: { status: 413, meaning: 'The body is larger than 64 KiB.' },
  UnsupportedMediaType: { status: 415, meaning: 'The body is not application/json.' },
  'Throttling.SignIn': { status: 429, meaning: 'Too many failed sign-ins; retry after the given seconds.' },
  'Throttling.GitCheck': {
    status: 429,
    meaning: 'Too many Git checks by this user at once or in a minute; retry after the given seconds.',
  },
  InternalError: { status: 500, meaning: 'An unexpected fault; the RequestId identifies it in the server log.' },
  'OperationNotSupported.Upstream': {
    status: 400,
    meaning:
      "Upstream mode (PAI_ENDPOINT): PAI's API has no such operation (unpublish, history, activity, members, counts, owner transfer).",
  },
  'Upstream.Unavailable': { status: 502, meaning: "Upstream mode: PAI's endpoint could not be reached; the message names it." },
  'Upstream.Timeout': {
    status: 504,
    meaning: "Upstream mode: PAI's endpoint did not answer in time (PAI_TIMEOUT_MS); the message names it.",
  },
  ServiceUnavailable: { status: 503, meaning: 'The server is shutting down.' },
  'ServiceUnavailable.Database': { status: 503, meaning: 'The database cannot be reached; the request changed nothing it did not finish.' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** The error body every failing route answers with: PAI's shape plus `Field`/`Rule` for a field error. */
export type ApiErrorBody = z.output<typeof apiErrorBodySchema>;

/** Code for "code source not found", as PAI answers it. */
export const CODE_SOURCE_NOT_FOUND = '201400002' satisfies ErrorCode;
