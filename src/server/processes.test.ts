import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchAction, BatchResponse, CodeSourceEvent, EventAction, EventChange, ListEventsResponse } from '@/shared/admin.schema';
import { createCodeSourceSchema } from '@/shared/code-source.schema';
import { CODE_SOURCE_NOT_FOUND } from '@/shared/error-codes';
import { httpRequest, signInOver, type HttpResult } from '@/testing/http-client';
import { signRequest } from '@/testing/sign';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { openStoredDatabase, type StoredDatabase } from '@/testing/test-engine';
import { TEST_USERS, WS } from '@/testing/test-seed';

/** Tests that need real server processes: malformed HTTP, two processes on one file, crashes, load. */

const C = '/api/v1/codesources';
const repo = 'https://github.com/example/repo.git';

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('malformed HTTP gets a JSON error from the real server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.cleanup());

  it('a garbage request line → 400 with the PAI error shape', async () => {
    const out = await rawRequest(server.port, 'NOT A REQUEST\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({
      Code: 'BadRequest',
      RequestId: expect.any(String),
      HostId: expect.any(String),
      Message: expect.any(String),
    });
  });

  it('oversized headers → 431 with a JSON body', async () => {
    const out = await rawRequest(server.port, `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4))).toMatchObject({ Code: 'BadRequest' });
  });

  it('serves the console shell with CSP and security headers', async () => {
    const res = await httpRequest(`${server.url}/`);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('request bodies over the real server (Content-Length and chunked)', () => {
  let server: ServerProcess;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startServer();
    auth = await signInOver(server.url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
  });
  afterAll(() => server.cleanup());

  it('stores a body with multi-byte characters exactly, whether framed by Content-Length or sent in chunks', async () => {
    const description = Array.from({ length: 40 }, () => 'Überprüfung 模型 🚀').join(' ');
    const framed = await httpRequest(`${server.url}${C}`, {
      method: 'POST',
      headers: auth,
      body: { WorkspaceId: WS, DisplayName: 'body-framed', CodeRepo: repo, Description: description },
    });
    expect(framed.status).toBe(200);
    const body = Buffer.from(JSON.stringify({ WorkspaceId: WS, DisplayName: 'body-chunked', CodeRepo: repo, Description: description }));
    // Cut at byte offsets, so chunks end inside multi-byte characters.
    const chunked = await httpRequest(`${server.url}${C}`, {
      method: 'POST',
      headers: auth,
      pieces: [body.subarray(0, 71), body.subarray(71, 402), body.subarray(402)],
    });
    expect(chunked.status).toBe(200);
    for (const res of [framed, chunked]) {
      const got = (await httpRequest(`${server.url}${C}/${String(res.json().CodeSourceId)}`, { headers: auth })).json();
      expect(got.Description).toBe(description);
    }
    const id = String(framed.json().CodeSourceId);
    const updated = await httpRequest(`${server.url}${C}/${id}`, { method: 'PUT', headers: auth, body: { Description: 'réécrit' } });
    expect(updated.status).toBe(200);
    expect((await httpRequest(`${server.url}${C}/${id}`, { headers: auth })).json().Description).toBe('réécrit');
  });

  it('refuses a body over 64 KiB with 413, declared or chunked', async () => {
    const big = JSON.stringify({ WorkspaceId: WS, DisplayName: 'too-big', CodeRepo: repo, Description: 'x'.repeat(70 * 1024) });
    const declared = await httpRequest(`${server.url}${C}`, { method: 'POST', headers: auth, body: big });
    expect(declared.status).toBe(413);
    const chunked = await httpRequest(`${server.url}${C}`, {
      method: 'POST',
      headers: auth,
      pieces: [big.slice(0, 40_000), big.slice(40_000)],
    });
    expect(chunked.status).toBe(413);
    expect(chunked.json().Code).toBe('PayloadTooLarge');
  });

  it('operations without a body take none: no body at all, an empty one, or an empty one sent as application/json', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      const created = await httpRequest(`${server.url}${C}`, {
        method: 'POST',
        headers: auth,
        agent,
        body: { WorkspaceId: WS, DisplayName: 'body-empty-publish', CodeRepo: repo },
      });
      const id = String(created.json().CodeSourceId);
      const published = await httpRequest(`${server.url}${C}/${id}/publish`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json', 'content-length': '0' },
        agent,
      });
      expect(published.status).toBe(200);
      expect((await httpRequest(`${server.url}${C}/${id}`, { headers: auth, agent })).json().Accessibility).toBe('PUBLIC');
      const unpublished = await httpRequest(`${server.url}${C}/${id}/unpublish`, { method: 'PUT', headers: auth, agent });
      expect(unpublished.status).toBe(200);
      const deleted = await httpRequest(`${server.url}${C}/${id}`, { method: 'DELETE', headers: auth, agent });
      expect(deleted.status).toBe(200);
      expect((await httpRequest(`${server.url}${C}/${id}`, { headers: auth, agent })).status).toBe(404);
    } finally {
      agent.destroy();
    }
  });
});

describe('the console is served compressed', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.cleanup());

  it('brotli or gzip as accepted, identical once decoded, with Vary and immutable caching for assets', async () => {
    const html = await httpRequest(`${server.url}/`);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html.body)?.[1];
    expect(script).toBeDefined();
    const raw = (encoding: string) =>
      new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .get(`${server.url}${script}`, { headers: { 'accept-encoding': encoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
    const plain = await raw('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toContain('immutable');
    // Compression runs in the background after start: give it a moment.
    let br = await raw('gzip, deflate, br');
    for (let i = 0; i < 40 && br.headers['content-encoding'] !== 'br'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      br = await raw('gzip, deflate, br');
    }
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });
});

describe('two server processes on one database file', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let auth: Record<string, string>;
  beforeAll(async () => {
    a = await startServer();
    b = await a.sibling();
    auth = await signInOver(a.url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
  });
  afterAll(async () => {
    await b.stop();
    await a.cleanup();
  });

  it('20 parallel updates with the same If-Match: exactly one succeeds, the rest get 412', async () => {
    const created = await httpRequest(`${a.url}${C}`, {
      method: 'POST',
      headers: auth,
      body: { WorkspaceId: WS, DisplayName: 'race-target', CodeRepo: repo },
    });
    const id = String(created.json().CodeSourceId);
    const etag = String((await httpRequest(`${b.url}${C}/${id}`, { headers: auth })).headers.etag);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        httpRequest(`${(i % 2 ? a : b).url}${C}/${id}`, {
          method: 'PUT',
          headers: { ...auth, 'if-match': etag },
          body: { Description: `writer ${i}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.findIndex((r) => r.status === 200);
    const final = (await httpRequest(`${a.url}${C}/${id}`, { headers: auth })).json();
    expect(final.Description).toBe(`writer ${winner}`);
  });

  it('20 parallel creates with the same name: exactly one succeeds, the rest get 409', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        httpRequest(`${(i % 2 ? a : b).url}${C}`, {
          method: 'POST',
          headers: auth,
          body: { WorkspaceId: WS, DisplayName: i % 3 ? 'Same-Name' : 'same-name', CodeRepo: repo },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const list = (await httpRequest(`${b.url}${C}?WorkspaceId=${WS}&DisplayName=same-name`, { headers: auth })).json();
    expect(list.TotalCount).toBe(1);
  });

  it('a signed request replayed to the other process is refused (nonces are shared through the file)', async () => {
    const signed = signRequest({
      method: 'GET',
      pathname: C,
      query: { WorkspaceId: WS },
      action: 'ListCodeSources',
      accessKeyId: TEST_USERS.dev.AccessKeyId,
      accessKeySecret: TEST_USERS.dev.AccessKeySecret,
      host: `127.0.0.1:${a.port}`,
    });
    const first = await httpRequest(`${a.url}${signed.url}`, { headers: signed.headers });
    expect(first.status).toBe(200);
    // Same bytes to B (its Host differs, so send A's Host header as signed).
    const replay = await httpRequest(`${b.url}${signed.url}`, { headers: signed.headers });
    expect(replay.status).toBe(400);
    expect(replay.json().Code).toBe('SignatureNonceUsed');
  });

  /** Creates `n` PRIVATE code sources as dev through A; their ids in creation order. */
  async function createMany(prefix: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await httpRequest(`${a.url}${C}`, {
        method: 'POST',
        headers: auth,
        body: { WorkspaceId: WS, DisplayName: `${prefix}-${i}`, CodeRepo: repo },
      });
      expect(res.status).toBe(200);
      ids.push(String(res.json().CodeSourceId));
    }
    return ids;
  }

  /** Every event of the workspace, newest first, as the admin reads them (paging through). */
  async function allEvents(url: string, admin: Record<string, string>, query = ''): Promise<CodeSourceEvent[]> {
    const out: CodeSourceEvent[] = [];
    for (let page = 1; ; page++) {
      const res = await httpRequest(`${url}/api/v1/workspaces/${WS}/events?PageSize=100&PageNumber=${page}${query}`, { headers: admin });
      expect(res.status).toBe(200);
      const body = res.json() as unknown as ListEventsResponse;
      out.push(...body.Events);
      if (out.length >= body.TotalCount || body.Events.length === 0) return out;
    }
  }

  interface SentBatch {
    user: string;
    requestId: string;
    body: BatchResponse;
  }
  async function sendBatch(url: string, headers: Record<string, string>, user: string, action: string, ids: string[]): Promise<SentBatch> {
    const res = await httpRequest(`${url}${C}/batch`, {
      method: 'POST',
      headers,
      body: { WorkspaceId: WS, Action: action, CodeSourceIds: ids },
    });
    expect(res.status, res.body).toBe(200);
    return { user, requestId: String(res.headers['x-acs-request-id']), body: res.json() as unknown as BatchResponse };
  }

  it('concurrent batch deletes over overlapping ids on both processes: each id deleted by exactly one batch, with one Delete event', async () => {
    const admin = await signInOver(b.url, TEST_USERS.admin.UserName, TEST_USERS.admin.Password);
    const ids = await createMany('batch-delete', 40);
    // Three batches meet in the middle from different ends and orders; ids 10–29 are in all three.
    const interleaved = ids.slice(5, 35).sort((x, y) => (x.slice(-3) < y.slice(-3) ? -1 : 1));
    const batches = await Promise.all([
      sendBatch(a.url, auth, TEST_USERS.dev.UserId, 'Delete', ids.slice(0, 30)),
      sendBatch(b.url, admin, TEST_USERS.admin.UserId, 'Delete', ids.slice(10).reverse()),
      sendBatch(b.url, auth, TEST_USERS.dev.UserId, 'Delete', interleaved),
    ]);
    const deletes = (await allEvents(a.url, admin, '&Action=Delete')).filter((e) => ids.includes(e.CodeSourceId));
    for (const id of ids) {
      const outcomes = batches.flatMap((batch) => batch.body.Results.filter((r) => r.CodeSourceId === id).map((r) => ({ batch, r })));
      const winners = outcomes.filter((o) => o.r.Success);
      expect(winners, id).toHaveLength(1);
      // The others were told it is gone: AlreadyDeleted, or (deleted between their read and their write) not found.
      for (const loser of outcomes.filter((o) => !o.r.Success))
        expect(['AlreadyDeleted', CODE_SOURCE_NOT_FOUND], id).toContain(loser.r.Code);
      const events = deletes.filter((e) => e.CodeSourceId === id);
      expect(events, id).toHaveLength(1);
      const winner = winners[0]?.batch;
      expect(events[0]).toMatchObject({ BatchId: winner?.body.BatchId, RequestId: winner?.requestId, UserId: winner?.user });
      expect((await httpRequest(`${b.url}${C}/${id}`, { headers: admin })).status).toBe(404);
    }
    expect(deletes).toHaveLength(ids.length);
    for (const batch of batches) expect(batch.body.SucceededCount + batch.body.FailedCount).toBe(batch.body.Results.length);
    expect(batches.reduce((sum, batch) => sum + batch.body.SucceededCount, 0)).toBe(ids.length);
  });

  it('concurrent batches publishing and unpublishing overlapping ids on both processes: the history of each id explains its state', async () => {
    const admin = await signInOver(b.url, TEST_USERS.admin.UserName, TEST_USERS.admin.Password);
    const ids = await createMany('batch-publish', 30);
    const unpublished = ids.slice(10, 25);
    const batches = await Promise.all([
      sendBatch(a.url, auth, TEST_USERS.dev.UserId, 'Publish', ids.slice(0, 20)),
      sendBatch(b.url, admin, TEST_USERS.admin.UserId, 'Publish', ids.slice(5).reverse()),
      sendBatch(a.url, admin, TEST_USERS.admin.UserId, 'Unpublish', unpublished),
      sendBatch(b.url, auth, TEST_USERS.dev.UserId, 'Publish', ids.slice(15)),
    ]);
    // Every item of every batch succeeds: publishing a PUBLIC one (or unpublishing a PRIVATE one) is a success without a change.
    for (const batch of batches) expect(batch.body.FailedCount).toBe(0);
    const events = await allEvents(a.url, admin);
    const byBatch = new Map(batches.map((batch) => [batch.body.BatchId, batch]));
    for (const id of ids) {
      const history = events.filter((e) => e.CodeSourceId === id).reverse(); // oldest first
      expect(history[0]?.Action, id).toBe('Create');
      const changes = history.slice(1);
      // Each is a real change, made by a batch that had this id, and they alternate PRIVATE → PUBLIC → PRIVATE …
      let state = 'PRIVATE';
      for (const e of changes) {
        const batch = byBatch.get(e.BatchId ?? '');
        expect(
          batch?.body.Results.some((r) => r.CodeSourceId === id),
          id,
        ).toBe(true);
        expect(e).toMatchObject({ RequestId: batch?.requestId, UserId: batch?.user });
        const next = state === 'PRIVATE' ? 'PUBLIC' : 'PRIVATE';
        expect(e.Action, id).toBe(next === 'PUBLIC' ? 'Publish' : 'Unpublish');
        expect(e.Changes).toEqual([{ Field: 'Accessibility', Before: state, After: next }]);
        state = next;
      }
      // A batch changes an id at most once, and two Publish batches over the same id publish it only once in a row.
      expect(new Set(changes.map((e) => e.BatchId)).size, id).toBe(changes.length);
      const got = await httpRequest(`${b.url}${C}/${id}`, { headers: admin });
      expect(got.json().Accessibility, id).toBe(state);
      // One version per change, no more: the ETag counts the writes the history shows.
      expect(got.headers.etag, id).toBe(`"v${history.length}"`);
      // Only Publish batches had it (all ids are in one or more): one Publish event, however many batches published it.
      if (!unpublished.includes(id))
        expect(
          changes.map((e) => e.Action),
          id,
        ).toEqual(['Publish']);
    }
  });

  it('a session is shared by both processes; signing out on one ends it on the other', async () => {
    const s = await signInOver(b.url, TEST_USERS.dev2.UserName, TEST_USERS.dev2.Password);
    expect((await httpRequest(`${a.url}/api/v1/me`, { headers: s })).status).toBe(200);
    expect((await httpRequest(`${b.url}/api/v1/session`, { method: 'DELETE', headers: s })).status).toBe(200);
    expect((await httpRequest(`${a.url}/api/v1/me`, { headers: s })).status).toBe(401);
  });
});

