import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateCodeSource, UpdateCodeSource } from '@/shared/code-source.schema';
import {
  createCodeSource,
  deleteCodeSource,
  getCodeSource,
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

/** Deletes; the detail is dropped from the cache, not refetched into a 404. */
export function useDeleteCodeSource(workspaceId: string) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateWorkspace(workspaceId);
  return useMutation({
    mutationFn: (id: string) => deleteCodeSource(id),
    onSuccess: async (_data, id) => {
      queryClient.removeQueries({ queryKey: codeSourceKeys.detail(workspaceId, id) });
      await invalidate();
    },
  });
}

/** Make public (PAI's Publish) or make private (the unpublish extension). */
export function useSetVisibility(workspaceId: string) {
  const invalidate = useInvalidateWorkspace(workspaceId);
  return useMutation({
    mutationFn: ({ id, visibility }: { id: string; visibility: 'PUBLIC' | 'PRIVATE' }) =>
      visibility === 'PUBLIC' ? publishCodeSource(id) : unpublishCodeSource(id),
    onSuccess: async (_data, { id }) => {
      await invalidate(id);
    },
  });
}
