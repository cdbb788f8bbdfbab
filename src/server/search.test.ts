import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order, SortBy } from '@/shared/code-source.schema';
import { SEARCH_SUFFIX_LENGTH } from './db';
import type { ListFilter, Visibility } from './code-sources.repository';
import { createBody, createTestApp, type TestApp } from '@/testing/test-app';
import { TEST_USERS, WS } from '@/testing/test-seed';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const C = '/api/v1/codesources';
const SORTS: SortBy[] = ['GmtCreateTime', 'GmtModifyTime', 'DisplayName', 'CodeSourceId'];
const SORT_SQL: Record<SortBy, string> = {
  GmtCreateTime: 'gmt_create_time',
  GmtModifyTime: 'gmt_modify_time',
  DisplayName: 'name_fold',
  CodeSourceId: 'code_source_id',
};
const VISIBILITIES: Visibility[] = [{ kind: 'all' }, { kind: 'public' }, { kind: 'public-or-own', userId: TEST_USERS.dev2.UserId }];

/**
 * Rows straight through the repository; then `perTick` of them share each creation and modification time (the
 * repository keeps its own times strictly increasing, but rows written by other processes or a seed can tie), so
 * the id decides within a tie.
 */
async function seed(names: string[], perTick = 7, owner = (i: number) => (i % 3 ? TEST_USERS.dev.UserId : TEST_USERS.dev2.UserId)) {
  await t.storage.transaction(async ({ codeSources: repo }) => {
    for (const [i, name] of names.entries()) {
      await repo.create(
        {
          workspaceId: WS,
          userId: owner(i),
          displayName: name,
          nameFold: name.toLowerCase(),
          description: '',
          codeRepo: 'https://h/r.git',
          codeBranch: 'master',
          codeCommit: '',
          codeRepoUserName: '',
          accessToken: '',
          mountPath: '/root/code/',
          accessibility: i % 2 ? 'PUBLIC' : 'PRIVATE',
          cloneType: 0,
        },
        { action: 'Create', displayName: name, userId: owner(i), userName: 'seed', via: 'Seed', requestId: 'test', changes: [] },
      );
    }
  });
  // Rows in creation order, numbered; `perTick` consecutive ones share a time.
  await t.sql(
    t.engine === 'sqlite'
      ? `UPDATE code_sources SET gmt_create_time = printf('2026-01-01T00:%02d:00.000Z', (id / ?) % 60),
           gmt_modify_time = printf('2026-02-01T00:%02d:00.000Z', (id * 7 / ?) % 60)`
      : `WITH n AS (SELECT code_source_id, row_number() OVER (ORDER BY gmt_create_time, code_source_id) AS i FROM code_sources)
         UPDATE code_sources c SET gmt_create_time = '2026-01-01T00:' || lpad(((n.i / ?::int) % 60)::text, 2, '0') || ':00.000Z',
           gmt_modify_time = '2026-02-01T00:' || lpad(((n.i * 7 / ?::int) % 60)::text, 2, '0') || ':00.000Z'
         FROM n WHERE n.code_source_id = c.code_source_id`,
    perTick,
    perTick,
  );
  const [ties] = await t.sql<{ n: number }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM code_sources GROUP BY gmt_create_time HAVING count(*) > 1) tied',
  );
  expect(ties?.n).toBeGreaterThan(0);
}

/** A literal substring test of name_fold in the test's own SQL, on either engine. */
const contains = () => (t.engine === 'sqlite' ? 'instr(name_fold, ?) > 0' : 'strpos(name_fold, ?) > 0');

