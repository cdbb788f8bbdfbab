import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchAction, BatchResponse, CodeSourceEvent, EventAction } from '@/shared/admin.schema';
import { apiPaths } from '@/shared/api-paths';
import { CODE_SOURCE_NOT_FOUND } from '@/shared/error-codes';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { OTHER_WS, TEST_USERS, WS, type TestUser } from '@/testing/test-seed';

/*
 * Authorization across roles × own/other's × PRIVATE/PUBLIC × operations, generated from ONE table (PERMISSIONS).
 * The rules come from issue 2 ("Identity, workspaces, roles, visibility" and "Decisions") and issue 9 (history,
 * activity, batch actions, owner transfer, members, counts); the table states them outright instead of recomputing
 * them, so a change in the server's rules shows up here as a failing cell. Every cell also checks the change
 * history: a change leaves exactly its event, a refusal none.
 */

type Role = 'owner' | 'admin' | 'developer' | 'guest' | 'non-member';
type Access = 'PRIVATE' | 'PUBLIC';
type ByIdOp = 'Get' | 'Update' | 'Delete' | 'Publish' | 'Unpublish' | 'Transfer' | 'History';

/**
 * What a by-id operation does (`Transfer` hands the code source to dev2, `History` lists its events):
 * - `read`      200 with the code source's fields (History: its events, as an admin sees them)
 * - `changed`   200, the change is there, and exactly one new event records it (the actor, this RequestId)
 * - `no-op`     200, nothing changed, no event (publishing a PUBLIC one, unpublishing a PRIVATE one)
 * - `deleted`   200, the row is gone, its history kept with a Delete event on top
 * - `hidden`    404 `201400002`, exactly like a missing id, and nothing changed
 * - `denied`    403 `Forbidden.NoPermission`, and nothing changed
 *
 * A batch item (BatchCodeSources Publish / Unpublish / Delete) does exactly what the single operation's cell says,
 * reported per item: `changed`/`deleted`/`no-op` succeed, `hidden` is Code `201400002`, `denied` is
 * `Forbidden.NoPermission`; its event carries the batch's BatchId. An item deleted meanwhile is `AlreadyDeleted`
 * to whoever could see it (the `Get` cell says `read`) and the same `201400002` as a missing id to everyone else.
 */
type ByIdOutcome = 'read' | 'changed' | 'no-op' | 'deleted' | 'hidden' | 'denied';

/**
 * What a workspace-level operation naming workspace 2001 does:
 * - `allowed`     Create: 200 and the caller is the creator; List and Counts: 200 with what the by-id `Get` column
 *                 allows; Members: 200 with the workspace's members; Batch: 200 with a result per item (see above)
 * - `denied`      403 `Forbidden.NoPermission`, nothing created
 * - `not-member`  403 `Forbidden.NotWorkspaceMember`, nothing created or changed
 */
type WorkspaceOutcome = 'allowed' | 'denied' | 'not-member';

/**
 * What the workspace activity (ListWorkspaceEvents) shows:
 * - `everything`   every event of the workspace, deleted code sources' included
 * - `visible-now`  the events of the code sources the `Get` column lets one see now (none of deleted ones)
 * - `not-member`   403 `Forbidden.NotWorkspaceMember`
 */
type ActivityOutcome = 'everything' | 'visible-now' | 'not-member';

/** Whether a member can be made the owner of a code source (TransferCodeSourceOwner's UserId). */
type OwnerOutcome = 'eligible' | 'not-eligible';

interface ByIdRow {
  role: Role;
  /** The code source's creator; `own` rows name the actor's own user. */
  creator: TestUser;
  access: Access;
  expect: Record<ByIdOp, ByIdOutcome>;
}

const ROLE_USER: Record<Role, TestUser> = { owner: 'owner', admin: 'admin', developer: 'dev', guest: 'guest', 'non-member': 'outsider' };

const row = (
  role: Role,
  creator: TestUser,
  access: Access,
  Get: ByIdOutcome,
  Update: ByIdOutcome,
  Delete: ByIdOutcome,
  Publish: ByIdOutcome,
  Unpublish: ByIdOutcome,
  Transfer: ByIdOutcome,
  History: ByIdOutcome,
): ByIdRow => ({
  role,
  creator,
  access,
  expect: { Get, Update, Delete, Publish, Unpublish, Transfer, History },
});

