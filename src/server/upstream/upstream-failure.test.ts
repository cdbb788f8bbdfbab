import { describe, expect, it } from 'vitest';
import { AppError } from '@/server/errors';
import { upstreamFailure, UpstreamError } from './upstream';

const ENDPOINT = 'aiworkspace.cn-hangzhou.aliyuncs.com';

/** The errors Alibaba Cloud's client throws, as `callApi` builds them (see @alicloud/openapi-client's doRequest). */
const answered = (statusCode: number, Code: string, Message: string) => ({
  code: Code,
  message: `code: ${statusCode}, ${Message} request id: RID-1`,
  data: { statusCode, Code, Message, RequestId: 'RID-1' },
});

describe('upstreamFailure: what a failed call to PAI becomes', () => {
  it("passes PAI's own error through: status, Code, Message, RequestId", () => {
    const e = upstreamFailure(answered(403, 'PAI.NoPermission', 'You are not allowed'), ENDPOINT);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e).toMatchObject({ status: 403, code: 'PAI.NoPermission', message: 'You are not allowed', requestId: 'RID-1' });
  });

  it('throttling becomes 429 with a retry hint, whatever status PAI used', () => {
    for (const status of [400, 429, 503]) {
      const e = upstreamFailure(
        answered(status, 'Throttling.User', 'Request was denied due to user flow control.'),
        ENDPOINT,
      ) as UpstreamError;
      expect(e.status).toBe(429);
      expect(e.code).toBe('Throttling.User');
      expect(e.headers['Retry-After']).toMatch(/^\d+$/);
      expect(e.message).toMatch(/retry in \d+ seconds/);
    }
  });

  it('a network failure is 502 and a timeout 504, each naming the endpoint', () => {
    const refused = upstreamFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), ENDPOINT);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'Upstream.Unavailable', status: 502 });
    expect(refused.message).toContain(ENDPOINT);
    expect(refused.message).toContain('connection refused');
    const slow = upstreamFailure(
      Object.assign(new Error('ReadTimeout(5000). GET /api/v1/workspaces failed.'), { name: 'RequestTimeoutError' }),
      ENDPOINT,
    );
    expect(slow).toMatchObject({ code: 'Upstream.Timeout', status: 504 });
    expect(slow.message).toContain(ENDPOINT);
  });

  it('a body without a string Code, or with lower-case fields, still passes through without a 500', () => {
    const numeric = upstreamFailure(
      { code: 'undefined', data: { statusCode: 400, Code: 42, message: 'bad thing', requestId: 'r-2' } },
      ENDPOINT,
    );
    expect(numeric).toMatchObject({ status: 400, code: 'HTTP400', message: 'bad thing', requestId: 'r-2' });
    const none = upstreamFailure({ data: { statusCode: 503 } }, ENDPOINT);
    expect(none).toMatchObject({ status: 503, code: 'HTTP503', message: 'PAI answered HTTP 503' });
  });

  it("an answer that is not PAI's JSON (a proxy's HTML page) is 502, whatever words the page holds", () => {
    const html = new SyntaxError('Unexpected token \'<\', "<html><h1>504 Gateway Timeout</h1>" is not valid JSON');
    const e = upstreamFailure(html, ENDPOINT);
    expect(e).toMatchObject({ code: 'Upstream.Unavailable', status: 502 });
    expect(e.message).toContain('something other than');
    expect(e.message).not.toContain('<html>');
  });
});
