import { errorCodes, type ErrorCode } from '@/shared/error-codes';
import { firstFieldProblem, type RuleId } from '@/shared/code-source.schema';
import type { z } from 'zod';

export interface AppErrorOptions {
  /** The parameter at fault. */
  field?: string;
  /** Which rule it broke (`Rule` on the wire; the console translates by it). */
  rule?: RuleId;
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
}

/** An error meant for the caller: a PAI `Code`, a message and, for a field, which field and rule. */
export class AppError extends Error {
  readonly status: number;
  readonly field: string | undefined;
  readonly rule: RuleId | undefined;
  readonly headers: Record<string, string>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.status = errorCodes[code].status;
    this.field = options.field;
    this.rule = options.rule;
    this.headers = options.headers ?? {};
  }
}

/** The first problem zod found, as the 400 the API answers with. */
export function validationError(error: z.ZodError, input: unknown): AppError {
  const p = firstFieldProblem(error, input);
  return new AppError(p.missing ? 'MissingParameter' : 'InvalidParameter', p.message, { field: p.field, rule: p.rule });
}

export const notFoundError = (id: string) => new AppError('201400002', `Code source ${id} does not exist or is not visible to you`);
