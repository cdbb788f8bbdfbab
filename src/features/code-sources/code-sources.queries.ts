import { infiniteQueryOptions, keepPreviousData, queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CodeSource, CreateCodeSource, UpdateCodeSource } from '@/shared/code-source.schema';
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

/** The only place query keys are written: general to specific, so one invalidation refreshes a whole workspace. */
export const codeSourceKeys = {
  all: ['code-sources'] as const,
  workspace: (workspaceId: string) => [...codeSourceKeys.all, workspaceId] as const,
  lists: (workspaceId: string) => [...codeSourceKeys.workspace(workspaceId), 'list'] as const,
  list: (request: ListRequest) => [...codeSourceKeys.lists(request.workspaceId), request] as const,
  details: (workspaceId: string) => [...codeSourceKeys.workspace(workspaceId), 'detail'] as const,
  detail: (workspaceId: string, id: string) => [...codeSourceKeys.details(workspaceId), id] as const,
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
