import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodeSource, ListCodeSourcesResponse, SortBy } from '@/shared/code-source.schema';
import { createTestApp } from '@/testing/test-app';
import { TEST_USERS, WS, type TestUser } from '@/testing/test-seed';

/**
 * Property: random sequences of Create/Update/Publish/Unpublish/Delete/List by random users with random roles behave
 * like a small in-memory model — never a 5xx, List and TotalCount equal the model's visible set under every filter,
 * sort and page, and no token ever comes back.
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

const USERS: TestUser[] = ['admin', 'owner', 'dev', 'dev2', 'guest'];
const isAdmin = (u: TestUser) => u === 'admin' || u === 'owner';
const canSee = (u: TestUser, r: ModelRow) => isAdmin(u) || r.accessibility === 'PUBLIC' || (u !== 'guest' && r.owner === u);
const canManage = (u: TestUser, r: ModelRow) => isAdmin(u) || (u !== 'guest' && r.owner === u);

const user = fc.constantFrom(...USERS);
const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _%-]{0,11}$/);
const pick = fc.nat();
const op = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    user,
    name,
    pub: fc.boolean(),
    token: fc.option(fc.stringMatching(/^[a-z0-9]{6,20}$/), { nil: undefined }),
  }),
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

describe('model-based: the API behaves like the permission model', () => {
  it('holds for random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
        const t = await createTestApp();
        try {
          const rows = new Map<string, ModelRow>();
          const tokens: string[] = [];
          let seq = 0;
          const target = (u: TestUser, n: number): string => {
            const ids = [...rows.keys()];
            // Sometimes aim at a row the user cannot see, or at nothing at all.
            return ids.length === 0 || n % 7 === 0 ? 'code-20200101000000-missingmissi' : (ids[n % ids.length] ?? '');
          };
          for (const o of ops) {
            const c = t.as(o.user);
            let res: Response;
            if (o.kind === 'create') {
              const secret = `tok${seq}x${o.name.length}`;
              tokens.push(secret);
              res = await c.post('/api/v1/codesources', {
                WorkspaceId: WS,
                DisplayName: o.name,
                CodeRepo: 'https://github.com/a/b.git',
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
                if (!rows.has(id)) {
                  expect(taken).toBe(false);
                  seq++;
                  rows.set(id, {
                    id,
                    owner: o.user,
                    name: o.name.trim(),
                    accessibility: o.pub ? 'PUBLIC' : 'PRIVATE',
                    description: '',
                    created: seq,
                    modified: seq,
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
              res = await c.get(`/api/v1/codesources?${q}`);
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
            } else {
              const id = target(o.user, o.pick);
              const row = rows.get(id);
              const path = `/api/v1/codesources/${id}`;
              if (o.kind === 'update')
                res = await c.put(path, { ...(o.name !== undefined ? { DisplayName: o.name } : {}), Description: o.description });
              else if (o.kind === 'delete') res = await c.delete(path);
              else res = await c.put(`${path}/${o.kind}`);
              if (!row || !canSee(o.user, row)) {
                expect(res.status).toBe(404);
              } else if (!canManage(o.user, row)) {
                expect(res.status).toBe(403);
              } else if (o.kind === 'update') {
                const clash =
                  o.name !== undefined &&
                  [...rows.values()].some((r) => r.id !== id && r.name.toLowerCase() === o.name?.trim().toLowerCase());
                if (clash) expect(res.status).toBe(409);
                else {
                  expect(res.status).toBe(200);
                  row.name = o.name?.trim() ?? row.name;
                  row.description = o.description.trim();
                  row.modified = ++seq;
                }
              } else if (o.kind === 'delete') {
                expect(res.status).toBe(200);
                rows.delete(id);
              } else {
                expect(res.status).toBe(200);
                const next = o.kind === 'publish' ? 'PUBLIC' : 'PRIVATE';
                if (row.accessibility !== next) {
                  row.accessibility = next;
                  row.modified = ++seq;
                }
              }
            }
            expect(res.status).toBeLessThan(500);
            const text = await res.text();
            for (const token of tokens) expect(text).not.toContain(token);
          }
        } finally {
          t.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
