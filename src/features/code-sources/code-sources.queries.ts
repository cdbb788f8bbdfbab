import { infiniteQueryOptions, keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { CodeSource, CreateCodeSource, UpdateCodeSource } from '@/shared/code-source.schema';
import {
  createCodeSource,
  deleteCodeSource,
  getCodeSource,
  listCodeSourceEvents,
  listCodeSources,
  publishCodeSource,
  unpublishCodeSource,
  updateCodeSource,
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

function useInvalidateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return (id?: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: codeSourceKeys.lists(workspaceId) }),
      id ? queryClient.invalidateQueries({ queryKey: codeSourceKeys.detail(workspaceId, id) }) : undefined,
    ]);
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
      await queryClient.invalidateQueries({ queryKey: codeSourceKeys.lists(item.WorkspaceId) });
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
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: codeSourceKeys.lists(item.WorkspaceId) }),
        queryClient.invalidateQueries({ queryKey: codeSourceKeys.detail(item.WorkspaceId, item.CodeSourceId) }),
      ]);
    },
  });
}
