import { vi } from 'vitest';

/** One request the console made, as the stub saw it. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export interface StubResponse {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type StubHandler = (request: RecordedRequest) => StubResponse | Promise<StubResponse> | undefined;

/**
 * Replaces `fetch` with handlers tried in order; the first that answers wins. Every request is recorded, so a test
 * can assert exactly what the console sent. An unanswered request fails the test loudly (a 599).
 */
export function stubFetch(...handlers: StubHandler[]) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = {
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      headers: new Headers(init?.headers),
      body: text === undefined ? undefined : JSON.parse(text),
    };
    if (init?.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    requests.push(request);
    for (const handler of handlers) {
      const answer = await handler(request);
      if (answer) {
        return new Response(JSON.stringify(answer.body), {
          status: answer.status ?? 200,
          headers: { 'content-type': 'application/json', ...answer.headers },
        });
      }
    }
    return new Response(JSON.stringify({ Code: 'Unstubbed', Message: `${request.method} ${url.pathname}` }), { status: 599 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}

/** A handler for one method and path (exact pathname match). */
export function on(method: string, pathname: string, respond: (request: RecordedRequest) => StubResponse | Promise<StubResponse>): StubHandler {
  return (request) => (request.method === method && request.url.pathname === pathname ? respond(request) : undefined);
}
