/**
 * A mixed workload: searches with 200+ distinct terms drawn from the names, list pages at random offsets and sorts,
 * Gets of random ids and 10 % writes (creates and updates) — for our API and, where it has an equivalent, json-server.
 * Draws come from a seeded generator so two runs send the same mix.
 */
import type autocannon from 'autocannon';

export interface MixedInput {
  /** Names of the seeded code sources (the search terms are cut from them). */
  names: string[];
  /** Ids that exist (Gets and updates pick from them). */
  ids: string[];
  workspaceId: string;
  /** Headers for every request (e.g. the session cookie) and for writes (CSRF token, content type, Origin). */
  readHeaders: Record<string, string>;
  writeHeaders: Record<string, string>;
}

/** mulberry32: a tiny seeded PRNG. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** At least `count` distinct search terms: pieces 3–12 characters long cut from random names, lower or upper case. */
export function searchTerms(names: string[], count: number, random = seeded(7)): string[] {
  const terms = new Set<string>();
  for (let guard = 0; terms.size < count && guard < count * 100; guard++) {
    const name = names[Math.floor(random() * names.length)] ?? '';
    const length = 3 + Math.floor(random() * 10);
    const start = Math.floor(random() * Math.max(1, name.length - length));
    const term = name.slice(start, start + length);
    if (term.length >= 3) terms.add(random() < 0.2 ? term.toUpperCase() : term);
  }
  return [...terms];
}

const SORTS = ['GmtCreateTime', 'GmtModifyTime', 'DisplayName', 'CodeSourceId'] as const;
const JSON_SORT: Record<(typeof SORTS)[number], string> = {
  GmtCreateTime: 'GmtCreateTime',
  GmtModifyTime: 'GmtModifyTime',
  DisplayName: 'DisplayName',
  CodeSourceId: 'id',
};

type Kind = 'get' | 'page' | 'search' | 'create' | 'update';
/** 30 % Gets, 25 % list pages, 35 % searches, 5 % creates, 5 % updates. */
function kindOf(x: number): Kind {
  return x < 0.3 ? 'get' : x < 0.55 ? 'page' : x < 0.9 ? 'search' : x < 0.95 ? 'create' : 'update';
}

export interface Mix {
  requests: autocannon.Request[];
  terms: number;
  sent: () => Record<Kind, number>;
}

function mix(input: MixedInput, build: (kind: Kind, random: () => number, term: string, n: number) => Partial<autocannon.Request>): Mix {
  const random = seeded(42);
  const terms = searchTerms(input.names, 240);
  const sent: Record<Kind, number> = { get: 0, page: 0, search: 0, create: 0, update: 0 };
  let n = 0;
  return {
    terms: terms.length,
    sent: () => ({ ...sent }),
    requests: [
      {
        setupRequest: (req) => {
          const kind = kindOf(random());
          sent[kind]++;
          const term = terms[Math.floor(random() * terms.length)] ?? 'bert';
          const built = build(kind, random, term, n++);
          const write = kind === 'create' || kind === 'update';
          return { ...req, ...built, headers: write ? input.writeHeaders : input.readHeaders } as typeof req;
        },
      },
    ],
  };
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;

/** The mix against our API (cookie session; writes with the CSRF header). */
export function ourMix(input: MixedInput): Mix {
  const ws = input.workspaceId;
  return mix(input, (kind, random, term, n) => {
    const sort = `SortBy=${pick(SORTS, random)}&Order=${random() < 0.5 ? 'ASC' : 'DESC'}`;
    switch (kind) {
      case 'get':
        return { method: 'GET', path: `/api/v1/codesources/${pick(input.ids, random)}` };
      case 'page':
        return {
          method: 'GET',
          path: `/api/v1/codesources?WorkspaceId=${ws}&${sort}&PageNumber=${1 + Math.floor(random() * 200)}&PageSize=${pick([20, 50], random)}`,
        };
      case 'search':
        return {
          method: 'GET',
          path: `/api/v1/codesources?WorkspaceId=${ws}&DisplayName=${encodeURIComponent(term)}&${sort}&PageSize=20`,
        };
      case 'create':
        return {
          method: 'POST',
          path: '/api/v1/codesources',
          body: JSON.stringify({
            WorkspaceId: ws,
            DisplayName: `mixed-${process.pid}-${n}`,
            CodeRepo: 'https://github.com/example/mixed.git',
          }),
        };
      case 'update':
        return {
          method: 'PUT',
          path: `/api/v1/codesources/${pick(input.ids, random)}`,
          body: JSON.stringify({ Description: `mixed update ${n}` }),
        };
    }
  });
}

/** The same mix against json-server 0.17: `q` is its full-text search, `_page`/`_limit`/`_sort` its paging. */
export function jsonServerMix(input: MixedInput): Mix {
  return mix(input, (kind, random, term, n) => {
    const sort = `_sort=${JSON_SORT[pick(SORTS, random)]}&_order=${random() < 0.5 ? 'asc' : 'desc'}`;
    switch (kind) {
      case 'get':
        return { method: 'GET', path: `/codesources/${pick(input.ids, random)}` };
      case 'page':
        return {
          method: 'GET',
          path: `/codesources?${sort}&_page=${1 + Math.floor(random() * 200)}&_limit=${pick([20, 50], random)}`,
        };
      case 'search':
        return { method: 'GET', path: `/codesources?q=${encodeURIComponent(term)}&${sort}&_page=1&_limit=20` };
      case 'create':
        return {
          method: 'POST',
          path: '/codesources',
          body: JSON.stringify({ DisplayName: `mixed-${process.pid}-${n}`, CodeRepo: 'https://github.com/example/mixed.git' }),
        };
      case 'update':
        return {
          method: 'PATCH',
          path: `/codesources/${pick(input.ids, random)}`,
          body: JSON.stringify({ Description: `mixed update ${n}` }),
        };
    }
  });
}
