import type { QueryClient } from '@tanstack/react-query';
import { onTestFinished, vi } from 'vitest';
import type { SeedInput } from '@/shared/seed.schema';
import type { GitOptions } from '@/server/app';
import { sessionInfoSchema } from '@/shared/session.schema';
import { sessionKeys } from '@/lib/session.api';
import { SESSION_COOKIE } from '@/server/auth';
import { createTestApp, createBody, type TestApp } from './test-app';
import { TEST_USERS, type TestUser } from './test-seed';

/** One request the console made, as the in-process server received it, and what the server answered. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
  /** The server's answer (absent while it is pending). */
  response?: { status: number; headers: Headers; body: unknown };
}

/** Which requests a one-shot interception applies to. */
export type RequestMatch = (request: RecordedRequest) => boolean;

export interface SeedOptions {
  /** Who creates them, or who creates the i-th (default: the signed-in user). */
  as?: TestUser | ((i: number) => TestUser);
  /** How far the app's clock moves between two creations (default 1 s, so each has its own second). */
  stepMs?: number;
}

export interface InProcessApi {
  /** The real app on its own fresh database (`t.as(user)` writes behind the console's back). */
  t: TestApp;
  /** Every request the console sent, in order. */
  requests: RecordedRequest[];
  /** The ListCodeSources parameters of the console's most recent list request (optionally: of those matching). */
  lastListQuery(predicate?: (query: URLSearchParams) => boolean): Record<string, string>;
  /** Creates code sources through the API and answers their ids, in creation order. */
  seedCodeSources(count: number, make?: (i: number) => Record<string, unknown>, options?: SeedOptions): Promise<string[]>;
  /** Puts the signed-in session (with its CSRF token) in the console's cache, as the app shell would. */
  signIn(queryClient: QueryClient): Promise<void>;
  /**
   * Holds the server's answers to the matching requests until `release()` is called; the requests themselves
   * reach the server at once (so a test can look at the UI while a request is in flight).
   */
  holdAnswers(match?: RequestMatch): { release(): void };
  /**
   * The next matching request reaches the server and is carried out, but its answer is lost on the way back
   * (`fetch` rejects as it does when the connection drops).
   */
  loseNextAnswer(match: RequestMatch): void;
  /** Changes the body of the next matching request on its way to the server (e.g. a console with older rules). */
  rewriteNextBody(match: RequestMatch, rewrite: (body: Record<string, unknown>) => Record<string, unknown>): void;
}

/** A request for `method` and exact `pathname`. */
export function requestTo(method: string, pathname: string): RequestMatch {
  return (r) => r.method === method && r.url.pathname === pathname;
}

/**
 * Component tests against the real server: `fetch` goes to the app in-process (`app.request`) on a fresh
 * database, signed in as `user` with a real session cookie. Nothing answers but the real routes — sorting,
 * paging, validation and errors are the server's own. The database is removed when the test ends.
 */
export async function serveInProcess(
  user: TestUser = 'admin',
  { seed, git }: { seed?: SeedInput; git?: GitOptions } = {},
): Promise<InProcessApi> {
  const t = await createTestApp({ ...(seed ? { seed } : {}), ...(git ? { git } : {}) });
  onTestFinished(() => t.close());
  const started = await t.parts.sessions.start(TEST_USERS[user].UserId);
  // The browser's cookie jar, one cookie deep: a sign-in or sign-out answer replaces it, as in a browser.
  let cookie = `${SESSION_COOKIE}=${started.sessionId}`;
  const requests: RecordedRequest[] = [];
  const holds: { match: RequestMatch; released: Promise<void> }[] = [];
  const losses: { match: RequestMatch }[] = [];
  const rewrites: { match: RequestMatch; rewrite: (body: Record<string, unknown>) => Record<string, unknown> }[] = [];
  const takeFirst = <T extends { match: RequestMatch }>(list: T[], request: RecordedRequest): T | undefined => {
    const i = list.findIndex((entry) => entry.match(request));
    return i < 0 ? undefined : list.splice(i, 1)[0];
  };

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const headers = new Headers(init?.headers);
    let text = typeof init?.body === 'string' ? init.body : undefined;
    if (init?.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    const recorded: RecordedRequest = {
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      headers,
      body: text === undefined ? undefined : JSON.parse(text),
    };
    requests.push(recorded);
    const rewrite = takeFirst(rewrites, recorded);
    if (rewrite && text !== undefined) text = JSON.stringify(rewrite.rewrite(JSON.parse(text) as Record<string, unknown>));
    const serverHeaders = new Headers(headers);
    serverHeaders.set('host', 'localhost');
    serverHeaders.set('cookie', cookie);
    const response = await t.app.request(url.pathname + url.search, { method: recorded.method, headers: serverHeaders, body: text });
    const setCookie = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(response.headers.get('set-cookie') ?? '');
    if (setCookie) cookie = `${SESSION_COOKIE}=${setCookie[1]}`;
    const copy = response.clone();
    const answer = await copy.text();
    recorded.response = {
      status: response.status,
      headers: response.headers,
      body: answer === '' ? undefined : (JSON.parse(answer) as unknown),
    };
    const hold = holds.find((h) => h.match(recorded));
    if (hold) await hold.released;
    if (takeFirst(losses, recorded)) throw new TypeError('Failed to fetch');
    return response;
  });
  vi.stubGlobal('fetch', fetchMock);

  return {
    t,
    requests,
    lastListQuery(predicate = () => true) {
      const list = requests.filter((r) => r.method === 'GET' && r.url.pathname === '/api/v1/codesources' && predicate(r.url.searchParams));
      return Object.fromEntries(list.at(-1)?.url.searchParams ?? []);
    },
    async seedCodeSources(
      count,
      make = (i) => ({ DisplayName: `repo-${String(i + 1).padStart(3, '0')}` }),
      { as = user, stepMs = 1000 } = {},
    ) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const res = await t.as(typeof as === 'function' ? as(i) : as).post('/api/v1/codesources', createBody(make(i)));
        if (res.status !== 200) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
        ids.push(((await res.json()) as { CodeSourceId: string }).CodeSourceId);
        // Distinct creation times, so "newest first" has one answer.
        t.clock.now += stepMs;
      }
      return ids;
    },
    async signIn(queryClient) {
      const res = await t.app.request('/api/v1/session', { headers: { host: 'localhost', cookie } });
      queryClient.setQueryData(sessionKeys.session(), sessionInfoSchema.parse(await res.json()));
    },
    holdAnswers(match = () => true) {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const hold = { match, released };
      holds.push(hold);
      return {
        release() {
          holds.splice(holds.indexOf(hold), 1);
          release();
        },
      };
    },
    loseNextAnswer(match) {
      losses.push({ match });
    },
    rewriteNextBody(match, rewrite) {
      rewrites.push({ match, rewrite });
    },
  };
}
