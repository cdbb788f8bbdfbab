import { QueryClient } from '@tanstack/react-query';
import { isClientError } from './api-client';
import { connectCsrfToken } from './session.api';

/** Retries only what may succeed next time (network and 5xx), twice at most; a 4xx is final. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return !isClientError(error) && failureCount < 2;
}

/** The console's QueryClient; tests build their own with `retry: false`. */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return connectCsrfToken(client);
}
