import type { QueryClient } from '@tanstack/react-query';
import { activityKeys } from '@/features/activity/activity.queries';
import { codeSourceKeys } from '@/features/code-sources/code-sources.queries';
import { sessionKeys } from '@/lib/session.api';

/**
 * Forgets everything cached for the signed-in user, by each key factory's `all` key, so a user who signs in over
 * another's session never sees the previous user's workspaces or code sources, even for a moment.
 */
export function forgetUserData(queryClient: QueryClient): void {
  for (const queryKey of [codeSourceKeys.all, activityKeys.all, sessionKeys.all]) queryClient.removeQueries({ queryKey });
}