describe('crash safety: SIGKILL in the middle of writes', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.cleanup());

  /** What the test knows of a live code source; the row must say the same. */
  interface Known {
    name: string;
    description: string;
    accessibility: 'PRIVATE' | 'PUBLIC';
    owner: string;
  }
  /** One write the writer sends; `expected` are the events it must leave, in order (known before sending, except a create's id). */
  type Write =
    | { kind: 'create'; token: string; name: string }
    | { kind: 'update'; id: string; description: string }
    | { kind: 'access'; id: string; action: 'Publish' | 'Unpublish' }
    | { kind: 'transfer'; id: string; to: string }
    | { kind: 'delete'; id: string }
    | { kind: 'batch'; action: BatchAction; ids: string[] };
  /** An event as the checks compare it: which code source, what, by whom. */
  type Expected = [codeSourceId: string, action: EventAction, userId: string];

  const DEV = TEST_USERS.dev.UserId;
  const DEV2 = TEST_USERS.dev2.UserId;
  const ADMIN = TEST_USERS.admin.UserId;

  /** The events `w` leaves when it completes, given what is known now (a create's id is filled in once known). */
  function eventsOf(w: Write, known: Map<string, Known>, createdId = '?'): Expected[] {
    switch (w.kind) {
      case 'create':
        return [[createdId, 'Create', DEV]];
      case 'update':
        return [[w.id, 'Update', ADMIN]];
      case 'access':
        return [[w.id, w.action, ADMIN]];
      case 'transfer':
        return [[w.id, 'TransferOwner', ADMIN]];
      case 'delete':
        return [[w.id, 'Delete', ADMIN]];
      case 'batch':
        // Publishing a PUBLIC one (unpublishing a PRIVATE one) succeeds without a change, so without an event.
        return w.ids
          .filter((id) => w.action === 'Delete' || known.get(id)?.accessibility !== (w.action === 'Publish' ? 'PUBLIC' : 'PRIVATE'))
          .map((id): Expected => [id, w.action, ADMIN]);
    }
  }

  /** Applies one recorded event of `w` to what the test knows. */
  function apply(w: Write, [id, action]: Expected, known: Map<string, Known>, deleted: Set<string>) {
    const k = known.get(id);
    if (action === 'Create' && w.kind === 'create') known.set(id, { name: w.name, description: '', accessibility: 'PRIVATE', owner: DEV });
    else if (!k) throw new Error(`${action} of ${id}, which the test does not know`);
    else if (action === 'Update' && w.kind === 'update') k.description = w.description;
    else if (action === 'Publish') k.accessibility = 'PUBLIC';
    else if (action === 'Unpublish') k.accessibility = 'PRIVATE';
    else if (action === 'TransferOwner' && w.kind === 'transfer') k.owner = w.to;
    else if (action === 'Delete') {
      known.delete(id);
      deleted.add(id);
    } else throw new Error(`${action} does not fit ${w.kind}`);
  }

  interface EventDbRow {
    code_source_id: string;
    action: EventAction;
    user_id: string;
    user_name: string;
    request_id: string;
    display_name: string;
    changes: string;
  }
  interface CodeSourceDbRow {
    code_source_id: string;
    user_id: string;
    display_name: string;
    description: string;
    code_repo: string;
    code_branch: string;
    code_commit: string;
    code_repo_user_name: string;
    mount_path: string;
    accessibility: string;
    clone_type: number;
    version: number;
    has_token: number;
  }

  /**
   * Replays each code source's events (their Changes) from its Create: for every row the replay gives exactly its
   * fields and owner, one event per version; a code source whose last event is a Delete has no row, and nothing
   * follows a Delete. So no change is stored without its event, and no event without its change.
   */
  function checkHistoryExplainsRows(rows: CodeSourceDbRow[], events: EventDbRow[]) {
    const replayed = new Map<string, { state: Record<string, string | number | null>; token: boolean; count: number; deleted: boolean }>();
    for (const e of events) {
      const changes = JSON.parse(e.changes) as EventChange[];
      let r = replayed.get(e.code_source_id);
      if (!r) {
        expect(e.action, `first event of ${e.code_source_id}`).toBe('Create');
        r = { state: { UserId: e.user_id, UserName: e.user_name }, token: false, count: 0, deleted: false };
        replayed.set(e.code_source_id, r);
      }
      expect(r.deleted, `an event after the Delete of ${e.code_source_id}`).toBe(false);
      r.count++;
      for (const c of changes) {
        if (c.Field === 'CodeRepoAccessToken') r.token = c.After === 'set' || c.After === 'changed';
        else if (e.action === 'Delete') expect(c.Before, `${e.code_source_id}: what its Delete says it was`).toBe(r.state[c.Field] ?? '');
        else if (e.action !== 'Create') expect(c.Before, `${e.code_source_id}: ${e.action} of ${c.Field}`).toBe(r.state[c.Field] ?? '');
        if (c.Field !== 'CodeRepoAccessToken' && e.action !== 'Delete') r.state[c.Field] = c.After;
      }
      if (e.action === 'Delete') r.deleted = true;
    }
    const rowIds = new Set(rows.map((row) => row.code_source_id));
    for (const [id, r] of replayed) expect(rowIds.has(id), `${id}: a row exactly when its history does not end in Delete`).toBe(!r.deleted);
    for (const row of rows) {
      const r = replayed.get(row.code_source_id);
      expect(r, `${row.code_source_id} has no history`).toBeDefined();
      if (!r) continue;
      const s = (field: string) => r.state[field] ?? '';
      expect(
        {
          UserId: s('UserId'),
          DisplayName: s('DisplayName'),
          Description: s('Description'),
          CodeRepo: s('CodeRepo'),
          CodeBranch: s('CodeBranch'),
          CodeCommit: s('CodeCommit'),
          CodeRepoUserName: s('CodeRepoUserName'),
          MountPath: s('MountPath'),
          Accessibility: s('Accessibility'),
          CloneType: r.state.CloneType ?? 0,
          token: r.token,
          events: r.count,
        },
        `${row.code_source_id}: its history replayed`,
      ).toEqual({
        UserId: row.user_id,
        DisplayName: row.display_name,
        Description: row.description,
        CodeRepo: row.code_repo,
        CodeBranch: row.code_branch,
        CodeCommit: row.code_commit,
        CodeRepoUserName: row.code_repo_user_name,
        MountPath: row.mount_path,
        Accessibility: row.accessibility,
        CloneType: row.clone_type,
        token: row.has_token === 1,
        events: row.version,
      });
    }
  }

  it('after each of 20 kills: integrity ok, every acknowledged write there with exactly its event, no event without its change, ClientToken retries never duplicate', async () => {
    let dev = await signInOver(server.url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
    let admin = await signInOver(server.url, TEST_USERS.admin.UserName, TEST_USERS.admin.Password);
    const known = new Map<string, Known>();
    const deleted = new Set<string>();
    /** RequestId → the events that request wrote: every acknowledged write, and what a write cut by a kill committed. */
    const writes = new Map<string, Expected[]>();
    const unexpected: string[] = [];
    let attempted = 0;
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const pickIds = (n: number) => {
      const ids = [...known.keys()];
      const out: string[] = [];
      while (out.length < Math.min(n, ids.length)) {
        const id = ids[Math.floor(random() * ids.length)] ?? '';
        if (!out.includes(id)) out.push(id);
      }
      return out;
    };
    class Unexpected extends Error {}

    /** Checks the file against what the test knows, then takes over what the write cut by the kill committed. */
    async function checkDatabase(round: number, inFlight: { write: Write; expected: Expected[] } | undefined) {
      const db = await openStoredDatabase(server);
      try {
        if (db.engine === 'sqlite') await checkSqliteFile(db);
        // The trigger-kept counts agree with the rows, group by group.
        const [drift] = await db.all<{ n: number }>(
          `SELECT count(*) AS n FROM (SELECT workspace_id, accessibility, user_id, count(*) AS c FROM code_sources GROUP BY 1, 2, 3) g
           LEFT JOIN code_source_counts k USING (workspace_id, accessibility, user_id) WHERE k.n IS DISTINCT FROM g.c`,
        );
        expect(drift?.n).toBe(0);
        const events = (
          await db.all<EventDbRow>(
            'SELECT code_source_id, action, user_id, user_name, request_id, display_name, changes FROM code_source_events ORDER BY seq',
          )
        ).map((e) => ({ ...e, changes: typeof e.changes === 'string' ? e.changes : JSON.stringify(e.changes) }));
        const rows = await db.all<CodeSourceDbRow>(
          `SELECT code_source_id, user_id, display_name, description, code_repo, code_branch, code_commit, code_repo_user_name,
             mount_path, accessibility, clone_type, version, access_token_sealed IS NOT NULL AS has_token FROM code_sources`,
        );
        checkHistoryExplainsRows(rows, events);

        // Every acknowledged write has exactly its events, under its RequestId.
        const byRequest = new Map<string, Expected[]>();
        for (const e of events)
          byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), [e.code_source_id, e.action, e.user_id]]);
        for (const [requestId, expected] of writes)
          expect(byRequest.get(requestId) ?? [], `round ${round}: write ${requestId}`).toEqual(expected);
        // Any other event is the write cut by the kill: one request, a prefix of what it would have written.
        const others = [...byRequest].filter(([requestId]) => !writes.has(requestId));
        expect(others.length, `round ${round}: events of unknown requests`).toBeLessThanOrEqual(inFlight ? 1 : 0);
        const [cutId, cut] = others[0] ?? ['', []];
        if (inFlight && cut.length > 0) {
          const { write, expected } = inFlight;
          if (write.kind === 'create') {
            expect(cut).toHaveLength(1);
            expect(cut[0]?.[1]).toBe('Create');
            expect(events.find((e) => e.request_id === cutId)?.display_name).toBe(write.name);
          } else {
            expect(cut, `round ${round}: what the cut ${write.kind} committed`).toEqual(expected.slice(0, cut.length));
          }
          for (const e of cut) apply(write, e, known, deleted);
          writes.set(cutId, cut);
        }
        // Events never exceed the writes attempted: all of them are accounted for above.
        expect(events).toHaveLength([...writes.values()].reduce((n, w) => n + w.length, 0));
        expect(writes.size).toBeLessThanOrEqual(attempted);

        // The rows are exactly the live code sources the test knows, each as the test knows it.
        expect(rows.map((r) => r.code_source_id).sort()).toEqual([...known.keys()].sort());
        for (const row of rows) {
          const k = known.get(row.code_source_id);
          expect(
            { name: row.display_name, description: row.description, accessibility: row.accessibility, owner: row.user_id },
            `round ${round}: ${row.code_source_id}`,
          ).toEqual(k);
          expect(row.has_token).toBe(1);
        }
      } finally {
        await db.close();
      }
    }

    for (let round = 0; round < 20; round++) {
      let inFlight: { write: Write; expected: Expected[] } | undefined;
      let stopped = false;
      const send = async (write: Write, method: string, url: string, auth: Record<string, string>, body?: unknown) => {
        inFlight = { write, expected: eventsOf(write, known) };
        attempted++;
        const res = await httpRequest(`${server.url}${url}`, { method, headers: auth, body });
        if (res.status !== 200) throw new Unexpected(`${write.kind} answered ${res.status}: ${res.body}`);
        return res;
      };
      const acknowledge = (write: Write, res: HttpResult, expected: Expected[]) => {
        for (const e of expected) apply(write, e, known, deleted);
        writes.set(String(res.headers['x-acs-request-id']), expected);
        inFlight = undefined;
      };
      const writer = (async () => {
        for (let i = 0; !stopped; i++) {
          const dice = random();
          const [id = ''] = pickIds(1);
          const k = known.get(id);
          let write: Write;
          if (!k || dice < 0.35) {
            write = { kind: 'create', token: `ct-${round}-${i}`, name: `crash-${round}-${i}` };
            const res = await send(write, 'POST', C, dev, {
              WorkspaceId: WS,
              DisplayName: write.name,
              CodeRepo: repo,
              ClientToken: write.token,
              CodeRepoAccessToken: `tok-${round}-${i}`,
            });
            acknowledge(write, res, eventsOf(write, known, String(res.json().CodeSourceId)));
            continue;
          }
          if (dice < 0.5) write = { kind: 'update', id, description: `round ${round} write ${i}` };
          else if (dice < 0.6) write = { kind: 'access', id, action: k.accessibility === 'PRIVATE' ? 'Publish' : 'Unpublish' };
          else if (dice < 0.7) write = { kind: 'transfer', id, to: k.owner === DEV ? DEV2 : DEV };
          else if (dice < 0.75) write = { kind: 'delete', id };
          else {
            const action = random() < 0.2 ? 'Delete' : random() < 0.5 ? 'Publish' : 'Unpublish';
            write = { kind: 'batch', action, ids: pickIds(2 + Math.floor(random() * 3)) };
          }
          const expected = eventsOf(write, known);
          let res: HttpResult;
          if (write.kind === 'update') res = await send(write, 'PUT', `${C}/${id}`, admin, { Description: write.description });
          else if (write.kind === 'access') res = await send(write, 'PUT', `${C}/${id}/${write.action.toLowerCase()}`, admin);
          else if (write.kind === 'transfer') res = await send(write, 'PUT', `${C}/${id}/owner`, admin, { UserId: write.to });
          else if (write.kind === 'delete') res = await send(write, 'DELETE', `${C}/${id}`, admin);
          else {
            res = await send(write, 'POST', `${C}/batch`, admin, { WorkspaceId: WS, Action: write.action, CodeSourceIds: write.ids });
            if (res.json().FailedCount !== 0) throw new Unexpected(`batch answered ${res.body}`);
          }
          acknowledge(write, res, expected);
        }
      })().catch((error: unknown) => {
        // The kill breaks the request in flight; that is the point. Any other answer is a failure.
        if (error instanceof Unexpected) unexpected.push(error.message);
      });
      await new Promise((r) => setTimeout(r, 40 + random() * 300));
      await server.kill();
      stopped = true;
      await writer;
      expect(unexpected).toEqual([]);
      server = await server.restart();
      dev = await signInOver(server.url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
      admin = await signInOver(server.url, TEST_USERS.admin.UserName, TEST_USERS.admin.Password);

      const cut = inFlight as { write: Write; expected: Expected[] } | undefined;
      await checkDatabase(round, cut);

      // Through the API too: every live one whole, every deleted one gone.
      for (const [id, k] of known) {
        const got = await httpRequest(`${server.url}${C}/${id}`, { headers: admin });
        expect(got.status, `acknowledged ${id} missing after round ${round}`).toBe(200);
        const item = got.json();
        expect(item).toMatchObject({ DisplayName: k.name, Description: k.description, Accessibility: k.accessibility, UserId: k.owner });
        expect(item.HasCodeRepoAccessToken).toBe(true);
        // Every stored row is whole: it parses under the same contract a create does.
        const reparsed = createCodeSourceSchema.safeParse({
          WorkspaceId: item.WorkspaceId,
          DisplayName: item.DisplayName,
          CodeRepo: item.CodeRepo,
          CodeBranch: item.CodeBranch,
          MountPath: item.MountPath,
          Description: item.Description,
        });
        expect(reparsed.success).toBe(true);
      }
      if (cut?.write.kind === 'create') {
        const w = cut.write;
        const before = [...known].find(([, k]) => k.name === w.name)?.[0];
        // The response was lost: retrying with the same ClientToken and body gives one code source, never two.
        const retry = await httpRequest(`${server.url}${C}`, {
          method: 'POST',
          headers: dev,
          body: {
            WorkspaceId: WS,
            DisplayName: w.name,
            CodeRepo: repo,
            ClientToken: w.token,
            CodeRepoAccessToken: `tok-${w.token.slice(3)}`,
          },
        });
        expect(retry.status, retry.body).toBe(200);
        attempted++;
        const id = String(retry.json().CodeSourceId);
        if (before !== undefined) expect(id).toBe(before);
        // Only a retry that really creates records a Create; a replay records nothing (checked next round).
        const expected = before === undefined ? eventsOf(w, known, id) : [];
        for (const e of expected) apply(w, e, known, deleted);
        writes.set(String(retry.headers['x-acs-request-id']), expected);
        const found = await httpRequest(`${server.url}${C}?WorkspaceId=${WS}&DisplayName=${encodeURIComponent(w.name)}`, { headers: dev });
        expect((found.json().CodeSources as { DisplayName: string }[]).filter((c) => c.DisplayName === w.name)).toHaveLength(1);
      }
    }
    await checkDatabase(20, undefined);
    // Enough happened for the rounds to mean something.
    const actions = new Set([...writes.values()].flat().map(([, action]) => action));
    expect([...actions].sort()).toEqual(['Create', 'Delete', 'Publish', 'TransferOwner', 'Unpublish', 'Update']);
    expect(known.size).toBeGreaterThan(20);
    expect(deleted.size).toBeGreaterThan(0);
  }, 300_000);
});