/** THE permission table. */
const PERMISSIONS = {
  /** Operations naming workspace 2001 (Create is tried with both accessibilities). */
  workspace: {
    //             Create        List          Batch         Activity        Members       Counts
    owner: { Create: 'allowed', List: 'allowed', Batch: 'allowed', Activity: 'everything', Members: 'allowed', Counts: 'allowed' },
    admin: { Create: 'allowed', List: 'allowed', Batch: 'allowed', Activity: 'everything', Members: 'allowed', Counts: 'allowed' },
    developer: { Create: 'allowed', List: 'allowed', Batch: 'allowed', Activity: 'visible-now', Members: 'allowed', Counts: 'allowed' },
    guest: { Create: 'denied', List: 'allowed', Batch: 'allowed', Activity: 'visible-now', Members: 'allowed', Counts: 'allowed' },
    'non-member': {
      Create: 'not-member',
      List: 'not-member',
      Batch: 'not-member',
      Activity: 'not-member',
      Members: 'not-member',
      Counts: 'not-member',
    },
  } satisfies Record<
    Role,
    {
      Create: WorkspaceOutcome;
      List: WorkspaceOutcome;
      Batch: WorkspaceOutcome;
      Activity: ActivityOutcome;
      Members: WorkspaceOutcome;
      Counts: WorkspaceOutcome;
    }
  >,

  /** Who an admin may hand a code source of workspace 2001 to (by the new owner's role there). */
  newOwner: {
    owner: 'eligible',
    admin: 'eligible',
    developer: 'eligible',
    guest: 'not-eligible',
    'non-member': 'not-eligible',
  } satisfies Record<Role, OwnerOutcome>,

  /**
   * Operations on one code source by id. `creator` is whose code source it is: the actor's own user for "own",
   * a colleague in workspace 2001 for "other's", and otto's workspace 2002 for "other workspace's".
   * The guest's own ones were created while gus was still a developer (see `createAs`).
   */
  byId: [
    //   role          creator     access      Get       Update     Delete     Publish    Unpublish  Transfer   History
    row('owner', 'owner', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op', 'changed', 'read'),
    row('owner', 'owner', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed', 'changed', 'read'),
    row('owner', 'dev', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op', 'changed', 'read'),
    row('owner', 'dev', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed', 'changed', 'read'),
    row('admin', 'admin', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op', 'changed', 'read'),
    row('admin', 'admin', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed', 'changed', 'read'),
    row('admin', 'dev', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op', 'changed', 'read'),
    row('admin', 'dev', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed', 'changed', 'read'),
    row('admin', 'outsider', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('admin', 'outsider', 'PUBLIC', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('developer', 'dev', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op', 'denied', 'read'),
    row('developer', 'dev', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed', 'denied', 'read'),
    row('developer', 'dev2', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('developer', 'dev2', 'PUBLIC', 'read', 'denied', 'denied', 'denied', 'denied', 'denied', 'read'),
    row('guest', 'guest', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('guest', 'guest', 'PUBLIC', 'read', 'denied', 'denied', 'denied', 'denied', 'denied', 'read'),
    row('guest', 'dev', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('guest', 'dev', 'PUBLIC', 'read', 'denied', 'denied', 'denied', 'denied', 'denied', 'read'),
    row('non-member', 'dev', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('non-member', 'dev', 'PUBLIC', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
  ] satisfies ByIdRow[],
} as const;

const ROLES = Object.keys(PERMISSIONS.workspace) as Role[];
const BY_ID_OPS: ByIdOp[] = ['Get', 'Update', 'Delete', 'Publish', 'Unpublish', 'Transfer', 'History'];
const BATCH_ACTIONS: BatchAction[] = ['Publish', 'Unpublish', 'Delete'];
/** The event a successful by-id write records. */
const EVENT_OF: Partial<Record<ByIdOp, EventAction>> = {
  Update: 'Update',
  Delete: 'Delete',
  Publish: 'Publish',
  Unpublish: 'Unpublish',
  Transfer: 'TransferOwner',
};
/** Whom `Transfer` hands a code source to: a developer of 2001 who created none of the `changed` rows' code sources. */
const TRANSFER_TO: TestUser = 'dev2';

/** A well-formed id that never exists. */
const MISSING_ID = 'code-20991231235959-zzzzzzzzzzzz';
const UNKNOWN_WS = '9999';

const workspaceOf = (creator: TestUser) => (creator === 'outsider' ? OTHER_WS : WS);
/** Who may see everything in the creator's workspace, to check what really happened. */
const inspectorOf = (creator: TestUser): TestUser => (creator === 'outsider' ? 'outsider' : 'admin');

function relationOf(r: { role: Role; creator: TestUser }): string {
  if (r.creator === ROLE_USER[r.role]) return 'own';
  return workspaceOf(r.creator) === WS ? "other's" : "other workspace's";
}

const STATUS_TEXT: Record<ByIdOutcome | WorkspaceOutcome, string> = {
  read: '200',
  changed: '200',
  'no-op': '200, no change',
  deleted: '200',
  hidden: '404',
  denied: '403',
  allowed: '200',
  'not-member': '403',
};

/** The visibility rule as the table states it: the `Get` cell for this actor, relation and accessibility. */
function visibleTo(role: Role, cs: { creator: TestUser; access: Access }): boolean {
  const relation = relationOf({ role, creator: cs.creator });
  const match = PERMISSIONS.byId.find((r) => r.role === role && r.access === cs.access && relationOf(r) === relation);
  if (!match) throw new Error(`The table has no row for ${role} · ${relation} ${cs.access}`);
  return match.expect.Get === 'read';
}

type Json = Record<string, unknown>;

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

const setRoles = (user: TestUser, roles: string[]) =>
  t.sql('UPDATE members SET roles = ? WHERE workspace_id = ? AND user_id = ?', JSON.stringify(roles), WS, TEST_USERS[user].UserId);

/**
 * Creates a code source as `creator`. A guest cannot create, so the guest's own ones are created while gus is a
 * developer, who is then made a guest again — as when an admin demotes a member.
 */
async function createAs(creator: TestUser, access: Access, displayName?: string): Promise<string> {
  if (creator === 'guest') await setRoles('guest', ['PAI.AlgoDeveloper']);
  const res = await t
    .as(creator)
    .post(
      apiPaths.codeSources,
      createBody({ WorkspaceId: workspaceOf(creator), Accessibility: access, ...(displayName ? { DisplayName: displayName } : {}) }),
    );
  if (creator === 'guest') await setRoles('guest', ['PAI.WorkspaceGuest']);
  expect(res.status, `fixture: ${creator} creates a ${access} code source`).toBe(200);
  return (await json(res)).CodeSourceId as string;
}

/** The code source's events, newest first, from the workspace activity of someone who sees everything (deleted ones too). */
async function eventsOf(id: string, creator: TestUser): Promise<CodeSourceEvent[]> {
  const res = await t.as(inspectorOf(creator)).get(`${apiPaths.workspaceEvents(workspaceOf(creator))}?CodeSourceId=${id}&PageSize=100`);
  expect(res.status).toBe(200);
  return (await json(res)).Events as CodeSourceEvent[];
}

interface Snapshot {
  status: number;
  etag: string | null;
  body: Json;
  events: CodeSourceEvent[];
}

/** The code source and its history as someone who may see everything sees them, without the per-response RequestId. */
async function snapshot(id: string, creator: TestUser): Promise<Snapshot> {
  const res = await t.as(inspectorOf(creator)).get(apiPaths.codeSource(id));
  const { RequestId: _requestId, ...body } = await json(res);
  return { status: res.status, etag: res.headers.get('etag'), body, events: await eventsOf(id, creator) };
}

/** Exactly one event more than before, on top, matching `expected`; the older ones untouched. */
function expectOneNewEvent(before: Snapshot, after: Snapshot, expected: Partial<CodeSourceEvent>) {
  expect(after.events.slice(1).map((e) => e.EventId)).toEqual(before.events.map((e) => e.EventId));
  expect(after.events[0]).toMatchObject(expected);
}

/** What a `changed` cell leaves on the code source. */
function expectedChange(op: ByIdOp | BatchAction): Json {
  if (op === 'Update') return UPDATE_CHANGE;
  if (op === 'Publish') return { Accessibility: 'PUBLIC' };
  if (op === 'Unpublish') return { Accessibility: 'PRIVATE' };
  if (op === 'Transfer') return { UserId: TEST_USERS[TRANSFER_TO].UserId, UserName: TEST_USERS[TRANSFER_TO].UserName };
  throw new Error(`${op} changes nothing it could leave`);
}

const UPDATE_CHANGE = { Description: 'changed by the authorization test' };

function perform(actor: TestUser, op: ByIdOp, id: string): Promise<Response> {
  const client = t.as(actor);
  switch (op) {
    case 'Get':
      return client.get(apiPaths.codeSource(id));
    case 'Update':
      return client.put(apiPaths.codeSource(id), UPDATE_CHANGE);
    case 'Delete':
      return client.delete(apiPaths.codeSource(id));
    case 'Publish':
      return client.put(apiPaths.publish(id));
    case 'Unpublish':
      return client.put(apiPaths.unpublish(id));
    case 'Transfer':
      return client.put(apiPaths.owner(id), { UserId: TEST_USERS[TRANSFER_TO].UserId });
    case 'History':
      return client.get(apiPaths.codeSourceEvents(id));
  }
}

/** An error answer reduced to what must not depend on whether the id exists: the id itself is replaced. */
async function errorShape(res: Response, id: string) {
  const body = await json(res);
  const headers = [...res.headers.keys()].filter((h) => h !== 'x-acs-request-id').sort();
  return {
    status: res.status,
    keys: Object.keys(body).sort(),
    Code: body.Code,
    Message: String(body.Message).replaceAll(id, '<id>'),
    Field: body.Field,
    Rule: body.Rule,
    headers,
  };
}

for (const r of PERMISSIONS.byId) {
  const actor = ROLE_USER[r.role];
  describe(`${r.role} · ${relationOf(r)} ${r.access} (created by ${TEST_USERS[r.creator].UserName})`, () => {
    for (const op of BY_ID_OPS) {
      const outcome = r.expect[op];
      it(`${r.role} · ${relationOf(r)} ${r.access} · ${op} → ${STATUS_TEXT[outcome]}`, async () => {
        const id = await createAs(r.creator, r.access);
        const before = await snapshot(id, r.creator);
        expect(before.status).toBe(200);
        expect(before.body.Accessibility).toBe(r.access);

        const res = await perform(actor, op, id);
        const after = await snapshot(id, r.creator);

        const requestId = res.headers.get('x-acs-request-id');
        const recorded = { Action: EVENT_OF[op], UserId: TEST_USERS[actor].UserId, RequestId: requestId ?? '' };
        switch (outcome) {
          case 'read': {
            expect(res.status).toBe(200);
            const { RequestId: _requestId, ...body } = await json(res);
            if (op === 'History') {
              // The same history an admin reads: here only its Create, by the creator.
              expect(body).toEqual({ Events: before.events, TotalCount: 1 });
              expect(before.events[0]).toMatchObject({ Action: 'Create', UserId: TEST_USERS[r.creator].UserId });
            } else {
              expect(body).toEqual(before.body);
              expect(res.headers.get('etag')).toBe(before.etag);
            }
            expect(after).toEqual(before);
            break;
          }
          case 'changed': {
            expect(res.status).toBe(200);
            expect(await json(res)).toMatchObject({ CodeSourceId: id });
            expect(after.status).toBe(200);
            expect(after.etag).not.toBe(before.etag);
            expect(res.headers.get('etag')).toBe(after.etag);
            expect(String(after.body.GmtModifyTime) > String(before.body.GmtModifyTime)).toBe(true);
            expect(after.body).toEqual({ ...before.body, ...expectedChange(op), GmtModifyTime: after.body.GmtModifyTime });
            expectOneNewEvent(before, after, recorded);
            expect(after.events[0]?.BatchId).toBeUndefined();
            break;
          }
          case 'no-op':
            expect(res.status).toBe(200);
            expect(await json(res)).toMatchObject({ CodeSourceId: id });
            expect(after).toEqual(before);
            break;
          case 'deleted':
            expect(res.status).toBe(200);
            expect(await json(res)).toMatchObject({ CodeSourceId: id });
            expect(after.status).toBe(404);
            expect(after.body.Code).toBe(CODE_SOURCE_NOT_FOUND);
            // The history stays, with the Delete on top.
            expectOneNewEvent(before, after, { ...recorded, CodeSourceExists: false });
            expect(
              (await json(await t.as(inspectorOf(r.creator)).get(`${apiPaths.codeSources}?WorkspaceId=${workspaceOf(r.creator)}`)))
                .TotalCount,
            ).toBe(0);
            break;
          case 'hidden': {
            expect(res.status).toBe(404);
            const shape = await errorShape(res, id);
            expect(shape.Code).toBe(CODE_SOURCE_NOT_FOUND);
            // Indistinguishable from an id that never existed: same status, Code, fields, message and headers.
            const missing = await errorShape(await perform(actor, op, MISSING_ID), MISSING_ID);
            expect(shape).toEqual(missing);
            expect(after).toEqual(before);
            break;
          }
          case 'denied': {
            expect(res.status).toBe(403);
            const body = await json(res);
            expect(body.Code).toBe('Forbidden.NoPermission');
            expect(res.headers.get('etag')).toBeNull();
            expect(after).toEqual(before);
            break;
          }
        }
      });
    }
  });
}

/** The workspace a role's batch names: its own (the non-member is otto, an admin of 2002 only). */
const batchWorkspaceOf = (role: Role) => (role === 'non-member' ? OTHER_WS : WS);

describe('BatchCodeSources: each item as the single operation, in one request mixing allowed, forbidden and invisible ids', () => {
  for (const role of ROLES) {
    const actor = ROLE_USER[role];
    const rows = PERMISSIONS.byId.filter((r) => r.role === role);
    for (const action of BATCH_ACTIONS) {
      const cells = rows.map((r) => `${relationOf(r)} ${r.access} ${r.expect[action]}`).join(', ');
      it(`${role} · Batch ${action} in ${batchWorkspaceOf(role)} · ${cells}, each also deleted meanwhile, a missing id`, async () => {
        // Per row of the table: a live code source, and one its creator's admin deleted before the batch.
        const items: { id: string; r: ByIdRow; deletedBefore: boolean; before?: Snapshot }[] = [];
        for (const r of rows) {
          const live = await createAs(r.creator, r.access);
          const gone = await createAs(r.creator, r.access);
          expect((await t.as(inspectorOf(r.creator)).delete(apiPaths.codeSource(gone))).status).toBe(200);
          items.push({ id: live, r, deletedBefore: false, before: await snapshot(live, r.creator) }, { id: gone, r, deletedBefore: true });
        }
        const ids = items.map((i) => i.id);
        ids.splice(Math.floor(ids.length / 2), 0, MISSING_ID);

        const res = await t.as(actor).post(apiPaths.batch, { WorkspaceId: batchWorkspaceOf(role), Action: action, CodeSourceIds: ids });
        expect(res.status).toBe(200);
        const body = (await res.json()) as BatchResponse;
        const requestId = res.headers.get('x-acs-request-id');
        expect(body.Results.map((x) => x.CodeSourceId)).toEqual(ids);
        const resultOf = (id: string) => body.Results.find((x) => x.CodeSourceId === id);
        const missing = resultOf(MISSING_ID);
        expect(missing).toMatchObject({ Success: false, Code: CODE_SOURCE_NOT_FOUND });

        let succeeded = 0;
        for (const item of items) {
          const label = `${relationOf(item.r)} ${item.r.access}${item.deletedBefore ? ', deleted before' : ''}`;
          const result = resultOf(item.id);
          if (item.deletedBefore) {
            const expected = visibleTo(role, item.r) ? 'AlreadyDeleted' : CODE_SOURCE_NOT_FOUND;
            expect(result, label).toMatchObject({ Success: false, Code: expected });
            // Its history ends with that Delete: nothing was added.
            expect(
              (await eventsOf(item.id, item.r.creator)).map((e) => e.Action),
              label,
            ).toEqual(['Delete', 'Create']);
            continue;
          }
          const before = item.before as Snapshot;
          const after = await snapshot(item.id, item.r.creator);
          const outcome = item.r.expect[action];
          switch (outcome) {
            case 'changed':
            case 'deleted':
              succeeded++;
              expect(result, label).toEqual({ CodeSourceId: item.id, Success: true });
              if (outcome === 'deleted') expect(after.status, label).toBe(404);
              else
                expect(after.body, label).toEqual({ ...before.body, ...expectedChange(action), GmtModifyTime: after.body.GmtModifyTime });
              expectOneNewEvent(before, after, {
                Action: action,
                UserId: TEST_USERS[actor].UserId,
                RequestId: requestId ?? '',
                BatchId: body.BatchId,
              });
              break;
            case 'no-op':
              succeeded++;
              expect(result, label).toEqual({ CodeSourceId: item.id, Success: true });
              expect(after, label).toEqual(before);
              break;
            case 'hidden':
              expect(result, label).toMatchObject({ Success: false, Code: CODE_SOURCE_NOT_FOUND });
              // Nothing tells it from the missing id.
              expect(result?.Message?.replaceAll(item.id, '<id>'), label).toBe(missing?.Message?.replaceAll(MISSING_ID, '<id>'));
              expect(after, label).toEqual(before);
              break;
            case 'denied':
              expect(result, label).toMatchObject({ Success: false, Code: 'Forbidden.NoPermission' });
              expect(after, label).toEqual(before);
              break;
            default:
              throw new Error(`a batch ${action} cannot be ${outcome}`);
          }
        }
        expect(body.SucceededCount).toBe(succeeded);
        expect(body.FailedCount).toBe(ids.length - succeeded);
      });
    }
  }
});

describe('an id that does not exist', () => {
  for (const role of ROLES) {
    for (const op of BY_ID_OPS) {
      it(`${role} · missing · ${op} → 404`, async () => {
        const res = await perform(ROLE_USER[role], op, MISSING_ID);
        expect(res.status).toBe(404);
        const body = await json(res);
        expect(body).toMatchObject({ Code: CODE_SOURCE_NOT_FOUND });
        expect(Object.keys(body).sort()).toEqual(['Code', 'HostId', 'Message', 'RequestId']);
      });
    }
  }
});

describe('CreateCodeSource in workspace 2001', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.workspace[role].Create;
    for (const access of ['PRIVATE', 'PUBLIC'] as const) {
      it(`${role} · ${access} · Create → ${STATUS_TEXT[outcome]}`, async () => {
        const actor = ROLE_USER[role];
        const res = await t.as(actor).post(apiPaths.codeSources, createBody({ Accessibility: access }));
        const body = await json(res);
        const all = await json(await t.as('admin').get(`${apiPaths.codeSources}?WorkspaceId=${WS}`));
        if (outcome === 'allowed') {
          expect(res.status).toBe(200);
          const got = await snapshot(body.CodeSourceId as string, 'admin');
          expect(got.body).toMatchObject({ WorkspaceId: WS, UserId: TEST_USERS[actor].UserId, Accessibility: access });
          expect(all.TotalCount).toBe(1);
        } else {
          expect(res.status).toBe(403);
          expect(body.Code).toBe(outcome === 'denied' ? 'Forbidden.NoPermission' : 'Forbidden.NotWorkspaceMember');
          expect(all.TotalCount).toBe(0);
        }
      });
    }
  }
});

describe('a workspace that does not exist is named like one the caller is not a member of', () => {
  for (const role of ROLES) {
    const others: [string, () => Promise<Response>][] = [
      [
        'Batch',
        () => t.as(ROLE_USER[role]).post(apiPaths.batch, { WorkspaceId: UNKNOWN_WS, Action: 'Delete', CodeSourceIds: [MISSING_ID] }),
      ],
      ['Activity', () => t.as(ROLE_USER[role]).get(apiPaths.workspaceEvents(UNKNOWN_WS))],
      ['Members', () => t.as(ROLE_USER[role]).get(apiPaths.members(UNKNOWN_WS))],
      ['Counts', () => t.as(ROLE_USER[role]).get(apiPaths.counts(UNKNOWN_WS))],
    ];
    for (const [op, send] of others) {
      it(`${role} · workspace ${UNKNOWN_WS} · ${op} → 403`, async () => {
        const res = await send();
        expect(res.status).toBe(403);
        expect((await json(res)).Code).toBe('Forbidden.NotWorkspaceMember');
      });
    }
    it(`${role} · workspace ${UNKNOWN_WS} · Create → 403`, async () => {
      const res = await t.as(ROLE_USER[role]).post(apiPaths.codeSources, createBody({ WorkspaceId: UNKNOWN_WS }));
      expect(res.status).toBe(403);
      expect((await json(res)).Code).toBe('Forbidden.NotWorkspaceMember');
    });
    it(`${role} · workspace ${UNKNOWN_WS} · List → 403`, async () => {
      const res = await t.as(ROLE_USER[role]).get(`${apiPaths.codeSources}?WorkspaceId=${UNKNOWN_WS}`);
      expect(res.status).toBe(403);
      expect((await json(res)).Code).toBe('Forbidden.NotWorkspaceMember');
    });
  }
});

/** List fixture: a PRIVATE and a PUBLIC code source by each member of 2001, and two of otto's in 2002. */
const LIST_CREATORS: TestUser[] = ['owner', 'admin', 'dev', 'dev2', 'guest', 'outsider'];
interface Listed {
  id: string;
  creator: TestUser;
  access: Access;
  name: string;
}

async function createListFixture(): Promise<Listed[]> {
  const out: Listed[] = [];
  for (const creator of LIST_CREATORS) {
    for (const access of ['PRIVATE', 'PUBLIC'] as const) {
      // otto's names also contain "dev", so a name search in 2001 that leaked across workspaces would show.
      const name = `${creator === 'outsider' ? 'otto-dev' : TEST_USERS[creator].UserName}-${access.toLowerCase()}`;
      out.push({ id: await createAs(creator, access, name), creator, access, name });
    }
  }
  return out;
}

interface ListCase {
  label: string;
  query: Record<string, string>;
  matches: (cs: Listed) => boolean;
}

const LIST_CASES: ListCase[] = [
  { label: 'no filter', query: {}, matches: () => true },
  { label: 'DisplayName=DEV', query: { DisplayName: 'DEV' }, matches: (cs) => cs.name.toLowerCase().includes('dev') },
  { label: 'Accessibility=PRIVATE', query: { Accessibility: 'PRIVATE' }, matches: (cs) => cs.access === 'PRIVATE' },
  { label: 'Accessibility=PUBLIC', query: { Accessibility: 'PUBLIC' }, matches: (cs) => cs.access === 'PUBLIC' },
  ...LIST_CREATORS.map((creator) => ({
    label: `UserId=${TEST_USERS[creator].UserName}`,
    query: { UserId: TEST_USERS[creator].UserId },
    matches: (cs: Listed) => cs.creator === creator,
  })),
  {
    label: 'DisplayName=dev&Accessibility=PUBLIC&UserId=dev2',
    query: { DisplayName: 'dev', Accessibility: 'PUBLIC', UserId: TEST_USERS.dev2.UserId },
    matches: (cs) => cs.name.includes('dev') && cs.access === 'PUBLIC' && cs.creator === 'dev2',
  },
];

describe('ListCodeSources of workspace 2001', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.workspace[role].List;
    for (const c of LIST_CASES) {
      it(`${role} · List ${c.label} → ${outcome === 'allowed' ? 'the visible ones, TotalCount the same' : '403'}`, async () => {
        const fixture = await createListFixture();
        const query = new URLSearchParams({ WorkspaceId: WS, PageSize: '100', ...c.query });
        const res = await t.as(ROLE_USER[role]).get(`${apiPaths.codeSources}?${query}`);
        const body = await json(res);
        if (outcome === 'not-member') {
          expect(res.status).toBe(403);
          expect(body.Code).toBe('Forbidden.NotWorkspaceMember');
          expect(body).not.toHaveProperty('CodeSources');
          return;
        }
        expect(res.status).toBe(200);
        const expected = fixture.filter((cs) => workspaceOf(cs.creator) === WS && visibleTo(role, cs) && c.matches(cs));
        const listed = (body.CodeSources as Json[]).map((cs) => cs.CodeSourceId as string);
        expect(listed.map((id) => fixture.find((cs) => cs.id === id)?.name ?? id).sort()).toEqual(expected.map((cs) => cs.name).sort());
        expect(body.TotalCount).toBe(expected.length);
      });
    }

    if (outcome === 'allowed') {
      it(`${role} · List PageSize=2 → TotalCount counts every visible one, not the page`, async () => {
        const fixture = await createListFixture();
        const expected = fixture.filter((cs) => workspaceOf(cs.creator) === WS && visibleTo(role, cs));
        const seen: string[] = [];
        for (let page = 1; page <= Math.ceil(expected.length / 2); page++) {
          const res = await t.as(ROLE_USER[role]).get(`${apiPaths.codeSources}?WorkspaceId=${WS}&PageSize=2&PageNumber=${page}`);
          const body = await json(res);
          expect(body.TotalCount).toBe(expected.length);
          seen.push(...(body.CodeSources as Json[]).map((cs) => cs.CodeSourceId as string));
        }
        expect(seen.sort()).toEqual(expected.map((cs) => cs.id).sort());
      });
    }

    it(`${role} · List without WorkspaceId → 400`, async () => {
      const res = await t.as(ROLE_USER[role]).get(apiPaths.codeSources);
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({ Code: 'MissingParameter', Field: 'WorkspaceId' });
    });
  }
});

describe('BatchCodeSources naming workspace 2001, as a whole request', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.workspace[role].Batch;
    it(`${role} · Batch Delete → ${outcome === 'allowed' ? '200 with a result per item' : '403, nothing deleted'}`, async () => {
      const id = await createAs('dev', 'PUBLIC');
      const before = await snapshot(id, 'dev');
      const res = await t.as(ROLE_USER[role]).post(apiPaths.batch, { WorkspaceId: WS, Action: 'Delete', CodeSourceIds: [id] });
      const body = await json(res);
      if (outcome === 'allowed') {
        expect(res.status).toBe(200);
        expect((body.Results as Json[]).map((x) => x.CodeSourceId)).toEqual([id]);
        return;
      }
      expect(res.status).toBe(403);
      expect(body.Code).toBe('Forbidden.NotWorkspaceMember');
      expect(body).not.toHaveProperty('Results');
      expect(await snapshot(id, 'dev')).toEqual(before);
    });
  }
});

/** The members of workspace 2001, by user name. */
const MEMBERS_OF_WS = ['ada', 'dev1', 'dev2', 'gus', 'olga'];

describe('ListWorkspaceMembers of workspace 2001', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.workspace[role].Members;
    it(`${role} · Members → ${STATUS_TEXT[outcome]}`, async () => {
      const res = await t.as(ROLE_USER[role]).get(apiPaths.members(WS));
      const body = await json(res);
      if (outcome === 'not-member') {
        expect(res.status).toBe(403);
        expect(body.Code).toBe('Forbidden.NotWorkspaceMember');
        expect(body).not.toHaveProperty('Members');
        return;
      }
      expect(res.status).toBe(200);
      const members = body.Members as { UserId: string; UserName: string; CanOwnCodeSources: boolean }[];
      expect(members.map((m) => m.UserName)).toEqual(MEMBERS_OF_WS);
      expect(body.TotalCount).toBe(MEMBERS_OF_WS.length);
      // Who can be made an owner, as the table says.
      for (const r of ROLES.filter((x) => x !== 'non-member')) {
        const member = members.find((m) => m.UserId === TEST_USERS[ROLE_USER[r]].UserId);
        expect(member?.CanOwnCodeSources, r).toBe(PERMISSIONS.newOwner[r] === 'eligible');
      }
    });
  }
});

describe('TransferCodeSourceOwner by an admin: who can be the new owner', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.newOwner[role];
    it(`to the ${role} → ${outcome === 'eligible' ? '200, owner changed, one TransferOwner event' : '400 not_eligible_owner, nothing changed'}`, async () => {
      // dev2's, so that every eligible member is a new owner.
      const id = await createAs('dev2', 'PRIVATE');
      const before = await snapshot(id, 'dev2');
      const newOwner = TEST_USERS[ROLE_USER[role]];
      const res = await t.as('admin').put(apiPaths.owner(id), { UserId: newOwner.UserId });
      const after = await snapshot(id, 'dev2');
      if (outcome === 'not-eligible') {
        expect(res.status).toBe(400);
        expect(await json(res)).toMatchObject({ Code: 'InvalidParameter', Field: 'UserId', Rule: 'not_eligible_owner' });
        expect(after).toEqual(before);
        return;
      }
      expect(res.status).toBe(200);
      expect(after.body).toMatchObject({ UserId: newOwner.UserId, UserName: newOwner.UserName });
      expectOneNewEvent(before, after, {
        Action: 'TransferOwner',
        UserId: TEST_USERS.admin.UserId,
        Changes: [
          { Field: 'UserId', Before: TEST_USERS.dev2.UserId, After: newOwner.UserId },
          { Field: 'UserName', Before: TEST_USERS.dev2.UserName, After: newOwner.UserName },
        ],
      });
    });
  }
  it('to a user id nobody has → 400 not_eligible_owner', async () => {
    const id = await createAs('dev2', 'PRIVATE');
    const before = await snapshot(id, 'dev2');
    const res = await t.as('admin').put(apiPaths.owner(id), { UserId: '999999' });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ Field: 'UserId', Rule: 'not_eligible_owner' });
    expect(await snapshot(id, 'dev2')).toEqual(before);
  });
});

describe('GetCodeSourceCounts of workspace 2001', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.workspace[role].Counts;
    it(`${role} · Counts → ${outcome === 'allowed' ? 'PUBLIC and PRIVATE of the visible ones' : '403'}`, async () => {
      const fixture = await createListFixture();
      const res = await t.as(ROLE_USER[role]).get(apiPaths.counts(WS));
      const body = await json(res);
      if (outcome === 'not-member') {
        expect(res.status).toBe(403);
        expect(body.Code).toBe('Forbidden.NotWorkspaceMember');
        expect(body).not.toHaveProperty('PublicCount');
        return;
      }
      expect(res.status).toBe(200);
      const visible = fixture.filter((cs) => workspaceOf(cs.creator) === WS && visibleTo(role, cs));
      expect(body).toMatchObject({
        PublicCount: visible.filter((cs) => cs.access === 'PUBLIC').length,
        PrivateCount: visible.filter((cs) => cs.access === 'PRIVATE').length,
      });
    });
  }
});

/**
 * Activity fixture: the list fixture (each one's Create), then dev2 makes its PUBLIC one PRIVATE, dev edits its
 * PUBLIC one, and dev creates and deletes a PUBLIC one. `log` is every write in order, with where it stands now.
 */
interface Logged {
  id: string;
  action: EventAction;
  userId: string;
}
async function createActivityFixture(): Promise<{ items: Listed[]; log: Logged[]; gone: string }> {
  const items = await createListFixture();
  const log: Logged[] = items.map((cs) => ({ id: cs.id, action: 'Create', userId: TEST_USERS[cs.creator].UserId }));
  const find = (creator: TestUser, access: Access) => items.find((cs) => cs.creator === creator && cs.access === access) as Listed;
  const dev2Public = find('dev2', 'PUBLIC');
  expect((await t.as('dev2').put(apiPaths.unpublish(dev2Public.id))).status).toBe(200);
  dev2Public.access = 'PRIVATE';
  log.push({ id: dev2Public.id, action: 'Unpublish', userId: TEST_USERS.dev2.UserId });
  const devPublic = find('dev', 'PUBLIC');
  expect((await t.as('dev').put(apiPaths.codeSource(devPublic.id), UPDATE_CHANGE)).status).toBe(200);
  log.push({ id: devPublic.id, action: 'Update', userId: TEST_USERS.dev.UserId });
  const gone = await createAs('dev', 'PUBLIC', 'dev1-gone');
  log.push({ id: gone, action: 'Create', userId: TEST_USERS.dev.UserId });
  expect((await t.as('dev').delete(apiPaths.codeSource(gone))).status).toBe(200);
  log.push({ id: gone, action: 'Delete', userId: TEST_USERS.dev.UserId });
  return { items, log, gone };
}

interface ActivityCase {
  label: string;
  query: (f: { items: Listed[]; gone: string }) => Record<string, string>;
  matches: (e: Logged, f: { items: Listed[]; gone: string }) => boolean;
}
const ACTIVITY_CASES: ActivityCase[] = [
  { label: 'no filter', query: () => ({}), matches: () => true },
  { label: 'Action=Create', query: () => ({ Action: 'Create' }), matches: (e) => e.action === 'Create' },
  { label: 'Action=Delete', query: () => ({ Action: 'Delete' }), matches: (e) => e.action === 'Delete' },
  {
    label: 'UserId=dev2&Action=Unpublish',
    query: () => ({ UserId: TEST_USERS.dev2.UserId, Action: 'Unpublish' }),
    matches: (e) => e.userId === TEST_USERS.dev2.UserId && e.action === 'Unpublish',
  },
  { label: 'CodeSourceId=the deleted one', query: (f) => ({ CodeSourceId: f.gone }), matches: (e, f) => e.id === f.gone },
  {
    label: "CodeSourceId=dev2's PRIVATE one",
    query: (f) => ({ CodeSourceId: f.items.find((cs) => cs.name === 'dev2-private')?.id ?? '' }),
    matches: (e, f) => e.id === f.items.find((cs) => cs.name === 'dev2-private')?.id,
  },
];

describe('ListWorkspaceEvents of workspace 2001', () => {
  for (const role of ROLES) {
    const outcome = PERMISSIONS.workspace[role].Activity;
    for (const c of ACTIVITY_CASES) {
      it(`${role} · Activity ${c.label} → ${outcome === 'not-member' ? '403' : outcome}`, async () => {
        const fixture = await createActivityFixture();
        const query = new URLSearchParams({ PageSize: '100', ...c.query(fixture) });
        const res = await t.as(ROLE_USER[role]).get(`${apiPaths.workspaceEvents(WS)}?${query}`);
        const body = await json(res);
        if (outcome === 'not-member') {
          expect(res.status).toBe(403);
          expect(body.Code).toBe('Forbidden.NotWorkspaceMember');
          expect(body).not.toHaveProperty('Events');
          return;
        }
        expect(res.status).toBe(200);
        const shown = (e: Logged) => {
          const cs = fixture.items.find((x) => x.id === e.id);
          if (!cs) return outcome === 'everything'; // the deleted one
          return workspaceOf(cs.creator) === WS && (outcome === 'everything' || visibleTo(role, cs));
        };
        const expected = fixture.log.filter((e) => shown(e) && c.matches(e, fixture)).reverse();
        const events = body.Events as CodeSourceEvent[];
        expect(events.map((e) => [e.CodeSourceId, e.Action, e.UserId])).toEqual(expected.map((e) => [e.id, e.action, e.userId]));
        expect(body.TotalCount).toBe(expected.length);
      });
    }
  }
});
