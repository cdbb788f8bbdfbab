import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchAction, BatchResponse, CodeSourceEvent, EventAction, EventChange, ListEventsResponse } from '@/shared/admin.schema';
import { apiPaths } from '@/shared/api-paths';
import type { CodeSource, ListCodeSourcesResponse, SortBy } from '@/shared/code-source.schema';
import { CODE_SOURCE_NOT_FOUND } from '@/shared/error-codes';
import { createTestApp } from '@/testing/test-app';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';

/**
 * Property: random sequences of Create/Update/Publish/Unpublish/Delete/TransferOwner/Batch/List and history reads by
 * random users with random roles behave like a small in-memory model — never a 5xx, List and TotalCount equal the
 * model's visible set under every filter, sort and page, batch results are per item what the model says, the
 * history of a code source and the workspace activity equal the model's own event log (Action, who, RequestId,
 * BatchId, Changes), and no token ever comes back.
 */

interface ModelRow {
  id: string;
  owner: TestUser;
  name: string;
  accessibility: 'PRIVATE' | 'PUBLIC';
  description: string;
  created: number;
  modified: number;
}

/** An event as the model expects the server to record it. */
interface ModelEvent {
  id: string;
  action: EventAction;
  user: TestUser;
  requestId: string;
  batchId?: string;
  displayName: string;
  changes: EventChange[];
}

const USERS: TestUser[] = ['admin', 'owner', 'dev', 'dev2', 'guest'];
const isAdmin = (u: TestUser) => u === 'admin' || u === 'owner';
const canSee = (u: TestUser, r: ModelRow) => isAdmin(u) || r.accessibility === 'PUBLIC' || (u !== 'guest' && r.owner === u);
const canManage = (u: TestUser, r: ModelRow) => isAdmin(u) || (u !== 'guest' && r.owner === u);
/** Who may be handed a code source of the workspace: a member with a role that may create. */
const canOwn = (u: TestUser) => u !== 'guest' && u !== 'outsider';
/** Whether `u` could see it when it was deleted — then a batch says AlreadyDeleted rather than not found. */
const couldSeeDeleted = canSee;

const REPO = 'https://github.com/a/b.git';
const MISSING_ID = 'code-20200101000000-missingmissi';

/** The history's Changes, written out for the few fields the model varies (the rest are the create defaults). */
const changesOf = {
  create: (r: ModelRow): EventChange[] => [
    { Field: 'DisplayName', Before: null, After: r.name },
    { Field: 'CodeRepo', Before: null, After: REPO },
    { Field: 'CodeBranch', Before: null, After: 'master' },
    { Field: 'MountPath', Before: null, After: '/root/code/' },
    { Field: 'Accessibility', Before: null, After: r.accessibility },
    { Field: 'CloneType', Before: null, After: 0 },
    { Field: 'CodeRepoAccessToken', Before: null, After: 'set' },
  ],
  update: (before: ModelRow, name: string, description: string): EventChange[] => [
    ...(name === before.name ? [] : [{ Field: 'DisplayName', Before: before.name, After: name }]),
    ...(description === before.description ? [] : [{ Field: 'Description', Before: before.description, After: description }]),
  ],
  access: (before: ModelRow, next: string): EventChange[] => [{ Field: 'Accessibility', Before: before.accessibility, After: next }],
  transfer: (before: ModelRow, to: TestUser): EventChange[] => [
    { Field: 'UserId', Before: TEST_USERS[before.owner].UserId, After: TEST_USERS[to].UserId },
    { Field: 'UserName', Before: TEST_USERS[before.owner].UserName, After: TEST_USERS[to].UserName },
  ],
  delete: (r: ModelRow): EventChange[] => [
    { Field: 'DisplayName', Before: r.name, After: null },
    ...(r.description === '' ? [] : [{ Field: 'Description', Before: r.description, After: null }]),
    { Field: 'CodeRepo', Before: REPO, After: null },
    { Field: 'CodeBranch', Before: 'master', After: null },
    { Field: 'MountPath', Before: '/root/code/', After: null },
    { Field: 'Accessibility', Before: r.accessibility, After: null },
    { Field: 'CloneType', Before: 0, After: null },
    { Field: 'CodeRepoAccessToken', Before: null, After: 'removed' },
    { Field: 'UserId', Before: TEST_USERS[r.owner].UserId, After: null },
  ],
};

