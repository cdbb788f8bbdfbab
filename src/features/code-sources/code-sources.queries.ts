import { infiniteQueryOptions, keepPreviousData, queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CodeSource, CreateCodeSource, UpdateCodeSource } from '@/shared/code-source.schema';
import type { GitCheckRequestInput, GitRefKind, GitRefsRequestInput } from '@/shared/git-remote.schema';
import {
  batchCodeSources,
  createCodeSource,
  deleteCodeSource,
  getCodeSource,
  listCodeSourceEvents,
  getCodeSourceCounts,
  listCodeSources,
  listWorkspaceMembers,
  publishCodeSource,
  transferCodeSourceOwner,
  unpublishCodeSource,
  updateCodeSource,
  type BatchAction,
  type ListRequest,
} from './code-sources.api';
import { checkGitRemote, listGitRefs } from './git-remote.api';

/** The only place query keys are written: general to specific, so one invalidation refreshes a whole workspace. */
export const codeSourceKeys = {
  all: ['code-sources'] as const,
  workspace: (workspaceId: string) => [...codeSourceKeys.all, workspaceId] as const,
  lists: (workspaceId: string) => [...codeSourceKeys.workspace(workspaceId), 'list'] as const,
  list: (request: ListRequest) => [...codeSourceKeys.lists(request.workspaceId), request] as const,
  details: (workspaceId: string) => [...codeSourceKeys.workspace(workspaceId), 'detail'] as const,
  detail: (workspaceId: string, id: string) => [...codeSourceKeys.details(workspaceId), id] as const,
  /**
   * A remote's refs, by the id of the check that reached it (never by its address or credentials: a key must not
   * hold a token), the kind and the search text.
   */
  gitRefs: (workspaceId: string, remoteId: string, kind: GitRefKind, search: string) =>
    [...codeSourceKeys.workspace(workspaceId), 'git-refs', remoteId, kind, search] as const,
  /** Under its detail: whatever refreshes or drops the detail does the same to its history. */
  events: (workspaceId: string, id: string) => [...codeSourceKeys.detail(workspaceId, id), 'events'] as const,
  counts: (workspaceId: string) => [...codeSourceKeys.workspace(workspaceId), 'counts'] as const,
  members: (workspaceId: string) => [...codeSourceKeys.workspace(workspaceId), 'members'] as const,
};

/** One page of the list; the previous page stays on screen while the next one loads. */
export const codeSourceListQuery = (request: ListRequest) =>
  queryOptions({
    queryKey: codeSourceKeys.list(request),
    queryFn: ({ signal }) => listCodeSources(request, signal),
    placeholderData: keepPreviousData,
  });

/** One code source with its ETag. */
export const codeSourceDetailQuery = (workspaceId: string, id: string) =>
  queryOptions({
    queryKey: codeSourceKeys.detail(workspaceId, id),
    queryFn: ({ signal }) => getCodeSource(id, signal),
  });

export const HISTORY_PAGE_SIZE = 20;

/** A code source's history, newest first, a page at a time ("Load more"); asked afresh whenever it is shown. */
export const codeSourceEventsQuery = (workspaceId: string, id: string) =>
  infiniteQueryOptions({
    queryKey: codeSourceKeys.events(workspaceId, id),
    queryFn: ({ pageParam, signal }) => listCodeSourceEvents(id, pageParam, HISTORY_PAGE_SIZE, signal),
    initialPageParam: 1,
    getNextPageParam: (last, pages) => (pages.length * HISTORY_PAGE_SIZE < last.TotalCount ? pages.length + 1 : undefined),
    staleTime: 0,
  });

/** How many PUBLIC and PRIVATE code sources the caller may see in the workspace (refreshed by every write). */
export const codeSourceCountsQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: codeSourceKeys.counts(workspaceId),
    queryFn: ({ signal }) => getCodeSourceCounts(workspaceId, signal),
  });

/** The workspace's members: the "created by" filter and the owner picker. */
export const workspaceMembersQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: codeSourceKeys.members(workspaceId),
    queryFn: ({ signal }) => listWorkspaceMembers(workspaceId, signal),
    staleTime: 60_000,
  });

/** After a write: every list and the counts of the workspace, and the detail of the code source written. */
function invalidateAfterWrite(queryClient: QueryClient, workspaceId: string, id?: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: codeSourceKeys.lists(workspaceId) }),
    queryClient.invalidateQueries({ queryKey: codeSourceKeys.counts(workspaceId) }),
    id ? queryClient.invalidateQueries({ queryKey: codeSourceKeys.detail(workspaceId, id) }) : undefined,
  ]);
}

function useInvalidateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return (id?: string) => invalidateAfterWrite(queryClient, workspaceId, id);
}

/** Creates a code source; every list of the workspace refreshes. */
export function useCreateCodeSource(workspaceId: string) {
  const invalidate = useInvalidateWorkspace(workspaceId);
  return useMutation({
    mutationFn: (body: CreateCodeSource) => createCodeSource(body),
    onSuccess: async () => {
      await invalidate();
    },
  });
}

