import type { Keyring } from '@/server/crypto';
import type { Storage } from '@/server/storage';

/** Placeholder until the PostgreSQL implementation lands (branch wt-pg): refuses, so nothing runs on it by mistake. */
export function openPostgresStorage(_opts: { url: string; keyring: Keyring; clock?: () => Date; poolSize?: number }): Promise<Storage> {
  return Promise.reject(new Error('PostgreSQL storage is not built yet'));
}
