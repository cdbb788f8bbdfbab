import { EVENT_ACTIONS, limits, type EventAction } from '@/shared/code-source.constants';

/** The activity view the URL holds: reload, back/forward and a pasted link restore exactly this. */
export interface ActivityParams {
  action: EventAction | undefined;
  /** Who made the change (UserId). */
  user: string | undefined;
  codeSource: string | undefined;
  page: number;
  pageSize: number;
}

export const ACTIVITY_PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_ACTIVITY_PARAMS: ActivityParams = {
  action: undefined,
  user: undefined,
  codeSource: undefined,
  page: 1,
  pageSize: 20,
};

/** URL search parameter names. */
export const ACTIVITY_URL_KEYS = {
  action: 'action',
  user: 'user',
  codeSource: 'codeSource',
  page: 'page',
  pageSize: 'size',
} as const;

/** The longest id the API takes in a filter. */
const ID_MAX = 64;

function positiveInt(value: string | null, max: number): number | undefined {
  if (value === null || !/^\d{1,7}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= max ? n : undefined;
}

function idOf(value: string | null): string | undefined {
  const id = value?.trim();
  return id && id.length <= ID_MAX ? id : undefined;
}

/** Reads the activity view from the URL; anything missing or malformed falls back to the default. */
export function parseActivityParams(search: URLSearchParams): ActivityParams {
  const d = DEFAULT_ACTIVITY_PARAMS;
  const action = search.get(ACTIVITY_URL_KEYS.action);
  const size = positiveInt(search.get(ACTIVITY_URL_KEYS.pageSize), limits.pageSize);
  return {
    action: (EVENT_ACTIONS as readonly string[]).includes(action ?? '') ? (action as EventAction) : undefined,
    user: idOf(search.get(ACTIVITY_URL_KEYS.user)),
    codeSource: idOf(search.get(ACTIVITY_URL_KEYS.codeSource)),
    page: positiveInt(search.get(ACTIVITY_URL_KEYS.page), limits.pageNumber) ?? d.page,
    pageSize: size !== undefined && (ACTIVITY_PAGE_SIZES as readonly number[]).includes(size) ? size : d.pageSize,
  };
}

/** Writes the activity view into the URL, leaving defaults out; other keys (the workspace) are kept. */
export function writeActivityParams(base: URLSearchParams, params: ActivityParams): URLSearchParams {
  const next = new URLSearchParams(base);
  const d = DEFAULT_ACTIVITY_PARAMS;
  const set = (key: string, value: string | undefined) => (value === undefined ? next.delete(key) : next.set(key, value));
  set(ACTIVITY_URL_KEYS.action, params.action);
  set(ACTIVITY_URL_KEYS.user, params.user);
  set(ACTIVITY_URL_KEYS.codeSource, params.codeSource);
  set(ACTIVITY_URL_KEYS.page, params.page === d.page ? undefined : String(params.page));
  set(ACTIVITY_URL_KEYS.pageSize, params.pageSize === d.pageSize ? undefined : String(params.pageSize));
  return next;
}

/** True when a filter narrows the activity (so an empty answer means "no matches", not "no activity"). */
export function isActivityFiltered(params: ActivityParams): boolean {
  return params.action !== undefined || params.user !== undefined || params.codeSource !== undefined;
}
