import { afterEach, describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import type { BatchResponse, CodeSourceEvent, ListEventsResponse } from '@/shared/admin.schema';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { signRequest } from '@/testing/sign';
import { OTHER_WS, TEST_USERS, WS, type TestUser } from '@/testing/test-seed';

/** The admin side: the change history, workspace activity, batch actions, owner transfer, members and counts. */

const apps: TestApp[] = [];
afterEach(() => {
  while (apps.length > 0) apps.pop()?.close();
});
async function app() {
  const t = await createTestApp();
  apps.push(t);
  return t;
}

async function create(t: TestApp, user: TestUser, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.as(user).post(apiPaths.codeSources, createBody(overrides));
  expect(res.status).toBe(200);
  return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
}
async function history(t: TestApp, user: TestUser, id: string, query = '') {
  const res = await t.as(user).get(`${apiPaths.codeSourceEvents(id)}${query}`);
  return { status: res.status, body: (await res.json()) as ListEventsResponse & { Code?: string } };
}
async function activity(t: TestApp, user: TestUser, query = '', ws = WS) {
  const res = await t.as(user).get(`${apiPaths.workspaceEvents(ws)}${query}`);
  return { status: res.status, body: (await res.json()) as ListEventsResponse & { Code?: string } };
}
async function batch(t: TestApp, user: TestUser, body: Record<string, unknown>) {
  const res = await t.as(user).post(apiPaths.batch, { WorkspaceId: WS, ...body });
  return { status: res.status, body: (await res.json()) as BatchResponse & { Code?: string; Field?: string; Rule?: string } };
}
const actions = (events: CodeSourceEvent[]) => events.map((e) => e.Action);

describe('history: every change recorded with its change', () => {
  it('create, update, publish, unpublish, transfer and delete each leave one event, newest first, with before → after', async () => {
    const t = await app();
    const id = await create(t, 'dev', { DisplayName: 'hist-a', CodeBranch: 'main', CodeRepoAccessToken: 'ghp_secret_one' });
    expect((await t.as('dev').put(apiPaths.codeSource(id), { CodeBranch: 'develop', Description: 'now with docs' })).status).toBe(200);
    expect((await t.as('dev').put(apiPaths.codeSource(id), { CodeRepoAccessToken: 'ghp_secret_two' })).status).toBe(200);
    expect((await t.as('dev').put(apiPaths.codeSource(id), { CodeRepoAccessToken: '' })).status).toBe(200);
    expect((await t.as('dev').put(apiPaths.publish(id))).status).toBe(200);
    expect((await t.as('dev').put(apiPaths.unpublish(id))).status).toBe(200);
    expect((await t.as('admin').put(apiPaths.owner(id), { UserId: TEST_USERS.dev2.UserId })).status).toBe(200);
    const before = await history(t, 'admin', id);
    expect(before.status).toBe(200);
    expect(actions(before.body.Events)).toEqual(['TransferOwner', 'Unpublish', 'Publish', 'Update', 'Update', 'Update', 'Create']);
    expect(before.body.TotalCount).toBe(7);
    const [transfer, unpublish, publish, removed, changed, update, created] = before.body.Events as CodeSourceEvent[];
    expect(created).toMatchObject({
      UserId: TEST_USERS.dev.UserId,
      UserName: 'dev1',
      Via: 'Console',
      DisplayName: 'hist-a',
      CodeSourceExists: true,
    });
    expect(created?.Changes).toEqual(
      expect.arrayContaining([
        { Field: 'DisplayName', Before: null, After: 'hist-a' },
        { Field: 'CodeBranch', Before: null, After: 'main' },
        { Field: 'Accessibility', Before: null, After: 'PRIVATE' },
        { Field: 'CodeRepoAccessToken', Before: null, After: 'set' },
      ]),
    );
    expect(update?.Changes).toEqual([
      { Field: 'Description', Before: '', After: 'now with docs' },
      { Field: 'CodeBranch', Before: 'main', After: 'develop' },
    ]);
    expect(changed?.Changes).toEqual([{ Field: 'CodeRepoAccessToken', Before: null, After: 'changed' }]);
    expect(removed?.Changes).toEqual([{ Field: 'CodeRepoAccessToken', Before: null, After: 'removed' }]);
    expect(publish?.Changes).toEqual([{ Field: 'Accessibility', Before: 'PRIVATE', After: 'PUBLIC' }]);
    expect(unpublish?.Changes).toEqual([{ Field: 'Accessibility', Before: 'PUBLIC', After: 'PRIVATE' }]);
    expect(transfer).toMatchObject({ UserId: TEST_USERS.admin.UserId, Action: 'TransferOwner' });
    expect(transfer?.Changes).toEqual([
      { Field: 'UserId', Before: TEST_USERS.dev.UserId, After: TEST_USERS.dev2.UserId },
      { Field: 'UserName', Before: 'dev1', After: 'dev2' },
    ]);
    // The token is never recorded, not even hashed; only what happened to it.
    const raw = JSON.stringify(await t.sql('SELECT * FROM code_source_events'));
    expect(raw).not.toContain('ghp_secret');
    // Deleted: the history stays (admins read it in the workspace activity), the item's own history is a 404.
    expect((await t.as('admin').delete(apiPaths.codeSource(id))).status).toBe(200);
    expect((await history(t, 'admin', id)).status).toBe(404);
    const kept = await activity(t, 'admin', `?CodeSourceId=${id}`);
    expect(actions(kept.body.Events)).toEqual(['Delete', ...actions(before.body.Events)]);
    expect(kept.body.Events.every((e) => !e.CodeSourceExists)).toBe(true);
    expect(kept.body.Events[0]?.Changes).toEqual(expect.arrayContaining([{ Field: 'DisplayName', Before: 'hist-a', After: null }]));
  });

  it('a change made with an AccessKey records the key; a no-op change records nothing (and writes nothing)', async () => {
    const t = await app();
    const dev = TEST_USERS.dev;
    const signed = signRequest({
      method: 'POST',
      pathname: apiPaths.codeSources,
      body: createBody({ DisplayName: 'signed-one' }),
      action: 'CreateCodeSource',
      accessKeyId: dev.AccessKeyId,
      accessKeySecret: dev.AccessKeySecret,
    });
    const res = await t.app.request(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(res.status).toBe(200);
    const { CodeSourceId: id, RequestId } = (await res.json()) as { CodeSourceId: string; RequestId: string };
    const h = await history(t, 'dev', id);
    expect(h.body.Events[0]).toMatchObject({ Via: 'AccessKey', AccessKeyId: dev.AccessKeyId, RequestId });
    const same = await t.as('dev').put(apiPaths.codeSource(id), { DisplayName: 'signed-one', CodeBranch: 'master' });
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe('"v1"');
    expect((await history(t, 'dev', id)).body.TotalCount).toBe(1);
  });

  it('no change without its event: when the event cannot be written, the change is rolled back', async () => {
    const t = await app();
    const id = await create(t, 'dev', { DisplayName: 'atomic' });
    await t.sql(
      t.engine === 'sqlite'
        ? `CREATE TEMP TRIGGER refuse_events BEFORE INSERT ON code_source_events BEGIN SELECT RAISE(ABORT, 'disk full'); END`
        : `CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
           CREATE TRIGGER refuse_events BEFORE INSERT ON code_source_events FOR EACH ROW EXECUTE FUNCTION refuse_events()`,
    );
    expect((await t.as('dev').put(apiPaths.codeSource(id), { Description: 'lost?' })).status).toBe(500);
    expect((await t.as('dev').put(apiPaths.publish(id))).status).toBe(500);
    expect((await t.as('dev').delete(apiPaths.codeSource(id))).status).toBe(500);
    expect((await t.as('dev').post(apiPaths.codeSources, createBody({ DisplayName: 'never' }))).status).toBe(500);
    await t.sql(t.engine === 'sqlite' ? 'DROP TRIGGER refuse_events' : 'DROP TRIGGER refuse_events ON code_source_events');
    const got = (await (await t.as('dev').get(apiPaths.codeSource(id))).json()) as { Description: string; Accessibility: string };
    expect(got).toMatchObject({ Description: '', Accessibility: 'PRIVATE' });
    expect((await t.as('dev').get(`${apiPaths.codeSources}?WorkspaceId=${WS}&DisplayName=never`)).status).toBe(200);
    const list = (await (await t.as('dev').get(`${apiPaths.codeSources}?WorkspaceId=${WS}&DisplayName=never`)).json()) as {
      TotalCount: number;
    };
    expect(list.TotalCount).toBe(0);
    expect((await history(t, 'dev', id)).body.TotalCount).toBe(1);
  });

  it('the event table is append-only, enforced by the database', async () => {
    const t = await app();
    await create(t, 'dev');
    await expect(t.sql(`UPDATE code_source_events SET user_name = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(t.sql('DELETE FROM code_source_events')).rejects.toThrow(/append-only/);
  });

  it("a code source's history is for whoever may see it now; the same 404 otherwise", async () => {
    const t = await app();
    const privateId = await create(t, 'dev');
    const publicId = await create(t, 'dev', { Accessibility: 'PUBLIC' });
    expect((await history(t, 'dev2', privateId)).status).toBe(404);
    expect((await history(t, 'dev2', privateId)).body.Code).toBe('201400002');
    expect((await history(t, 'guest', privateId)).status).toBe(404);
    expect((await history(t, 'outsider', publicId)).status).toBe(404);
    expect((await history(t, 'guest', publicId)).status).toBe(200);
    expect((await history(t, 'admin', privateId)).status).toBe(200);
    expect((await history(t, 'dev', privateId, '?PageSize=0')).status).toBe(400);
  });
});

describe('workspace activity', () => {
  it('admins see everything; developers the events of what they may see now; guests of PUBLIC ones; filters combine', async () => {
    const t = await app();
    const devPrivate = await create(t, 'dev', { DisplayName: 'dev-private' });
    const dev2Private = await create(t, 'dev2', { DisplayName: 'dev2-private' });
    const dev2Public = await create(t, 'dev2', { DisplayName: 'dev2-public', Accessibility: 'PUBLIC' });
    const gone = await create(t, 'dev', { DisplayName: 'gone', Accessibility: 'PUBLIC' });
    await t.as('dev2').put(apiPaths.codeSource(dev2Public), { Description: 'x' });
    await t.as('dev').delete(apiPaths.codeSource(gone));

    const ids = (events: CodeSourceEvent[]) => new Set(events.map((e) => e.CodeSourceId));
    const admin = await activity(t, 'admin');
    expect(admin.body.TotalCount).toBe(6);
    expect(ids(admin.body.Events)).toEqual(new Set([devPrivate, dev2Private, dev2Public, gone]));
    const dev = await activity(t, 'dev');
    expect(ids(dev.body.Events)).toEqual(new Set([devPrivate, dev2Public]));
    const guest = await activity(t, 'guest');
    expect(ids(guest.body.Events)).toEqual(new Set([dev2Public]));
    expect((await activity(t, 'outsider')).status).toBe(403);

    const filtered = await activity(t, 'admin', `?Action=Update&UserId=${TEST_USERS.dev2.UserId}`);
    expect(filtered.body.Events.map((e) => [e.Action, e.CodeSourceId])).toEqual([['Update', dev2Public]]);
    expect((await activity(t, 'admin', `?Action=Create&CodeSourceId=${gone}`)).body.TotalCount).toBe(1);
    expect((await activity(t, 'admin', `?Action=Delete&UserId=${TEST_USERS.dev2.UserId}`)).body.TotalCount).toBe(0);
    expect((await activity(t, 'dev', `?CodeSourceId=${dev2Private}`)).body.TotalCount).toBe(0);
    const paged = await activity(t, 'admin', '?PageSize=2&PageNumber=2');
    expect(paged.body.Events.map((e) => e.EventId)).toEqual(admin.body.Events.slice(2, 4).map((e) => e.EventId));
    expect((await activity(t, 'admin', '?Action=Rename')).status).toBe(400);
  });
});

describe('batch actions', () => {
  it('each item as the single operation would: allowed, forbidden, invisible, other workspace, already deleted', async () => {
    const t = await app();
    const mine = await create(t, 'dev');
    const mine2 = await create(t, 'dev');
    const othersPublic = await create(t, 'dev2', { Accessibility: 'PUBLIC' });
    const othersPrivate = await create(t, 'dev2');
    const deleted = await create(t, 'dev');
    await t.as('dev').delete(apiPaths.codeSource(deleted));
    const elsewhere = await create(t, 'outsider', { WorkspaceId: OTHER_WS });
    const missing = 'code-20260101000000-000000000000';
    const ids = [mine, othersPublic, othersPrivate, deleted, elsewhere, missing, mine2];
    const { status, body } = await batch(t, 'dev', { Action: 'Publish', CodeSourceIds: ids });
    expect(status).toBe(200);
    expect(body.Results.map((r) => [r.CodeSourceId, r.Success, r.Code])).toEqual([
      [mine, true, undefined],
      [othersPublic, false, 'Forbidden.NoPermission'],
      [othersPrivate, false, '201400002'],
      [deleted, false, 'AlreadyDeleted'],
      [elsewhere, false, '201400002'],
      [missing, false, '201400002'],
      [mine2, true, undefined],
    ]);
    expect(body).toMatchObject({ SucceededCount: 2, FailedCount: 5 });
    // An invisible id and a missing one are reported alike: nothing says the first exists.
    const invisible = body.Results[2];
    const absent = body.Results[5];
    expect(invisible?.Message?.replace(othersPrivate, 'ID')).toBe(absent?.Message?.replace(missing, 'ID'));
    const events = (await activity(t, 'admin', '?Action=Publish')).body.Events;
    expect(events.map((e) => e.CodeSourceId).sort()).toEqual([mine, mine2].sort());
    expect(new Set(events.map((e) => e.BatchId))).toEqual(new Set([body.BatchId]));
    expect(((await (await t.as('dev').get(apiPaths.codeSource(mine))).json()) as { Accessibility: string }).Accessibility).toBe('PUBLIC');
  });

  it('admins delete and unpublish anyone’s; an already deleted item is said to be so, to those who could see it', async () => {
    const t = await app();
    const a = await create(t, 'dev', { Accessibility: 'PUBLIC' });
    const b = await create(t, 'dev2', { Accessibility: 'PUBLIC' });
    const hidden = await create(t, 'dev2');
    expect((await batch(t, 'admin', { Action: 'Unpublish', CodeSourceIds: [a, b] })).body.SucceededCount).toBe(2);
    const first = await batch(t, 'admin', { Action: 'Delete', CodeSourceIds: [a, hidden] });
    expect(first.body.SucceededCount).toBe(2);
    const again = await batch(t, 'admin', { Action: 'Delete', CodeSourceIds: [a, b] });
    expect(again.body.Results.map((r) => [r.Success, r.Code])).toEqual([
      [false, 'AlreadyDeleted'],
      [true, undefined],
    ]);
    // dev2 could not see dev's deleted PRIVATE one: not found, not "already deleted".
    expect((await batch(t, 'dev2', { Action: 'Delete', CodeSourceIds: [a] })).body.Results[0]?.Code).toBe('201400002');
    expect((await batch(t, 'dev2', { Action: 'Delete', CodeSourceIds: [hidden] })).body.Results[0]?.Code).toBe('AlreadyDeleted');
  });

  it('a repeated id, more than 100, none, or an unknown action is a 400 for the whole request; guests fail per item', async () => {
    const t = await app();
    const id = await create(t, 'dev');
    const dup = await batch(t, 'dev', { Action: 'Delete', CodeSourceIds: [id, id] });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ Field: 'CodeSourceIds', Rule: 'duplicate_items' });
    const many = Array.from({ length: 101 }, (_, i) => `code-20260101000000-${String(i).padStart(12, '0')}`);
    expect((await batch(t, 'dev', { Action: 'Delete', CodeSourceIds: many })).status).toBe(400);
    expect((await batch(t, 'dev', { Action: 'Delete', CodeSourceIds: [] })).status).toBe(400);
    expect((await batch(t, 'dev', { Action: 'Archive', CodeSourceIds: [id] })).body.Field).toBe('Action');
    expect((await batch(t, 'outsider', { Action: 'Delete', CodeSourceIds: [id] })).status).toBe(403);
    const guest = await batch(t, 'guest', { Action: 'Delete', CodeSourceIds: [id] });
    expect(guest.body.Results[0]).toMatchObject({ Success: false, Code: '201400002' });
    expect((await t.as('dev').get(apiPaths.codeSource(id))).status).toBe(200);
  });
});

describe('owner transfer', () => {
  it('admins hand a code source to a member who may create; the new owner sees it, the old one no longer', async () => {
    const t = await app();
    const id = await create(t, 'dev');
    const res = await t.as('admin').put(apiPaths.owner(id), { UserId: TEST_USERS.dev2.UserId });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v2"');
    const got = (await (await t.as('dev2').get(apiPaths.codeSource(id))).json()) as { UserId: string; UserName: string };
    expect(got).toMatchObject({ UserId: TEST_USERS.dev2.UserId, UserName: 'dev2' });
    expect((await t.as('dev').get(apiPaths.codeSource(id))).status).toBe(404);
    expect((await t.as('owner').put(apiPaths.owner(id), { UserId: TEST_USERS.dev.UserId })).status).toBe(200);
  });

  it('refuses a guest, a non-member or an unknown user as owner (400 on UserId), a non-admin (403), a stale If-Match (412)', async () => {
    const t = await app();
    const id = await create(t, 'dev', { Accessibility: 'PUBLIC' });
    for (const UserId of [TEST_USERS.guest.UserId, TEST_USERS.outsider.UserId, '999999']) {
      const res = await t.as('admin').put(apiPaths.owner(id), { UserId });
      expect(res.status, UserId).toBe(400);
      expect(await res.json()).toMatchObject({ Field: 'UserId', Rule: 'not_eligible_owner' });
    }
    expect((await t.as('dev').put(apiPaths.owner(id), { UserId: TEST_USERS.dev2.UserId })).status).toBe(403);
    expect((await t.as('dev2').put(apiPaths.owner(id), { UserId: TEST_USERS.dev2.UserId })).status).toBe(403);
    expect((await t.as('admin').put(apiPaths.owner(id), { UserId: TEST_USERS.dev2.UserId }, { 'if-match': '"v9"' })).status).toBe(412);
    expect((await t.as('admin').put(apiPaths.owner(id), {})).status).toBe(400);
    expect((await history(t, 'admin', id)).body.TotalCount).toBe(1);
  });
});

describe('members and counts', () => {
  it('members of a workspace, with roles and whether they can own code sources; for members only', async () => {
    const t = await app();
    const res = await t.as('dev').get(apiPaths.members(WS));
    expect(res.status).toBe(200);
    const { Members } = (await res.json()) as { Members: { UserName: string; Roles: string[]; CanOwnCodeSources: boolean }[] };
    expect(Members.map((m) => m.UserName)).toEqual(['ada', 'dev1', 'dev2', 'gus', 'olga']);
    expect(Members.find((m) => m.UserName === 'gus')).toMatchObject({ Roles: ['PAI.WorkspaceGuest'], CanOwnCodeSources: false });
    expect((await t.as('outsider').get(apiPaths.members(WS))).status).toBe(403);
  });

  it('PUBLIC and PRIVATE counts of what the caller may see', async () => {
    const t = await app();
    await create(t, 'dev');
    await create(t, 'dev', { Accessibility: 'PUBLIC' });
    await create(t, 'dev2');
    await create(t, 'dev2');
    await create(t, 'dev2', { Accessibility: 'PUBLIC' });
    const counts = async (user: TestUser) => (await (await t.as(user).get(apiPaths.counts(WS))).json()) as Record<string, number>;
    expect(await counts('admin')).toMatchObject({ PublicCount: 2, PrivateCount: 3 });
    expect(await counts('dev')).toMatchObject({ PublicCount: 2, PrivateCount: 1 });
    expect(await counts('guest')).toMatchObject({ PublicCount: 2, PrivateCount: 0 });
    expect((await t.as('outsider').get(apiPaths.counts(WS))).status).toBe(403);
  });
});