const user = fc.constantFrom(...USERS);
const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _%-]{0,11}$/);
const pick = fc.nat();
/** Mostly `undefined`: a filter that is usually absent, so that most activity pages have something on them. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
/** Creates weigh more, so that the other operations have code sources to act on. */
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight });
const op = fc.oneof(
  weighted(
    4,
    fc.record({
      kind: fc.constant('create' as const),
      user,
      name,
      pub: fc.boolean(),
      token: fc.option(fc.stringMatching(/^[a-z0-9]{6,20}$/), { nil: undefined }),
    }),
  ),
  fc.record({
    kind: fc.constant('update' as const),
    user,
    pick,
    name: fc.option(name, { nil: undefined }),
    description: fc.string({ maxLength: 20 }),
  }),
  fc.record({ kind: fc.constant('publish' as const), user, pick }),
  fc.record({ kind: fc.constant('unpublish' as const), user, pick }),
  fc.record({ kind: fc.constant('delete' as const), user, pick }),
  weighted(2, fc.record({ kind: fc.constant('transfer' as const), user, pick, to: fc.constantFrom<TestUser>(...USERS, 'outsider') })),
  weighted(
    2,
    fc.record({
      kind: fc.constant('batch' as const),
      user,
      action: fc.constantFrom<BatchAction>('Publish', 'Unpublish', 'Delete'),
      picks: fc.array(pick, { minLength: 1, maxLength: 5 }),
    }),
  ),
  fc.record({ kind: fc.constant('history' as const), user, pick }),
  fc.record({
    kind: fc.constant('activity' as const),
    user,
    action: sometimes(fc.constantFrom<EventAction>('Create', 'Update', 'Publish', 'Unpublish', 'Delete', 'TransferOwner')),
    by: sometimes(user),
    of: sometimes(pick),
    pageSize: fc.integer({ min: 1, max: 10 }),
    page: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('list' as const),
    user,
    search: fc.option(fc.stringMatching(/^[a-z0-9 _%-]{1,3}$/), { nil: undefined }),
    accessibility: fc.option(fc.constantFrom('PRIVATE' as const, 'PUBLIC' as const), { nil: undefined }),
    creator: fc.option(user, { nil: undefined }),
    sortBy: fc.constantFrom<SortBy>('GmtCreateTime', 'GmtModifyTime', 'DisplayName', 'CodeSourceId'),
    desc: fc.boolean(),
    pageSize: fc.integer({ min: 1, max: 7 }),
    page: fc.integer({ min: 1, max: 4 }),
  }),
);

function sortKey(r: ModelRow, sortBy: SortBy): string | number {
  if (sortBy === 'GmtCreateTime') return r.created;
  if (sortBy === 'GmtModifyTime') return r.modified;
  if (sortBy === 'DisplayName') return r.name.toLowerCase();
  return r.id;
}

/** An event as the API answers it, reduced to what the model decides (ids and times are the server's). */
function shown(e: CodeSourceEvent) {
  return {
    id: e.CodeSourceId,
    action: e.Action,
    userId: e.UserId,
    userName: e.UserName,
    via: e.Via,
    requestId: e.RequestId,
    batchId: e.BatchId,
    displayName: e.DisplayName,
    changes: e.Changes,
    exists: e.CodeSourceExists,
  };
}

