import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, signInOver, type HttpResult } from '@/testing/http-client';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { TEST_USERS, WS } from '@/testing/test-seed';

/** WORKERS=2: the real server as a node:cluster primary with two worker processes on one SQLite file. */

const C = '/api/v1/codesources';
// A new connection per request, so the cluster's round robin can hand each to another worker.
const agent = new http.Agent({ keepAlive: false });

function logged(server: ServerProcess): Record<string, unknown>[] {
  return server.logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The pid of the worker that served a response, from its "request" log line (waits for the line to arrive). */
async function servedBy(server: ServerProcess, res: HttpResult): Promise<number> {
  const requestId = res.headers['x-acs-request-id'];
  for (let i = 0; i < 100; i++) {
    const line = logged(server).find((e) => e.msg === 'request' && e.requestId === requestId);
    if (line) return Number(line.pid);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no request log line for ${String(requestId)}`);
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('WORKERS=2', () => {
  let server: ServerProcess;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ env: { WORKERS: '2' } });
    auth = await signInOver(server.url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
  }, 60_000);
  afterAll(() => server.cleanup());

  const get = (path: string) => httpRequest(`${server.url}${path}`, { headers: auth, agent });

  it('two worker processes serve the requests, each log line naming its worker', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const res = await get(`${C}?WorkspaceId=${WS}`);
      expect(res.status).toBe(200);
      pids.add(await servedBy(server, res));
    }
    expect(pids.size).toBe(2);
    expect(pids.has(server.pid)).toBe(false);
    const started = logged(server).filter((e) => e.msg === 'worker started');
    expect(new Set(started.map((e) => e.workerPid))).toEqual(pids);
    expect(logged(server).filter((e) => e.msg === 'listening')).toHaveLength(1);
  });

  it('a code source created through one worker is read through the other', async () => {
    const created = await httpRequest(`${server.url}${C}`, {
      method: 'POST',
      headers: auth,
      agent,
      body: { WorkspaceId: WS, DisplayName: 'made-by-one-worker', CodeRepo: 'https://github.com/example/repo.git' },
    });
    expect(created.status).toBe(200);
    const writer = await servedBy(server, created);
    const id = String(created.json().CodeSourceId);
    let readByOther: HttpResult | undefined;
    for (let i = 0; i < 20 && !readByOther; i++) {
      const res = await get(`${C}/${id}`);
      if ((await servedBy(server, res)) !== writer) readByOther = res;
    }
    expect(readByOther?.status).toBe(200);
    expect(readByOther?.json().DisplayName).toBe('made-by-one-worker');
  });

  it('a worker that dies is started again and the service keeps answering', async () => {
    const victim = Number(logged(server).find((e) => e.msg === 'worker started')?.workerPid);
    process.kill(victim, 'SIGKILL');
    await until('the replacement worker', () =>
      logged(server).some((e) => e.msg === 'worker died; starting another' && e.workerPid === victim),
    );
    const before = logged(server).filter((e) => e.msg === 'worker listening').length;
    await until('the replacement to listen', () => logged(server).filter((e) => e.msg === 'worker listening').length > before);
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const res = await get(`${C}?WorkspaceId=${WS}`);
      expect(res.status).toBe(200);
      pids.add(await servedBy(server, res));
    }
    expect(pids.has(victim)).toBe(false);
    expect(pids.size).toBe(2);
  });

  it('SIGTERM stops every worker gracefully and the primary exits 0', async () => {
    expect(await server.stop()).toBe(0);
    const entries = logged(server);
    expect(entries.filter((e) => e.msg === 'worker stopped' && e.code === 0)).toHaveLength(2);
    expect(entries.filter((e) => e.msg === 'stopped' && e.worker === 'primary')).toHaveLength(1);
  });
});
