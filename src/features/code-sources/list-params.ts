import { limits, SORT_BY, type Accessibility, type SortBy } from '@/shared/code-source.constants';

/** The list view the URL holds: reload, back/forward and a pasted link restore exactly this. */
export interface ListParams {
  search: string;
  sortBy: SortBy;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
  visibility: Accessibility | undefined;
  mine: boolean;
  /** Created by this user (a UserId; the admins' "created by" filter). "mine" takes priority. */
  creator: string | undefined;
}

export const PAGE_SIZES = [10, 20, 50, 100] as const;
/** Newest first, 20 a page — what a user sees without asking for anything. */
export const DEFAULT_LIST_PARAMS: ListParams = {
  search: '',
  sortBy: 'GmtCreateTime',
  order: 'desc',
  page: 1,
  pageSize: 20,
  visibility: undefined,
  mine: false,
  creator: undefined,
};

/** URL search parameter names. */
export const URL_KEYS = {
  workspace: 'workspace',
  search: 'q',
  sortBy: 'sort',
  order: 'order',
  page: 'page',
  pageSize: 'size',
  visibility: 'visibility',
  mine: 'mine',
  creator: 'creator',
} as const;

function positiveInt(value: string | null, max: number): number | undefined {
  if (value === null || !/^\d{1,7}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= max ? n : undefined;
}

/** A user id as the URL may carry it (the API's ids are short digits or words); anything else is ignored. */
function creatorId(value: string | null): string | undefined {
  return value !== null && /^[\w.-]{1,64}$/.test(value) ? value : undefined;
}

/** Reads the list view from the URL; anything missing or malformed falls back to the default. */
export function parseListParams(search: URLSearchParams): ListParams {
  const d = DEFAULT_LIST_PARAMS;
  const sortBy = search.get(URL_KEYS.sortBy);
  const order = search.get(URL_KEYS.order)?.toLowerCase();
  const size = positiveInt(search.get(URL_KEYS.pageSize), limits.pageSize);
  const visibility = search.get(URL_KEYS.visibility)?.toUpperCase();
  return {
    search: (search.get(URL_KEYS.search) ?? '').slice(0, limits.searchText),
    sortBy: (SORT_BY as readonly string[]).includes(sortBy ?? '') ? (sortBy as SortBy) : d.sortBy,
    order: order === 'asc' || order === 'desc' ? order : d.order,
    page: positiveInt(search.get(URL_KEYS.page), limits.pageNumber) ?? d.page,
    pageSize: size !== undefined && (PAGE_SIZES as readonly number[]).includes(size) ? size : d.pageSize,
    visibility: visibility === 'PRIVATE' || visibility === 'PUBLIC' ? visibility : undefined,
    mine: search.get(URL_KEYS.mine) === '1',
    creator: creatorId(search.get(URL_KEYS.creator)),
  };
}

/** Writes the list view into the URL, leaving defaults out so links stay short; other keys are kept. */
export function writeListParams(base: URLSearchParams, params: ListParams): URLSearchParams {
  const next = new URLSearchParams(base);
  const d = DEFAULT_LIST_PARAMS;
  const set = (key: string, value: string | undefined) => (value === undefined ? next.delete(key) : next.set(key, value));
  set(URL_KEYS.search, params.search.trim() === '' ? undefined : params.search);
  set(URL_KEYS.sortBy, params.sortBy === d.sortBy ? undefined : params.sortBy);
  set(URL_KEYS.order, params.order === d.order ? undefined : params.order);
  set(URL_KEYS.page, params.page === d.page ? undefined : String(params.page));
  set(URL_KEYS.pageSize, params.pageSize === d.pageSize ? undefined : String(params.pageSize));
  set(URL_KEYS.visibility, params.visibility);
  set(URL_KEYS.mine, params.mine ? '1' : undefined);
  set(URL_KEYS.creator, params.mine ? undefined : params.creator);
  return next;
}

/** True when a search or a filter narrows the list (so an empty answer means "no results", not "no data"). */
export function isFiltered(params: ListParams): boolean {
  return params.search.trim() !== '' || params.visibility !== undefined || params.mine || params.creator !== undefined;
}

/**
 * What narrows the list — workspace, search, visibility, creator — as one string: a bulk selection belongs to one
 * view and is cleared when this changes (paging, sorting and page size keep it).
 */
export function filterKey(workspaceId: string, params: ListParams): string {
  return JSON.stringify([
    workspaceId,
    params.search.trim(),
    params.visibility ?? '',
    params.mine,
    params.mine ? '' : (params.creator ?? ''),
  ]);
}

/** A search text as the URL will hold it (blank is no search; over-long is cut), so the box can tell its own URL change. */
export function searchAsStored(text: string): string {
  return parseListParams(writeListParams(new URLSearchParams(), { ...DEFAULT_LIST_PARAMS, search: text })).search;
}
