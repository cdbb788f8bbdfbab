import type { QueryClient } from '@tanstack/react-query';
import { codeSourceListQuery } from '@/features/code-sources/code-sources.queries';
import { parseListParams } from '@/features/code-sources/list-params';
import { sessionQuery, workspacesQuery } from '@/lib/session.api';
import { remembered } from './app-layout';

/**
 * The first screen's requests start together, the moment the session answers "signed in" — not one after the other
 * as the screens that need them render (session, then the frame asks for workspaces, then the list waits for them to
 * know the caller's role). The list's first page is fetched for the workspace in the URL, else the one used last
 * (the frame picks it too). Only the page's first session answer counts; after that the screens fetch as usual.
 */
export function startFirstScreenRequests(queryClient: QueryClient, location: Pick<Location, 'pathname' | 'search'>): () => void {
  const sessionHash = JSON.stringify(sessionQuery().queryKey);
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' || event.query.queryHash !== sessionHash) return;
    if (event.action.type !== 'success' && event.action.type !== 'error') return;
    unsubscribe();
    const session = queryClient.getQueryData(sessionQuery().queryKey);
    if (!session?.SignedIn) return;
    void queryClient.prefetchQuery(workspacesQuery());
    const search = new URLSearchParams(location.search);
    const workspaceId = search.get('workspace') ?? remembered();
    if (workspaceId && /^\/code-sources(\/|$)/.test(location.pathname)) {
      void queryClient.prefetchQuery(codeSourceListQuery({ ...parseListParams(search), workspaceId, userId: session.UserId }));
    }
  });
  return unsubscribe;
}
