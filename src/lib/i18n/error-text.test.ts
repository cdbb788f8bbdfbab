import { describe, expect, it } from 'vitest';
import { errorCodes, type ErrorCode } from '@/shared/error-codes';
import { ApiError } from '@/lib/api-client';
import { en, type MessageKey } from './en';
import { errorText, isForeignCode } from './error-text';
import { format, type Translate } from './i18n';

const t: Translate = (key: MessageKey, values) => format(en[key], values);
// (The body's type knows only this service's codes; PAI's pass through upstream.)
const error = (status: number, Code: string, Message = 'the server says') =>
  new ApiError(status, { Code: Code as ErrorCode, Message, RequestId: 'r-1' });

describe('errorText: our own codes in our words, PAI-only codes with their Message', () => {
  it('never shows the server Message for a code this service answers itself (local mode is unchanged)', () => {
    for (const code of Object.keys(errorCodes)) {
      expect(isForeignCode(code)).toBe(false);
      // (Upstream.Unavailable / Upstream.Timeout add the server's message on purpose: it names the endpoint.)
      if (code.startsWith('Upstream.')) continue;
      expect(errorText(error(errorCodes[code as keyof typeof errorCodes].status, code), t)).not.toContain('the server says');
    }
    expect(errorText(error(400, 'MissingParameter'), t)).toBe('The request failed (MissingParameter).');
    expect(errorText(error(503, 'ServiceUnavailable.Database'), t)).toBe(en['error.code.InternalError']);
    // An answer without a body is not a code of PAI's.
    expect(errorText(new ApiError(502, undefined), t)).toBe(en['error.code.InternalError']);
  });

  it("shows a code only PAI answers with PAI's Message and the Code", () => {
    expect(isForeignCode('Forbidden.RAM')).toBe(true);
    expect(errorText(error(403, 'Forbidden.RAM', 'User not authorized.'), t)).toBe('User not authorized. (Forbidden.RAM)');
    expect(errorText(error(429, 'Throttling.User', 'Request was denied due to user flow control.'), t)).toBe(
      'PAI is limiting requests. Wait a moment and try again. (Throttling.User)',
    );
  });

  it("says PAI could not be reached or was too slow, with the server's Message naming the endpoint", () => {
    expect(errorText(error(502, 'Upstream.Unavailable', 'Could not reach aiworkspace.cn-hangzhou.aliyuncs.com'), t)).toBe(
      'PAI could not be reached. Try again in a moment. (Could not reach aiworkspace.cn-hangzhou.aliyuncs.com)',
    );
    expect(errorText(error(504, 'Upstream.Timeout', 'aiworkspace.cn-hangzhou.aliyuncs.com did not answer'), t)).toContain(
      'aiworkspace.cn-hangzhou.aliyuncs.com did not answer',
    );
    expect(errorText(error(400, 'OperationNotSupported.Upstream'), t)).toBe('PAI does not offer this.');
  });
});
