import { useQuery } from '@tanstack/react-query';
import type { SessionMode } from '@/shared/session.schema';
import { sessionQuery } from './session.api';

/** Where the code sources live, as the session says: this server's database, or PAI's API at `endpoint`. */
export interface BackendMode {
  mode: SessionMode;
  /** True in upstream mode: what PAI lacks (unpublish, history, activity, members, counts, ETags) is not offered. */
  upstream: boolean;
  /** PAI's endpoint, upstream. */
  endpoint: string | undefined;
}

/**
 * The backend mode from the cached session (GET /session answers it signed in or not). Reads the cache only and
 * never asks the server itself: every screen that needs it sits below one that loaded the session.
 */
export function useBackendMode(): BackendMode {
  const session = useQuery({ ...sessionQuery(), enabled: false }).data;
  const mode = session?.Mode ?? 'Local';
  return { mode, upstream: mode === 'Upstream', endpoint: mode === 'Upstream' ? session?.UpstreamEndpoint : undefined };
}
