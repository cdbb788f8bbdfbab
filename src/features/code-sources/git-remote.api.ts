import type { GitCheckRequestInput, GitRefsRequestInput } from '@/shared/git-remote.schema';
import { callApi, type ApiOutput } from '@/lib/api-client';

/** POST /api/v1/git/check — asks the remote itself: reachable, signed in, the branch and the commit there. */
export async function checkGitRemote(body: GitCheckRequestInput, signal?: AbortSignal): Promise<ApiOutput<'CheckGitRemote'>> {
  return (await callApi('CheckGitRemote', { body, signal })).data;
}

/** POST /api/v1/git/refs — the remote's branches or tags matching a substring, the default branch first. */
export async function listGitRefs(body: GitRefsRequestInput, signal?: AbortSignal): Promise<ApiOutput<'ListGitRefs'>> {
  return (await callApi('ListGitRefs', { body, signal })).data;
}