/** Updates with If-Match; the lists and this detail refresh. */
export function useUpdateCodeSource(workspaceId: string) {
  const invalidate = useInvalidateWorkspace(workspaceId);
  return useMutation({
    mutationFn: ({ id, body, etag }: { id: string; body: UpdateCodeSource; etag: string | undefined }) => updateCodeSource(id, body, etag),
    onSuccess: async (_data, { id }) => {
      await invalidate(id);
    },
  });
}

/** The code source a row or drawer acts on: its own workspace decides which lists refresh, not the page's. */
export type CodeSourceRef = Pick<CodeSource, 'CodeSourceId' | 'WorkspaceId'>;

/** Deletes; the detail is dropped from the cache, not refetched into a 404; the item's workspace's lists refresh. */
export function useDeleteCodeSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (item: CodeSourceRef) => deleteCodeSource(item.CodeSourceId),
    onSuccess: async (_data, item) => {
      await invalidateAfterWrite(queryClient, item.WorkspaceId);
      // Last, just before the caller closes the drawer: a detail still on screen would fetch itself again (a 404)
      // on any render after its removal.
      queryClient.removeQueries({ queryKey: codeSourceKeys.detail(item.WorkspaceId, item.CodeSourceId) });
    },
  });
}

/** Make public (PAI's Publish) or make private (the unpublish extension); the item's workspace refreshes. */
export function useSetVisibility() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ item, visibility }: { item: CodeSourceRef; visibility: 'PUBLIC' | 'PRIVATE' }) =>
      visibility === 'PUBLIC' ? publishCodeSource(item.CodeSourceId) : unpublishCodeSource(item.CodeSourceId),
    onSuccess: async (_data, { item }) => {
      await invalidateAfterWrite(queryClient, item.WorkspaceId, item.CodeSourceId);
    },
  });
}

/**
 * Publish, unpublish or delete many code sources of one workspace. Whatever the outcome of each item, the
 * workspace's lists, counts and the items' details refresh; the details of those deleted are dropped, not
 * refetched into a 404.
 */
export function useBatchCodeSources(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, ids }: { action: BatchAction; ids: string[] }) =>
      batchCodeSources({ WorkspaceId: workspaceId, Action: action, CodeSourceIds: ids }),
    onSuccess: async (data, { action }) => {
      const gone = new Set(
        data.Results.filter((r) => (action === 'Delete' && r.Success) || r.Code === 'AlreadyDeleted' || r.Code === '201400002').map(
          (r) => r.CodeSourceId,
        ),
      );
      await Promise.all([
        invalidateAfterWrite(queryClient, workspaceId),
        ...data.Results.filter((r) => !gone.has(r.CodeSourceId)).map((r) =>
          queryClient.invalidateQueries({ queryKey: codeSourceKeys.detail(workspaceId, r.CodeSourceId) }),
        ),
      ]);
      for (const id of gone) queryClient.removeQueries({ queryKey: codeSourceKeys.detail(workspaceId, id) });
    },
  });
}

/** Hands a code source to another member (admins), with If-Match; the lists, counts and its detail refresh. */
export function useTransferOwner() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ item, userId, etag }: { item: CodeSourceRef; userId: string; etag: string | undefined }) =>
      transferCodeSourceOwner(item.CodeSourceId, userId, etag),
    onSuccess: async (_data, { item }) => {
      await invalidateAfterWrite(queryClient, item.WorkspaceId, item.CodeSourceId);
    },
  });
}

/** How many refs the branch picker asks for at a time. */
export const GIT_REFS_PAGE = 50;

/** A remote a check reached, with what it takes to ask it again (kept in memory only, for this form). */
export interface CheckedRemote {
  /** Names this remote and its credentials in query keys. */
  id: string;
  request: Omit<GitRefsRequestInput, 'Kind' | 'Search' | 'Limit'>;
}

/** One page of a remote's branches or tags matching `search`; the previous list stays while the next loads. */
export const gitRefsQuery = (remote: CheckedRemote, kind: GitRefKind, search: string) =>
  queryOptions({
    queryKey: codeSourceKeys.gitRefs(remote.request.WorkspaceId, remote.id, kind, search),
    queryFn: ({ signal }) =>
      listGitRefs({ ...remote.request, Kind: kind, Search: search === '' ? undefined : search, Limit: GIT_REFS_PAGE }, signal),
    // The server caches answers for about a minute too; asking again sooner costs the user's check budget.
    staleTime: 60_000,
    gcTime: 60_000,
    // While the next search loads, the last list of the same remote stays; another remote's list never shows.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[3] === remote.id ? previous : undefined),
  });

/** Checks a Git remote. Nothing in the cache changes: the caller shows the answer. */
export function useCheckGitRemote() {
  return useMutation({ mutationFn: (body: GitCheckRequestInput) => checkGitRemote(body) });
}