/** The plain answer: every matching row in the sort order with the id as tie-breaker, then LIMIT/OFFSET. */
async function plain(f: ListFilter): Promise<{ ids: string[]; total: number }> {
  const where = ['workspace_id = ?'];
  const params: unknown[] = [f.workspaceId];
  if (f.search) {
    where.push(contains());
    params.push(f.search);
  }
  if (f.visibility.kind === 'public') where.push(`accessibility = 'PUBLIC'`);
  if (f.visibility.kind === 'public-or-own') {
    where.push(`(accessibility = 'PUBLIC' OR user_id = ?)`);
    params.push(f.visibility.userId);
  }
  const dir = f.order;
  const orderBy = f.sortBy === 'CodeSourceId' ? `code_source_id ${dir}` : `${SORT_SQL[f.sortBy]} ${dir}, code_source_id ${dir}`;
  const sql = `FROM code_sources WHERE ${where.join(' AND ')}`;
  const ids = (
    await t.sql<{ id: string }>(`SELECT code_source_id AS id ${sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`, ...params, f.limit, f.offset)
  ).map((r) => r.id);
  const total = (await t.sql<{ n: number }>(`SELECT count(*) AS n ${sql}`, ...params))[0]?.n;
  return { ids, total: total ?? -1 };
}

async function expectSameAsPlain(f: ListFilter) {
  const got = await t.parts.codeSources.list(f);
  const want = await plain(f);
  const label = JSON.stringify({ ...f, search: f.search?.slice(0, 40) });
  expect(got.total, label).toBe(want.total);
  expect(
    got.items.map((i) => i.codeSourceId),
    label,
  ).toEqual(want.ids);
}

describe('deep pages are read from the far end', () => {
  // Thousands of pages, each read twice (the list and the plain query): on PostgreSQL over a socket on a loaded 2-core
  // machine this takes over a minute.
  it('every page, near and far, equals the plain OFFSET order (ties by CodeSourceId), each sort, both orders, searched or not', async () => {
    // 301 rows, 7 per clock tick: creation and modification times tie in groups, so the id decides within them.
    await seed(Array.from({ length: 301 }, (_, i) => (i % 4 ? `deep-${i % 50}-${i}` : `other-${i}`)));
    const offsets = [0, 1, 49, 100, 150, 151, 152, 200, 230, 250, 251, 280, 290, 295, 299, 300, 301, 400];
    for (const sortBy of SORTS) {
      for (const order of ['ASC', 'DESC'] as Order[]) {
        for (const search of [undefined, 'deep', '-1', 'other-1']) {
          for (const visibility of VISIBILITIES) {
            for (const offset of offsets) {
              for (const limit of [1, 20, 50])
                await expectSameAsPlain({ workspaceId: WS, visibility, search, sortBy, order, limit, offset });
            }
          }
        }
      }
    }
  }, 240_000);
});

