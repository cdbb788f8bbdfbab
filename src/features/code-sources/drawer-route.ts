/**
 * Which drawer the URL opens over the list. Each drawer has its own address, so a reload, a pasted link and the
 * browser's Back restore it: `/code-sources/:id` details, `/code-sources/new` create, `/code-sources/new?from=:id`
 * duplicate, `/code-sources/:id/edit` edit. The list's query parameters (workspace, search, sort, page…) stay.
 */
export type DrawerRoute =
  | { kind: 'none' }
  | { kind: 'details'; id: string }
  | { kind: 'create' }
  | { kind: 'duplicate'; from: string }
  | { kind: 'edit'; id: string };

/** The form drawers' part of `DrawerRoute`. */
export type FormRoute = Extract<DrawerRoute, { kind: 'create' | 'duplicate' | 'edit' }>;

/** The query parameter naming the code source a duplicate starts from. */
export const FROM_KEY = 'from';

const PATH = /^\/code-sources(?:\/([^/]+)(\/edit)?)?\/?$/;

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Reads the drawer from a path and its query; anything else is no drawer. */
export function drawerOf(pathname: string, search: URLSearchParams): DrawerRoute {
  const match = PATH.exec(pathname);
  if (!match?.[1]) return { kind: 'none' };
  const segment = match[1];
  if (segment === 'new') {
    if (match[2]) return { kind: 'none' };
    const from = search.get(FROM_KEY);
    return from ? { kind: 'duplicate', from } : { kind: 'create' };
  }
  const id = decoded(segment);
  if (id === undefined || id === '') return { kind: 'none' };
  return match[2] ? { kind: 'edit', id } : { kind: 'details', id };
}

/** The list's own query parameters: the current ones without those that belong to a drawer. */
export function listSearchOf(search: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(search);
  next.delete(FROM_KEY);
  return next;
}

/** The address of `drawer` over the list view `listSearch` (which keeps the workspace and the list's parameters). */
export function drawerHref(drawer: DrawerRoute, listSearch: URLSearchParams): string {
  const search = listSearchOf(listSearch);
  let path = '/code-sources';
  if (drawer.kind === 'details') path += `/${encodeURIComponent(drawer.id)}`;
  else if (drawer.kind === 'edit') path += `/${encodeURIComponent(drawer.id)}/edit`;
  else if (drawer.kind === 'create') path += '/new';
  else if (drawer.kind === 'duplicate') {
    path += '/new';
    // First, so the address reads "new?from=…&workspace=…".
    const withFrom = new URLSearchParams({ [FROM_KEY]: drawer.from });
    for (const [key, value] of search) withFrom.append(key, value);
    return `${path}?${withFrom.toString()}`;
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** True for the drawers that hold the form. */
export function isFormRoute(drawer: DrawerRoute): drawer is FormRoute {
  return drawer.kind === 'create' || drawer.kind === 'duplicate' || drawer.kind === 'edit';
}

/** Set as the location's state when the page itself opened a drawer: closing it is then the browser's Back. */
export interface OpenedHere {
  openedHere: true;
}
export function wasOpenedHere(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as Partial<OpenedHere>).openedHere === true;
}
