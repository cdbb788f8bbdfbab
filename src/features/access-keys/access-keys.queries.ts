import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AccessKeyStatus } from '@/shared/access-key.schema';
import { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from './access-keys.api';

/** The only place the AccessKeys' query keys are written. */
export const accessKeyKeys = {
  all: ['access-keys'] as const,
  list: () => [...accessKeyKeys.all, 'list'] as const,
};

/** The signed-in user's keys; asked afresh whenever the page is shown (last use changes behind its back). */
export const accessKeysQuery = () =>
  queryOptions({ queryKey: accessKeyKeys.list(), queryFn: ({ signal }) => listAccessKeys(signal), staleTime: 0 });

/** Mutations own the cache: each refreshes the list, whatever the outcome (a 404 means it is gone elsewhere). */
function useRefreshing<A, R>(fn: (args: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: accessKeyKeys.all }),
  });
}

export const useCreateAccessKey = () => useRefreshing(() => createAccessKey());
export const useUpdateAccessKey = () =>
  useRefreshing(({ id, status }: { id: string; status: AccessKeyStatus }) => updateAccessKey(id, status));
export const useDeleteAccessKey = () => useRefreshing((id: string) => deleteAccessKey(id));