describe('load: 64 concurrent clients for 20 s', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.cleanup());

  it('mixing list, get, create, update and delete: zero 5xx and zero dropped connections', async () => {
    const users = [TEST_USERS.admin, TEST_USERS.dev, TEST_USERS.dev2, TEST_USERS.owner];
    const sessions = await Promise.all(users.map((u) => signInOver(server.url, u.UserName, u.Password)));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const deadline = Date.now() + 20_000;
    const statuses = new Map<number, number>();
    let dropped = 0;
    let requests = 0;
    const record = (r: HttpResult) => statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const client = async (n: number) => {
      const auth = sessions[n % sessions.length] ?? {};
      const mine: string[] = [];
      let i = 0;
      while (Date.now() < deadline) {
        i++;
        const op = i % 10;
        try {
          let r: HttpResult;
          if (op < 4)
            r = await httpRequest(
              `${server.url}${C}?WorkspaceId=${WS}&PageSize=20&SortBy=GmtModifyTime&Order=DESC${op === 3 ? '&DisplayName=load' : ''}`,
              { headers: auth, agent },
            );
          else if (op < 6 && mine.length > 0) r = await httpRequest(`${server.url}${C}/${mine[i % mine.length]}`, { headers: auth, agent });
          else if (op < 8 || mine.length === 0) {
            r = await httpRequest(`${server.url}${C}`, {
              method: 'POST',
              headers: auth,
              agent,
              body: { WorkspaceId: WS, DisplayName: `load-${n}-${i}`, CodeRepo: repo },
            });
            if (r.status === 200) mine.push(String(r.json().CodeSourceId));
          } else if (op === 8)
            r = await httpRequest(`${server.url}${C}/${mine[0]}`, { method: 'PUT', headers: auth, agent, body: { Description: `u${i}` } });
          else {
            r = await httpRequest(`${server.url}${C}/${mine.pop()}`, { method: 'DELETE', headers: auth, agent });
          }
          record(r);
          requests++;
        } catch {
          dropped++;
        }
      }
    };
    await Promise.all(Array.from({ length: 64 }, (_, n) => client(n)));
    agent.destroy();
    const fiveXx = [...statuses].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0);
    expect(dropped).toBe(0);
    expect(fiveXx).toBe(0);
    expect(requests).toBeGreaterThan(500);
    // Only expected answers: 200s (and 404s for deletes racing nothing — there are none: each client owns its ids).
    expect([...statuses.keys()].sort()).toEqual([200]);
  }, 60_000);
});

/** SQLite only: the file's own integrity check, and the trigger-kept search suffixes are exactly those of the rows. */
async function checkSqliteFile(db: StoredDatabase): Promise<void> {
  const [integrity] = await db.all<{ integrity_check: string }>('PRAGMA integrity_check');
  expect(integrity?.integrity_check).toBe('ok');
  const expectedKeys = `SELECT DISTINCT cs.workspace_id, substr(cs.name_fold, p.i, 24), cs.id, cs.accessibility, cs.user_id
    FROM code_sources cs JOIN suffix_positions p ON p.i <= length(cs.name_fold)`;
  const storedKeys = 'SELECT workspace_id, suffix, id, accessibility, user_id FROM code_source_suffixes';
  const [suffixDrift] = await db.all<{ n: number }>(
    `SELECT (SELECT count(*) FROM (${expectedKeys} EXCEPT ${storedKeys})) + (SELECT count(*) FROM (${storedKeys} EXCEPT ${expectedKeys})) AS n`,
  );
  expect(suffixDrift?.n).toBe(0);
}
