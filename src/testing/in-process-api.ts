import type { QueryClient } from '@tanstack/react-query';
import { vi } from 'vitest';
import type { SeedInput } from '@/shared/seed.schema';
import { sessionInfoSchema } from '@/shared/session.schema';
import { sessionKeys } from '@/lib/session.api';
import { SESSION_COOKIE } from '@/server/auth';
import { createTestApp, createBody, type TestApp } from './test-app';
import { TEST_USERS, type TestUser } from './test-seed';

/** One request the console made, as the in-process server received it. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export interface InProcessApi {
  /** The real app on its own fresh database (`t.as(user)` writes behind the console's back). */
  t: TestApp;
  /** Every request the console sent, in order. */
  requests: RecordedRequest[];
  /** The ListCodeSources parameters of the console's most recent list request. */
  lastListQuery(): Record<string, string>;
  /** Creates code sources through the API as `user` and answers their ids. */
  seedCodeSources(count: number, make?: (i: number) => Record<string, unknown>, user?: TestUser): Promise<string[]>;
  /** Puts the signed-in session (with its CSRF token) in the console's cache, as the app shell would. */
  signIn(queryClient: QueryClient): Promise<void>;
}

/**
 * Component tests against the real server: `fetch` goes to the app in-process (`app.request`) on a fresh
 * database, signed in as `user` with a real session cookie. Nothing answers but the real routes — sorting,
 * paging, validation and errors are the server's own.
 */
export async function serveInProcess(user: TestUser = 'admin', { seed }: { seed?: SeedInput } = {}): Promise<InProcessApi> {
  const t = await createTestApp(seed ? { seed } : {});
  const started = t.parts.sessions.start(TEST_USERS[user].UserId);
  const cookie = `${SESSION_COOKIE}=${started.sessionId}`;
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const headers = new Headers(init?.headers);
    const text = typeof init?.body === 'string' ? init.body : undefined;
    if (init?.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    requests.push({ method: (init?.method ?? 'GET').toUpperCase(), url, headers, body: text === undefined ? undefined : JSON.parse(text) });
    headers.set('host', 'localhost');
    headers.set('cookie', cookie);
    return t.app.request(url.pathname + url.search, { method: init?.method ?? 'GET', headers, body: text });
  });
  vi.stubGlobal('fetch', fetchMock);

  return {
    t,
    requests,
    lastListQuery() {
      const list = requests.filter((r) => r.method === 'GET' && r.url.pathname === '/api/v1/codesources');
      return Object.fromEntries(list.at(-1)?.url.searchParams ?? []);
    },
    async seedCodeSources(count, make = (i) => ({ DisplayName: `repo-${String(i + 1).padStart(3, '0')}` }), as = user) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const res = await t.as(as).post('/api/v1/codesources', createBody(make(i)));
        if (res.status !== 200) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
        ids.push(((await res.json()) as { CodeSourceId: string }).CodeSourceId);
        // Distinct creation times, so "newest first" has one answer.
        t.clock.now += 1000;
      }
      return ids;
    },
    async signIn(queryClient) {
      const res = await t.app.request('/api/v1/session', { headers: { host: 'localhost', cookie } });
      queryClient.setQueryData(sessionKeys.session(), sessionInfoSchema.parse(await res.json()));
    },
  };
}
