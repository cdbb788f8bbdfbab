import type { CreateCodeSourceInput, UpdateCodeSourceInput } from '@/shared/code-source.schema';
import { callApi, type ApiInput, type ApiOutput } from '@/lib/api-client';
import type { ListParams } from './list-params';

/** What ListCodeSources is asked for: the list view plus the workspace and the caller (for "created by me"). */
export interface ListRequest extends ListParams {
  workspaceId: string;
  userId: string | undefined;
}

/** The query string of ListCodeSources for a list view, in PAI's names. */
export function toListQuery(request: ListRequest): ApiInput<'ListCodeSources'>['query'] {
  return {
    WorkspaceId: request.workspaceId,
    DisplayName: request.search.trim() === '' ? undefined : request.search.trim(),
    PageNumber: String(request.page),
    PageSize: String(request.pageSize),
    SortBy: request.sortBy,
    Order: request.order.toUpperCase(),
    Accessibility: request.visibility,
    UserId: request.mine ? request.userId : request.creator,
  };
}

/** GET /api/v1/codesources — one page. */
export async function listCodeSources(request: ListRequest, signal?: AbortSignal): Promise<ApiOutput<'ListCodeSources'>> {
  return (await callApi('ListCodeSources', { query: toListQuery(request), signal })).data;
}

/** A code source with the ETag its writes must quote in If-Match. */
export interface CodeSourceWithEtag {
  codeSource: Omit<ApiOutput<'GetCodeSource'>, 'RequestId'>;
  etag: string | undefined;
}

/** GET /api/v1/codesources/{id} — one code source and its ETag. */
export async function getCodeSource(id: string, signal?: AbortSignal): Promise<CodeSourceWithEtag> {
  const { data, headers } = await callApi('GetCodeSource', { params: { CodeSourceId: id }, signal });
  const { RequestId: _requestId, ...codeSource } = data;
  return { codeSource, etag: headers.get('etag') ?? undefined };
}

/** POST /api/v1/codesources — create; the ClientToken makes a retry return the same id. */
export async function createCodeSource(body: CreateCodeSourceInput): Promise<ApiOutput<'CreateCodeSource'>> {
  return (await callApi('CreateCodeSource', { body })).data;
}

/** PUT /api/v1/codesources/{id} — partial update guarded by If-Match. */
export async function updateCodeSource(
  id: string,
  body: UpdateCodeSourceInput,
  etag: string | undefined,
): Promise<ApiOutput<'UpdateCodeSource'>> {
  return (await callApi('UpdateCodeSource', { params: { CodeSourceId: id }, body, headers: { 'if-match': etag } })).data;
}

/** DELETE /api/v1/codesources/{id}. */
export async function deleteCodeSource(id: string): Promise<void> {
  await callApi('DeleteCodeSource', { params: { CodeSourceId: id } });
}

/** PUT /api/v1/codesources/{id}/publish — PRIVATE → PUBLIC (PAI's PublishCodeSource). */
export async function publishCodeSource(id: string): Promise<void> {
  await callApi('PublishCodeSource', { params: { CodeSourceId: id } });
}

/** PUT /api/v1/codesources/{id}/unpublish — PUBLIC → PRIVATE (this project's extension). */
export async function unpublishCodeSource(id: string): Promise<void> {
  await callApi('UnpublishCodeSource', { params: { CodeSourceId: id } });
}

/** GET /api/v1/codesources/{id}/events — one page of its history, newest first. */
export async function listCodeSourceEvents(
  id: string,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<ApiOutput<'ListCodeSourceEvents'>> {
  const query = { PageNumber: String(page), PageSize: String(pageSize) };
  return (await callApi('ListCodeSourceEvents', { params: { CodeSourceId: id }, query, signal })).data;
}

/** What a batch action does to each code source. */
export type BatchAction = ApiInput<'BatchCodeSources'>['body']['Action'];

/** POST /api/v1/codesources/batch — publish, unpublish or delete up to 100 code sources; one result per id. */
export async function batchCodeSources(body: ApiInput<'BatchCodeSources'>['body']): Promise<ApiOutput<'BatchCodeSources'>> {
  return (await callApi('BatchCodeSources', { body })).data;
}

/** PUT /api/v1/codesources/{id}/owner — hand a code source to another member (admins), guarded by If-Match. */
export async function transferCodeSourceOwner(id: string, userId: string, etag: string | undefined): Promise<void> {
  await callApi('TransferCodeSourceOwner', { params: { CodeSourceId: id }, body: { UserId: userId }, headers: { 'if-match': etag } });
}

/** GET /api/v1/workspaces/{id}/members — the workspace's members, their roles and whether they may own code sources. */
export async function listWorkspaceMembers(
  workspaceId: string,
  signal?: AbortSignal,
): Promise<ApiOutput<'ListWorkspaceMembers'>['Members']> {
  return (await callApi('ListWorkspaceMembers', { params: { WorkspaceId: workspaceId }, signal })).data.Members;
}

/** GET /api/v1/workspaces/{id}/codesource-counts — how many PUBLIC and PRIVATE code sources the caller may see. */
export async function getCodeSourceCounts(workspaceId: string, signal?: AbortSignal): Promise<ApiOutput<'GetCodeSourceCounts'>> {
  return (await callApi('GetCodeSourceCounts', { params: { WorkspaceId: workspaceId }, signal })).data;
}