describe('search stays exact', () => {
  it(`searches longer than a suffix key (${SEARCH_SUFFIX_LENGTH} code points) test the whole literal`, async () => {
    const stem = 'x'.repeat(SEARCH_SUFFIX_LENGTH + 6);
    // Names that agree on far more than a key's length and differ after it.
    await seed([
      ...Array.from({ length: 40 }, (_, i) => `${stem}-tail-${i}`),
      `${stem}-tail`,
      `y${stem}-other`,
      `${'x'.repeat(SEARCH_SUFFIX_LENGTH)}-short`,
      `ab-${stem.slice(0, SEARCH_SUFFIX_LENGTH - 1)}`,
    ]);
    const searches = [
      `${stem}-tail-1`,
      `${stem}-tail-3`,
      `x${stem.slice(1)}-tail`,
      `${stem}-other`,
      `y${stem}`,
      `${stem}-nothing`,
      'x'.repeat(SEARCH_SUFFIX_LENGTH + 1),
      'x'.repeat(SEARCH_SUFFIX_LENGTH),
      'x'.repeat(SEARCH_SUFFIX_LENGTH - 1),
      `x-tail-2`,
      'x'.repeat(128),
    ];
    for (const search of searches) {
      for (const visibility of VISIBILITIES) {
        for (const offset of [0, 10, 35]) {
          await expectSameAsPlain({ workspaceId: WS, visibility, search, sortBy: 'DisplayName', order: 'ASC', limit: 20, offset });
        }
      }
    }
    // The far-end walk past the middle of a long search's hits.
    await expectSameAsPlain({
      workspaceId: WS,
      visibility: { kind: 'all' },
      search: `${stem}-tail-`,
      sortBy: 'GmtCreateTime',
      order: 'DESC',
      limit: 7,
      offset: 33,
    });
    expect(
      (
        await t.parts.codeSources.list({
          workspaceId: WS,
          visibility: { kind: 'all' },
          search: `${stem}-tail-1`,
          sortBy: 'DisplayName',
          order: 'ASC',
          limit: 50,
          offset: 0,
        })
      ).total,
    ).toBe(11);
  }, 240_000);

  it('1-2 character searches are exact, also when a range is too wide for the suffix keys (the name scan)', async () => {
    // 400 names of 100 'a's: 40,000 keys start with 'a', past the range cap, so counting scans the names.
    await seed([
      ...Array.from({ length: 400 }, (_, i) => `${'a'.repeat(100)}${i}`),
      ...Array.from({ length: 300 }, (_, i) => `b${i % 10}-q${i}`),
      'zz',
      'z',
      'qz',
    ]);
    for (const search of ['a', 'aa', 'a1', 'b', 'b3', 'q', '-q', 'z', 'zz', 'qz', '0', '99', '\u{10FFFF}', '~']) {
      for (const visibility of VISIBILITIES) {
        for (const offset of [0, 20, 150, 390, 690]) {
          await expectSameAsPlain({ workspaceId: WS, visibility, search, sortBy: 'CodeSourceId', order: 'DESC', limit: 20, offset });
          await expectSameAsPlain({ workspaceId: WS, visibility, search, sortBy: 'DisplayName', order: 'ASC', limit: 20, offset });
        }
      }
    }
  }, 240_000);

  it('%, _ and \\ mean themselves, and the search ignores case (through the API)', async () => {
    const names = ['50%_off\\sale', '50x_off', '50%yoff', '50_off', 'back\\slash', 'plain', 'MiXeD-Case-Name', 'ÄRGER-äpfel', 'a%b', 'a_b'];
    for (const DisplayName of names) {
      const res = await t.as('dev').post(C, createBody({ DisplayName, Accessibility: 'PUBLIC' }));
      expect(res.status, DisplayName).toBe(200);
    }
    const search = async (q: string) => {
      const res = await t
        .as('guest')
        .get(`${C}?WorkspaceId=${WS}&PageSize=50&SortBy=DisplayName&Order=ASC&DisplayName=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { CodeSources: { DisplayName: string }[]; TotalCount: number };
      expect(body.TotalCount).toBe(body.CodeSources.length);
      return body.CodeSources.map((c) => c.DisplayName).sort();
    };
    expect(await search('%')).toEqual(['50%_off\\sale', '50%yoff', 'a%b']);
    expect(await search('_')).toEqual(['50%_off\\sale', '50_off', '50x_off', 'a_b']);
    expect(await search('\\')).toEqual(['50%_off\\sale', 'back\\slash']);
    expect(await search('%_')).toEqual(['50%_off\\sale']);
    expect(await search('0%')).toEqual(['50%_off\\sale', '50%yoff']);
    expect(await search('f\\s')).toEqual(['50%_off\\sale']);
    expect(await search('a_')).toEqual(['a_b']);
    expect(await search('mixed-case')).toEqual(['MiXeD-Case-Name']);
    expect(await search('MIXED-CASE-NAME')).toEqual(['MiXeD-Case-Name']);
    expect(await search('ärger-Ä')).toEqual(['ÄRGER-äpfel']);
    expect(await search('Ä')).toEqual(['ÄRGER-äpfel']);
  });
});

describe('the count cache', () => {
  /** TotalCount of a search as `user` sees it, through the API (the cache is on, as in production). */
  async function total(user: 'admin' | 'dev' | 'guest', q: string): Promise<number> {
    const res = await t.as(user).get(`${C}?WorkspaceId=${WS}&DisplayName=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { TotalCount: number }).TotalCount;
  }
  /** The same count straight from the rows. */
  async function truth(user: 'admin' | 'dev' | 'guest', q: string): Promise<number> {
    const vis =
      user === 'admin'
        ? 'true'
        : user === 'guest'
          ? `accessibility = 'PUBLIC'`
          : `(accessibility = 'PUBLIC' OR user_id = '${TEST_USERS.dev.UserId}')`;
    return (
      (await t.sql<{ n: number }>(`SELECT count(*) AS n FROM code_sources WHERE workspace_id = ? AND ${contains()} AND ${vis}`, WS, q))[0]
        ?.n ?? -1
    );
  }
  async function create(user: 'dev' | 'admin', DisplayName: string, Accessibility = 'PRIVATE'): Promise<string> {
    const res = await t.as(user).post(C, createBody({ DisplayName, Accessibility }));
    expect(res.status).toBe(200);
    return ((await res.json()) as { CodeSourceId: string }).CodeSourceId;
  }
  /** Reads the count (filling the cache), runs `write`, and checks the next count is the new truth and differs. */
  async function afterWrite(user: 'admin' | 'dev' | 'guest', q: string, write: () => Promise<Response>) {
    const before = await total(user, q);
    expect(before).toBe(await truth(user, q));
    expect(await total(user, q)).toBe(before); // served from the cache
    const res = await write();
    expect(res.status, await res.clone().text()).toBe(200);
    const now = await truth(user, q);
    expect(now, 'the write changes what the search finds').not.toBe(before);
    expect(await total(user, q)).toBe(now);
  }

  beforeEach(async () => {
    for (let i = 0; i < 6; i++) await create('dev', `cached-dev-${i}`, i % 2 ? 'PUBLIC' : 'PRIVATE');
    for (let i = 0; i < 6; i++) await create('admin', `cached-adm-${i}`, i % 2 ? 'PUBLIC' : 'PRIVATE');
  });

  it('is invalidated by a create', async () => {
    await afterWrite('admin', 'cached', () => t.as('dev').post(C, createBody({ DisplayName: 'cached-new' })));
  });

  it('is invalidated by a rename, into and out of the search', async () => {
    const id = await create('admin', 'elsewhere');
    await afterWrite('admin', 'cached', () => t.as('admin').put(`${C}/${id}`, { DisplayName: 'cached-renamed' }));
    await afterWrite('admin', 'cached', () => t.as('admin').put(`${C}/${id}`, { DisplayName: 'gone-again' }));
  });

  it('is invalidated by publish and unpublish (visibility)', async () => {
    const id = await create('admin', 'cached-flip');
    await afterWrite('guest', 'cached', () => t.as('admin').put(`${C}/${id}/publish`));
    await afterWrite('guest', 'cached', () => t.as('admin').put(`${C}/${id}/unpublish`));
  });

  it('is invalidated by a delete', async () => {
    const id = await create('admin', 'cached-doomed');
    await afterWrite('admin', 'cached', () => t.as('admin').delete(`${C}/${id}`));
  });

  it('is invalidated by batch publish and batch delete', async () => {
    const a = await create('admin', 'cached-batch-a');
    const b = await create('admin', 'cached-batch-b');
    await afterWrite('guest', 'cached-batch', () =>
      t.as('admin').post(`${C}/batch`, { WorkspaceId: WS, Action: 'Publish', CodeSourceIds: [a, b] }),
    );
    await afterWrite('admin', 'cached-batch', () =>
      t.as('admin').post(`${C}/batch`, { WorkspaceId: WS, Action: 'Delete', CodeSourceIds: [a] }),
    );
  });

  it('is invalidated by an owner transfer', async () => {
    const id = await create('admin', 'cached-handed');
    await afterWrite('dev', 'cached', () => t.as('admin').put(`${C}/${id}/owner`, { UserId: TEST_USERS.dev.UserId }));
  });

  it('is not invalidated by an update that changes nothing a search sees (and stays exact)', async () => {
    const before = await total('admin', 'cached');
    // SQLite's cached counts are keyed by a per-workspace write version (PostgreSQL counts with its trigram index).
    const versionOf = async () =>
      t.engine === 'sqlite'
        ? (await t.sql<{ version: number }>('SELECT version FROM code_source_write_versions WHERE workspace_id = ?', WS))[0]?.version
        : 0;
    const v = await versionOf();
    const [id] = (await t.sql<{ id: string }>(`SELECT code_source_id AS id FROM code_sources WHERE name_fold = 'cached-adm-0'`)).map(
      (r) => r.id,
    );
    const res = await t.as('admin').put(`${C}/${id}`, { Description: 'only the description' });
    expect(res.status).toBe(200);
    expect(await versionOf()).toBe(v);
    expect(await total('admin', 'cached')).toBe(before);
  });
});
