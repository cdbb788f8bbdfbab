import { callApi, type ApiOutput } from '@/lib/api-client';
import type { ActivityParams } from './activity-params';

/** What ListWorkspaceEvents is asked for: the activity view plus the workspace. */
export interface ActivityRequest extends ActivityParams {
  workspaceId: string;
}

/** GET /api/v1/workspaces/{WorkspaceId}/events — one page of the workspace's activity, newest first. */
export async function listWorkspaceEvents(request: ActivityRequest, signal?: AbortSignal): Promise<ApiOutput<'ListWorkspaceEvents'>> {
  const query = {
    Action: request.action,
    UserId: request.user,
    CodeSourceId: request.codeSource,
    PageNumber: String(request.page),
    PageSize: String(request.pageSize),
  };
  return (await callApi('ListWorkspaceEvents', { params: { WorkspaceId: request.workspaceId }, query, signal })).data;
}

/** GET /api/v1/workspaces/{WorkspaceId}/members — who the user filter offers. */
export async function listWorkspaceMembers(workspaceId: string, signal?: AbortSignal): Promise<ApiOutput<'ListWorkspaceMembers'>> {
  return (await callApi('ListWorkspaceMembers', { params: { WorkspaceId: workspaceId }, signal })).data;
}
