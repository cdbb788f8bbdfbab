import { callApi, type ApiOutput } from '@/lib/api-client';
import type { AccessKeyStatus } from '@/shared/access-key.schema';

/** GET /api/v1/me/accesskeys — the signed-in user's keys, never their secrets. */
export async function listAccessKeys(signal?: AbortSignal): Promise<ApiOutput<'ListAccessKeys'>> {
  return (await callApi('ListAccessKeys', { signal })).data;
}

/** POST /api/v1/me/accesskeys — a new pair; the secret is in this answer only. */
export async function createAccessKey(): Promise<ApiOutput<'CreateAccessKey'>> {
  return (await callApi('CreateAccessKey', {})).data;
}

/** PUT /api/v1/me/accesskeys/{AccessKeyId} — enable or disable. */
export async function updateAccessKey(id: string, status: AccessKeyStatus): Promise<void> {
  await callApi('UpdateAccessKey', { params: { AccessKeyId: id }, body: { Status: status } });
}

/** DELETE /api/v1/me/accesskeys/{AccessKeyId}. */
export async function deleteAccessKey(id: string): Promise<void> {
  await callApi('DeleteAccessKey', { params: { AccessKeyId: id } });
}
