import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { listWorkspaceEvents, listWorkspaceMembers, type ActivityRequest } from './activity.api';

/** The only place the activity's query keys are written: general to specific, per workspace. */
export const activityKeys = {
  all: ['activity'] as const,
  workspace: (workspaceId: string) => [...activityKeys.all, workspaceId] as const,
  events: (request: ActivityRequest) => [...activityKeys.workspace(request.workspaceId), 'events', request] as const,
  members: (workspaceId: string) => [...activityKeys.workspace(workspaceId), 'members'] as const,
};

/**
 * One page of the workspace's activity; the previous page stays on screen while the next one loads. Changes are
 * made on other screens, so a page is asked afresh whenever it is shown again.
 */
export const workspaceEventsQuery = (request: ActivityRequest) =>
  queryOptions({
    queryKey: activityKeys.events(request),
    queryFn: ({ signal }) => listWorkspaceEvents(request, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

/** The workspace's members, for the user filter. */
export const workspaceMembersQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: activityKeys.members(workspaceId),
    queryFn: ({ signal }) => listWorkspaceMembers(workspaceId, signal),
  });
