import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '@/testing/test-app';
import { WS } from '@/testing/test-seed';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('CreateCodeSource', () => {
  it('creates with PAI defaults and returns the id with a RequestId', async () => {
    const res = await t.as('dev').post('/api/v1/codesources', { WorkspaceId: WS, DisplayName: 'my-code', CodeRepo: 'https://github.com/a/b.git' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { CodeSourceId: string; RequestId: string };
    expect(body.CodeSourceId).toMatch(/^code-\d{14}-[a-z0-9]{12}$/);
    expect(res.headers.get('x-acs-request-id')).toBe(body.RequestId);
    const got = await (await t.as('dev').get(`/api/v1/codesources/${body.CodeSourceId}`)).json();
    expect(got).toMatchObject({ CodeBranch: 'master', CodeCommit: '', MountPath: '/root/code/', Accessibility: 'PRIVATE', CloneType: 0, CodeRepoAccessToken: '', HasCodeRepoAccessToken: false, UserName: 'dev1' });
  });
});