describe('model-based: the API behaves like the permission model', () => {
  it('holds for random operation sequences, the change history included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const t = await createTestApp();
        try {
          const rows = new Map<string, ModelRow>();
          /** Deleted code sources as they were when deleted. */
          const deleted = new Map<string, ModelRow>();
          /** The model's own event log, oldest first. */
          const log: ModelEvent[] = [];
          const tokens: string[] = [];
          let seq = 0;
          const expectedEvent = (e: ModelEvent) => ({
            id: e.id,
            action: e.action,
            userId: TEST_USERS[e.user].UserId,
            userName: TEST_USERS[e.user].UserName,
            via: 'Console',
            requestId: e.requestId,
            batchId: e.batchId,
            displayName: e.displayName,
            changes: e.changes,
            exists: rows.has(e.id),
          });
          const target = (n: number): string => {
            const ids = [...rows.keys()];
            const gone = [...deleted.keys()];
            // Sometimes aim at nothing at all, or at a deleted one (not at small n: fast-check favours 0, 1, 2).
            if (n % 7 === 6) return MISSING_ID;
            if (n % 5 === 4 && gone.length > 0) return gone[n % gone.length] ?? '';
            return ids.length === 0 ? MISSING_ID : (ids[n % ids.length] ?? '');
          };
          /** Applies a change the server reported, recording its event. */
          const record = (e: ModelEvent) => {
            log.push(e);
            const row = rows.get(e.id);
            if (!row) return;
            if (e.action === 'Delete') {
              rows.delete(e.id);
              deleted.set(e.id, row);
            } else row.modified = ++seq;
          };
          const readEvents = async (u: TestUser, url: string) => {
            const res = await t.as(u).get(url);
            const body = (await res.clone().json()) as ListEventsResponse & { Code?: string };
            return { res, body };
          };

          for (const o of ops) {
            const c = t.as(o.user);
            let res: Response;
            if (o.kind === 'create') {
              const secret = `tok${seq}x${o.name.length}`;
              tokens.push(secret);
              res = await c.post(apiPaths.codeSources, {
                WorkspaceId: WS,
                DisplayName: o.name,
                CodeRepo: REPO,
                CodeRepoAccessToken: secret,
                Accessibility: o.pub ? 'PUBLIC' : 'PRIVATE',
                ...(o.token ? { ClientToken: o.token } : {}),
              });
              const taken = [...rows.values()].some((r) => r.name.trim().toLowerCase() === o.name.trim().toLowerCase());
              if (o.user === 'guest') expect(res.status).toBe(403);
              else if (res.status === 409) expect(taken || o.token !== undefined).toBe(true);
              else {
                expect(res.status).toBe(200);
                const id = ((await res.clone().json()) as { CodeSourceId: string }).CodeSourceId;
                // A ClientToken replay answers the earlier id (even of a deleted one) and records nothing.
                if (!rows.has(id) && !deleted.has(id)) {
                  expect(taken).toBe(false);
                  seq++;
                  const row: ModelRow = {
                    id,
                    owner: o.user,
                    name: o.name.trim(),
                    accessibility: o.pub ? 'PUBLIC' : 'PRIVATE',
                    description: '',
                    created: seq,
                    modified: seq,
                  };
                  rows.set(id, row);
                  log.push({
                    id,
                    action: 'Create',
                    user: o.user,
                    requestId: res.headers.get('x-acs-request-id') ?? '',
                    displayName: row.name,
                    changes: changesOf.create(row),
                  });
                }
              }
            } else if (o.kind === 'list') {
              const q = new URLSearchParams({
                WorkspaceId: WS,
                SortBy: o.sortBy,
                Order: o.desc ? 'desc' : 'asc',
                PageSize: String(o.pageSize),
                PageNumber: String(o.page),
              });
              if (o.search) q.set('DisplayName', o.search);
              if (o.accessibility) q.set('Accessibility', o.accessibility);
              if (o.creator) q.set('UserId', TEST_USERS[o.creator].UserId);
              res = await c.get(`${apiPaths.codeSources}?${q}`);
              expect(res.status).toBe(200);
              const body = (await res.clone().json()) as ListCodeSourcesResponse;
              const needle = o.search?.trim().toLowerCase();
              const visible = [...rows.values()]
                .filter((r) => canSee(o.user, r))
                .filter((r) => !needle || r.name.toLowerCase().includes(needle))
                .filter((r) => !o.accessibility || r.accessibility === o.accessibility)
                .filter((r) => !o.creator || r.owner === o.creator)
                .sort((a, b) => {
                  const [x, y] = [sortKey(a, o.sortBy), sortKey(b, o.sortBy)];
                  const cmp = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
                  return o.desc ? -cmp : cmp;
                });
              expect(body.TotalCount).toBe(visible.length);
              const page = visible.slice((o.page - 1) * o.pageSize, o.page * o.pageSize).map((r) => r.id);
              expect(body.CodeSources.map((cs: CodeSource) => cs.CodeSourceId)).toEqual(page);
            } else if (o.kind === 'batch') {
              const ids = [...new Set(o.picks.map(target))];
              res = await c.post(apiPaths.batch, { WorkspaceId: WS, Action: o.action, CodeSourceIds: ids });
              expect(res.status).toBe(200);
              const body = (await res.clone().json()) as BatchResponse;
              const requestId = res.headers.get('x-acs-request-id') ?? '';
              const expected = ids.map((id) => {
                const row = rows.get(id);
                const gone = deleted.get(id);
                if (!row) {
                  const code = gone && couldSeeDeleted(o.user, gone) ? 'AlreadyDeleted' : CODE_SOURCE_NOT_FOUND;
                  return { CodeSourceId: id, Success: false, Code: code };
                }
                if (!canSee(o.user, row)) return { CodeSourceId: id, Success: false, Code: CODE_SOURCE_NOT_FOUND };
                if (!canManage(o.user, row)) return { CodeSourceId: id, Success: false, Code: 'Forbidden.NoPermission' };
                const event = { id, action: o.action, user: o.user, requestId, batchId: body.BatchId, displayName: row.name };
                if (o.action === 'Delete') record({ ...event, changes: changesOf.delete(row) });
                else {
                  const next = o.action === 'Publish' ? 'PUBLIC' : 'PRIVATE';
                  if (row.accessibility !== next) {
                    record({ ...event, changes: changesOf.access(row, next) });
                    row.accessibility = next;
                  }
                }
                return { CodeSourceId: id, Success: true, Code: undefined };
              });
              expect(body.Results.map((r) => ({ CodeSourceId: r.CodeSourceId, Success: r.Success, Code: r.Code }))).toEqual(expected);
              expect(body.SucceededCount).toBe(expected.filter((r) => r.Success).length);
            } else if (o.kind === 'history') {
              const id = target(o.pick);
              const row = rows.get(id);
              const read = await readEvents(o.user, `${apiPaths.codeSourceEvents(id)}?PageSize=100`);
              res = read.res;
              if (!row || !canSee(o.user, row)) {
                expect(res.status).toBe(404);
                expect(read.body.Code).toBe(CODE_SOURCE_NOT_FOUND);
              } else {
                expect(res.status).toBe(200);
                const expected = log.filter((e) => e.id === id).reverse();
                expect(read.body.Events.map(shown)).toEqual(expected.map(expectedEvent));
                expect(read.body.TotalCount).toBe(expected.length);
              }
            } else if (o.kind === 'activity') {
              const of = o.of === undefined ? undefined : target(o.of);
              const q = new URLSearchParams();
              if (o.action) q.set('Action', o.action);
              if (o.by) q.set('UserId', TEST_USERS[o.by].UserId);
              if (of) q.set('CodeSourceId', of);
              // Admins: everything, deleted code sources' too; the others: what they may see now.
              const visible = log
                .filter((e) => {
                  if (isAdmin(o.user)) return true;
                  const row = rows.get(e.id);
                  return row !== undefined && canSee(o.user, row);
                })
                .filter((e) => (!o.action || e.action === o.action) && (!o.by || e.user === o.by) && (!of || e.id === of))
                .reverse();
              // The whole filtered view (a model run stays under 100 events), then one random page of it.
              const whole = await readEvents(o.user, `${apiPaths.workspaceEvents(WS)}?${q}&PageSize=100`);
              expect(whole.res.status).toBe(200);
              expect(whole.body.Events.map(shown)).toEqual(visible.map(expectedEvent));
              expect(whole.body.TotalCount).toBe(visible.length);
              const read = await readEvents(o.user, `${apiPaths.workspaceEvents(WS)}?${q}&PageSize=${o.pageSize}&PageNumber=${o.page}`);
              res = read.res;
              expect(res.status).toBe(200);
              expect(read.body.TotalCount).toBe(visible.length);
              const page = visible.slice((o.page - 1) * o.pageSize, o.page * o.pageSize);
              expect(read.body.Events.map(shown)).toEqual(page.map(expectedEvent));
            } else {
              const id = target(o.pick);
              const row = rows.get(id);
              const path = apiPaths.codeSource(id);
              if (o.kind === 'update')
                res = await c.put(path, { ...(o.name !== undefined ? { DisplayName: o.name } : {}), Description: o.description });
              else if (o.kind === 'delete') res = await c.delete(path);
              else if (o.kind === 'transfer') res = await c.put(apiPaths.owner(id), { UserId: TEST_USERS[o.to].UserId });
              else res = await c.put(`${path}/${o.kind}`);
              const requestId = res.headers.get('x-acs-request-id') ?? '';
              if (!row || !canSee(o.user, row)) {
                expect(res.status).toBe(404);
              } else if (o.kind === 'transfer') {
                if (!isAdmin(o.user)) expect(res.status).toBe(403);
                else if (!canOwn(o.to)) expect(res.status).toBe(400);
                else {
                  expect(res.status).toBe(200);
                  if (row.owner !== o.to) {
                    record({
                      id,
                      action: 'TransferOwner',
                      user: o.user,
                      requestId,
                      displayName: row.name,
                      changes: changesOf.transfer(row, o.to),
                    });
                    row.owner = o.to;
                  }
                }
              } else if (!canManage(o.user, row)) {
                expect(res.status).toBe(403);
              } else if (o.kind === 'update') {
                const clash =
                  o.name !== undefined &&
                  [...rows.values()].some((r) => r.id !== id && r.name.toLowerCase() === o.name?.trim().toLowerCase());
                if (clash) expect(res.status).toBe(409);
                else {
                  expect(res.status).toBe(200);
                  const nextName = o.name?.trim() ?? row.name;
                  const changes = changesOf.update(row, nextName, o.description.trim());
                  // Nothing to change: nothing written, nothing recorded.
                  if (changes.length > 0) {
                    record({ id, action: 'Update', user: o.user, requestId, displayName: nextName, changes });
                    row.name = nextName;
                    row.description = o.description.trim();
                  }
                }
              } else if (o.kind === 'delete') {
                expect(res.status).toBe(200);
                record({ id, action: 'Delete', user: o.user, requestId, displayName: row.name, changes: changesOf.delete(row) });
              } else {
                expect(res.status).toBe(200);
                const next = o.kind === 'publish' ? 'PUBLIC' : 'PRIVATE';
                if (row.accessibility !== next) {
                  record({
                    id,
                    action: o.kind === 'publish' ? 'Publish' : 'Unpublish',
                    user: o.user,
                    requestId,
                    displayName: row.name,
                    changes: changesOf.access(row, next),
                  });
                  row.accessibility = next;
                }
              }
            }
            expect(res.status).toBeLessThan(500);
            const text = await res.text();
            for (const token of tokens) expect(text).not.toContain(token);
          }

          // The whole event log, as an admin reads the workspace activity, is the model's, newest first…
          const all: CodeSourceEvent[] = [];
          for (let page = 1; ; page++) {
            const { body } = await readEvents('admin', `${apiPaths.workspaceEvents(WS)}?PageSize=100&PageNumber=${page}`);
            expect(body.TotalCount).toBe(log.length);
            all.push(...body.Events);
            if (body.Events.length < 100) break;
          }
          expect(all.map(shown)).toEqual([...log].reverse().map(expectedEvent));
          // …and each live code source has one version per event: no change went unrecorded.
          for (const id of rows.keys()) {
            const res = await t.as('admin').get(apiPaths.codeSource(id));
            expect(res.headers.get('etag')).toBe(`"v${log.filter((e) => e.id === id).length}"`);
          }
        } finally {
          await t.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 180_000);
});
