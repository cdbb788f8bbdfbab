/**
 * The search floors of issue 10: list queries straight on SQLite, in-process, at the bench's 100,000 rows, each next
 * to its target. Searched counts are measured without the count cache (every call counts) and, for the many-hit
 * search, with it as the service runs (repeated query, unchanged workspace).
 */
import { createCodeSourcesRepository, type ListFilter } from '@/server/code-sources.repository';
import { createKeyring } from '@/server/crypto';
import { openDatabase } from '@/server/db';

interface Floor {
  query: string;
  filter: Omit<ListFilter, 'workspaceId' | 'visibility'>;
  cache: boolean;
  target: string;
  limitMs: number;
}

const FLOORS: Floor[] = [
  {
    query: 'few hits "finetune-4242"',
    filter: { search: 'finetune-4242', sortBy: 'GmtCreateTime', order: 'DESC', limit: 20, offset: 0 },
    cache: false,
    target: '≤ 0.5',
    limitMs: 0.5,
  },
  {
    query: 'many hits "bert", uncached count',
    filter: { search: 'bert', sortBy: 'GmtCreateTime', order: 'DESC', limit: 20, offset: 0 },
    cache: false,
    target: '≤ 3',
    limitMs: 3,
  },
  {
    query: 'many hits "bert", cached count',
    filter: { search: 'bert', sortBy: 'GmtCreateTime', order: 'DESC', limit: 20, offset: 0 },
    cache: true,
    target: '(cached)',
    limitMs: 3,
  },
  {
    query: '1 character "q", uncached count',
    filter: { search: 'q', sortBy: 'GmtCreateTime', order: 'DESC', limit: 20, offset: 0 },
    cache: false,
    target: '≤ 2',
    limitMs: 2,
  },
  {
    query: '2 characters "qw", uncached count',
    filter: { search: 'qw', sortBy: 'GmtCreateTime', order: 'DESC', limit: 20, offset: 0 },
    cache: false,
    target: '≤ 2',
    limitMs: 2,
  },
  {
    query: '1 character "q", cached count',
    filter: { search: 'q', sortBy: 'GmtCreateTime', order: 'DESC', limit: 20, offset: 0 },
    cache: true,
    target: '(cached)',
    limitMs: 2,
  },
  {
    query: 'deep page 2,000 of 50',
    filter: { sortBy: 'GmtCreateTime', order: 'ASC', limit: 50, offset: 99_950 },
    cache: false,
    target: '≤ 5',
    limitMs: 5,
  },
];

const round = (n: number) => Math.round(n * 1000) / 1000;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** One row per floor: p50/p99 of `repo.list` over about `seconds`, the hits it counted, and the target. */
export function searchFloors(dbFile: string, workspaceId: string, key: Buffer, seconds: number): Record<string, string | number>[] {
  const db = openDatabase(dbFile);
  try {
    const rows: Record<string, string | number>[] = [];
    for (const floor of FLOORS) {
      const repo = createCodeSourcesRepository(db, createKeyring(key), undefined, { countCache: floor.cache });
      const filter: ListFilter = { workspaceId, visibility: { kind: 'all' }, ...floor.filter };
      let hits = 0;
      for (let i = 0; i < 5; i++) hits = repo.list(filter).total;
      const times: number[] = [];
      const until = performance.now() + seconds * 1000;
      while (performance.now() < until || times.length < 50) {
        const t0 = performance.now();
        repo.list(filter);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      rows.push({
        section: 'search floors',
        query: floor.query,
        TotalCount: hits,
        'p50 ms': round(p50),
        'p99 ms': round(percentile(times, 99)),
        target: floor.target,
        met: p50 <= floor.limitMs ? 'yes' : 'NO',
      });
    }
    return rows;
  } finally {
    db.close();
  }
}
