import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { CODE_SOURCE_NOT_FOUND } from '@/shared/error-codes';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { OTHER_WS, TEST_USERS, WS, type TestUser } from '@/testing/test-seed';

/*
 * Authorization across roles × own/other's × PRIVATE/PUBLIC × operations, generated from ONE table (PERMISSIONS).
 * The rules come from issue 2 ("Identity, workspaces, roles, visibility" and "Decisions"); the table states them
 * outright instead of recomputing them, so a change in the server's rules shows up here as a failing cell.
 */

type Role = 'owner' | 'admin' | 'developer' | 'guest' | 'non-member';
type Access = 'PRIVATE' | 'PUBLIC';
type ByIdOp = 'Get' | 'Update' | 'Delete' | 'Publish' | 'Unpublish';

/**
 * What a by-id operation does:
 * - `read`      200 with the code source's fields
 * - `changed`   200, and the change is there
 * - `no-op`     200, and nothing changed (publishing a PUBLIC one, unpublishing a PRIVATE one)
 * - `deleted`   200, and the row is gone
 * - `hidden`    404 `201400002`, exactly like a missing id, and nothing changed
 * - `denied`    403 `Forbidden.NoPermission`, and nothing changed
 */
type ByIdOutcome = 'read' | 'changed' | 'no-op' | 'deleted' | 'hidden' | 'denied';

/**
 * What a workspace-level operation naming workspace 2001 does:
 * - `allowed`     Create: 200 and the caller is the creator; List: 200 with what the by-id `Get` column allows
 * - `denied`      403 `Forbidden.NoPermission`, nothing created
 * - `not-member`  403 `Forbidden.NotWorkspaceMember`, nothing created
 */
type WorkspaceOutcome = 'allowed' | 'denied' | 'not-member';

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
): ByIdRow => ({
  role,
  creator,
  access,
  expect: { Get, Update, Delete, Publish, Unpublish },
});

/** THE permission table. */
const PERMISSIONS = {
  /** Operations naming workspace 2001 (Create is tried with both accessibilities). */
  workspace: {
    owner: { Create: 'allowed', List: 'allowed' },
    admin: { Create: 'allowed', List: 'allowed' },
    developer: { Create: 'allowed', List: 'allowed' },
    guest: { Create: 'denied', List: 'allowed' },
    'non-member': { Create: 'not-member', List: 'not-member' },
  } satisfies Record<Role, { Create: WorkspaceOutcome; List: WorkspaceOutcome }>,

  /**
   * Operations on one code source by id. `creator` is whose code source it is: the actor's own user for "own",
   * a colleague in workspace 2001 for "other's", and otto's workspace 2002 for "other workspace's".
   * The guest's own ones were created while gus was still a developer (see `createAs`).
   */
  byId: [
    //   role          creator     access      Get       Update     Delete     Publish    Unpublish
    row('owner', 'owner', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op'),
    row('owner', 'owner', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed'),
    row('owner', 'dev', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op'),
    row('owner', 'dev', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed'),
    row('admin', 'admin', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op'),
    row('admin', 'admin', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed'),
    row('admin', 'dev', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op'),
    row('admin', 'dev', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed'),
    row('admin', 'outsider', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('admin', 'outsider', 'PUBLIC', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('developer', 'dev', 'PRIVATE', 'read', 'changed', 'deleted', 'changed', 'no-op'),
    row('developer', 'dev', 'PUBLIC', 'read', 'changed', 'deleted', 'no-op', 'changed'),
    row('developer', 'dev2', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('developer', 'dev2', 'PUBLIC', 'read', 'denied', 'denied', 'denied', 'denied'),
    row('guest', 'guest', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('guest', 'guest', 'PUBLIC', 'read', 'denied', 'denied', 'denied', 'denied'),
    row('guest', 'dev', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('guest', 'dev', 'PUBLIC', 'read', 'denied', 'denied', 'denied', 'denied'),
    row('non-member', 'dev', 'PRIVATE', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
    row('non-member', 'dev', 'PUBLIC', 'hidden', 'hidden', 'hidden', 'hidden', 'hidden'),
  ] satisfies ByIdRow[],
} as const;

const ROLES = Object.keys(PERMISSIONS.workspace) as Role[];
const BY_ID_OPS: ByIdOp[] = ['Get', 'Update', 'Delete', 'Publish', 'Unpublish'];

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
  t.db
    .prepare('UPDATE members SET roles = ? WHERE workspace_id = ? AND user_id = ?')
    .run(JSON.stringify(roles), WS, TEST_USERS[user].UserId);

/**
 * Creates a code source as `creator`. A guest cannot create, so the guest's own ones are created while gus is a
 * developer, who is then made a guest again — as when an admin demotes a member.
 */
async function createAs(creator: TestUser, access: Access, displayName?: string): Promise<string> {
  if (creator === 'guest') setRoles('guest', ['PAI.AlgoDeveloper']);
  const res = await t
    .as(creator)
    .post(
      apiPaths.codeSources,
      createBody({ WorkspaceId: workspaceOf(creator), Accessibility: access, ...(displayName ? { DisplayName: displayName } : {}) }),
    );
  if (creator === 'guest') setRoles('guest', ['PAI.WorkspaceGuest']);
  expect(res.status, `fixture: ${creator} creates a ${access} code source`).toBe(200);
  return (await json(res)).CodeSourceId as string;
}

/** The code source as someone who may see everything sees it, without the per-response RequestId. */
async function snapshot(id: string, creator: TestUser): Promise<{ status: number; etag: string | null; body: Json }> {
  const res = await t.as(inspectorOf(creator)).get(apiPaths.codeSource(id));
  const { RequestId: _requestId, ...body } = await json(res);
  return { status: res.status, etag: res.headers.get('etag'), body };
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

        switch (outcome) {
          case 'read': {
            expect(res.status).toBe(200);
            const { RequestId: _requestId, ...body } = await json(res);
            expect(body).toEqual(before.body);
            expect(res.headers.get('etag')).toBe(before.etag);
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
            const expected =
              op === 'Update' ? UPDATE_CHANGE : op === 'Publish' ? { Accessibility: 'PUBLIC' } : { Accessibility: 'PRIVATE' };
            expect(after.body).toEqual({ ...before.body, ...expected, GmtModifyTime: after.body.GmtModifyTime });
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
