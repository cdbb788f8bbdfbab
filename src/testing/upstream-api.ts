import { vi } from 'vitest';
import { sessionKeys } from '@/lib/session.api';
import { endpoints, pathPattern, type OperationName } from '@/shared/api-paths';
import type { SeedInput } from '@/shared/seed.schema';
import { serveInProcess, type InProcessApi } from './in-process-api';
import type { TestUser } from './test-seed';

/** PAI's endpoint the upstream tests name. */
export const TEST_ENDPOINT = 'aiworkspace.cn-hangzhou.aliyuncs.com';

/** The operations PAI lacks: in upstream mode the server answers them 400 `OperationNotSupported.Upstream`. */
export const UNSUPPORTED_UPSTREAM: readonly OperationName[] = [
  'UnpublishCodeSource',
  'ListCodeSourceEvents',
  'ListWorkspaceEvents',
  'ListWorkspaceMembers',
  'GetCodeSourceCounts',
  'TransferCodeSourceOwner',
];

/** A request the console sent, as the upstream emulation saw it (before deciding what answers it). */
export interface AttemptedRequest {
  method: string;
  url: URL;
  headers: Headers;
}

export interface UpstreamApi extends InProcessApi {
  /** Every request the console sent, including those the emulation refused. */
  attempted: AttemptedRequest[];
  /** The attempted requests to an operation PAI lacks (the console must never send one upstream). */
  unsupportedCalls(): { operation: OperationName; method: string; path: string }[];
}

/**
 * The console's side of upstream mode, for component tests until the upstream server exists: the real in-process
 * server holds the code sources, and a thin layer in front of it answers as the upstream contract says — the session
 * says `Mode: 'Upstream'` with the endpoint, the operations PAI lacks answer 400 `OperationNotSupported.Upstream`, and
 * no answer carries an ETag. (It stands in for the server's mode only; PAI itself is the lead's Playwright journey.)
 */
export async function serveUpstream(user: TestUser = 'admin', options: { seed?: SeedInput } = {}): Promise<UpstreamApi> {
  const api = await serveInProcess(user, options);
  const inner = globalThis.fetch;
  const attempted: AttemptedRequest[] = [];
  const unsupported = UNSUPPORTED_UPSTREAM.map((operation) => ({
    operation,
    method: endpoints[operation].method.toUpperCase(),
    pattern: pathPattern(endpoints[operation].path),
  }));
  const refusedBy = (method: string, pathname: string) => unsupported.find((u) => u.method === method && u.pattern.test(pathname));

  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    attempted.push({ method, url, headers: new Headers(init?.headers) });
    if (refusedBy(method, url.pathname)) {
      const body = {
        RequestId: 'req-upstream',
        HostId: 'localhost',
        Code: 'OperationNotSupported.Upstream',
        Message: 'PAI has no such operation',
      };
      return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
    }
    const response = await inner(input, init);
    const headers = new Headers(response.headers);
    headers.delete('etag');
    let text = await response.text();
    if (url.pathname === endpoints.GetSession.path) {
      text = JSON.stringify({ ...(JSON.parse(text) as object), Mode: 'Upstream', UpstreamEndpoint: TEST_ENDPOINT });
    }
    return new Response(text, { status: response.status, headers });
  });

  const signIn = api.signIn;
  return Object.assign(api, {
    attempted,
    // The signed-in session as the upstream server answers it.
    async signIn(queryClient: Parameters<InProcessApi['signIn']>[0]) {
      await signIn(queryClient);
      queryClient.setQueryData(sessionKeys.session(), (s) => s && { ...s, Mode: 'Upstream' as const, UpstreamEndpoint: TEST_ENDPOINT });
    },
    unsupportedCalls: () =>
      attempted.flatMap((r) => {
        const hit = refusedBy(r.method, r.url.pathname);
        return hit ? [{ operation: hit.operation, method: r.method, path: r.url.pathname }] : [];
      }),
  });
}
