import { apiPaths } from '@/shared/api-paths';
import type {
  CodeSource,
  CreateCodeSource,
  ListCodeSourcesResponse,
  UpdateCodeSource,
} from '@/shared/code-source.schema';
import { apiRequest } from '@/lib/api-client';
import type { ListParams } from './list-params';

/** What ListCodeSources is asked for: the list view plus the workspace and the caller (for "created by me"). */
export interface ListRequest extends ListParams {
  workspaceId: string;
  userId: string | undefined;
}

/** The query string of ListCodeSources for a list view, in PAI's names. */
export function toListQuery(request: ListRequest): Record<string, string | number | undefined> {
  return {
    WorkspaceId: request.workspaceId,
    DisplayName: request.search.trim() === '' ? undefined : request.search.trim(),
    PageNumber: request.page,
    PageSize: request.pageSize,
    SortBy: request.sortBy,
    Order: request.order.toUpperCase(),
    Accessibility: request.visibility,
    UserId: request.mine ? request.userId : undefined,
  };
}

/** GET /api/v1/codesources — one page. */
export async function listCodeSources(request: ListRequest, signal?: AbortSignal): Promise<ListCodeSourcesResponse> {
  const { data } = await apiRequest<ListCodeSourcesResponse>(apiPaths.codeSources, { query: toListQuery(request), signal });
  return data;
}

/** A code source with the ETag its writes must quote in If-Match. */
export interface CodeSourceWithEtag {
  codeSource: CodeSource;
  etag: string | undefined;
}

/** GET /api/v1/codesources/{id} — one code source and its ETag. */
export async function getCodeSource(id: string, signal?: AbortSignal): Promise<CodeSourceWithEtag> {
  const { data, headers } = await apiRequest<CodeSource & { RequestId?: string }>(apiPaths.codeSource(id), { signal });
  const { RequestId: _requestId, ...codeSource } = data;
  return { codeSource, etag: headers.get('etag') ?? undefined };
}

/** POST /api/v1/codesources — create; the ClientToken makes a retry return the same id. */
export async function createCodeSource(body: CreateCodeSource): Promise<{ CodeSourceId: string }> {
  const { data } = await apiRequest<{ CodeSourceId: string }>(apiPaths.codeSources, { method: 'POST', body });
  return data;
}

/** PUT /api/v1/codesources/{id} — partial update guarded by If-Match. */
export async function updateCodeSource(id: string, body: UpdateCodeSource, etag: string | undefined): Promise<{ CodeSourceId: string }> {
  const { data } = await apiRequest<{ CodeSourceId: string }>(apiPaths.codeSource(id), {
    method: 'PUT',
    body,
    headers: etag ? { 'if-match': etag } : undefined,
  });
  return data;
}

/** DELETE /api/v1/codesources/{id}. */
export async function deleteCodeSource(id: string): Promise<void> {
  await apiRequest(apiPaths.codeSource(id), { method: 'DELETE' });
}

/** PUT /api/v1/codesources/{id}/publish — PRIVATE → PUBLIC (PAI's PublishCodeSource). */
export async function publishCodeSource(id: string): Promise<void> {
  await apiRequest(apiPaths.publish(id), { method: 'PUT' });
}

/** PUT /api/v1/codesources/{id}/unpublish — PUBLIC → PRIVATE (this project's extension). */
export async function unpublishCodeSource(id: string): Promise<void> {
  await apiRequest(apiPaths.unpublish(id), { method: 'PUT' });
}
