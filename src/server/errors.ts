import { errorCodes, type ErrorCode } from '@/shared/error-codes';
import { firstFieldProblem, type RuleId } from '@/shared/code-source.schema';
import type { z } from 'zod';

/** An error meant for the caller: a PAI `Code`, a message and, for a field, which field and rule. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly rule?: RuleId,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = errorCodes[code].status;
  }
}

/** The first problem zod found, as the 400 the API answers with. */
export function validationError(error: z.ZodError, input: unknown): AppError {
  const p = firstFieldProblem(error, input);
  return new AppError(p.missing ? 'MissingParameter' : 'InvalidParameter', p.message, p.field, p.rule);
}

export const notFoundError = (id: string) => new AppError('201400002', `Code source ${id} does not exist or is not visible to you`);
