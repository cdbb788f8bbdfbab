import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPaths } from '@/shared/api-paths';
import { startGitFixture, type GitFixture } from '@/testing/git-fixture';
import { httpRequest, signInOver, type HttpResult } from '@/testing/http-client';
import { startServer, type ServerProcess } from '@/testing/server-process';
import { signRequest } from '@/testing/sign';
import { TEST_ENGINE } from '@/testing/test-engine';
import { TEST_USERS, WS } from '@/testing/test-seed';

/**
 * Issue 11: the server as stateless replicas on one shared database (SQLite for processes on one machine, PostgreSQL
 * on the `node-postgres` project). Three real server processes, requests spread across them over HTTP: everything a
 * replica remembers between requests must be in the database, so every other replica sees it at once.
 */

const C = apiPaths.codeSources;
const SESSION = '/api/v1/session';
const ME = '/api/v1/me';
const repo = 'https://github.com/example/repo.git';

/** Starts one server and two siblings on its database. */
async function startReplicas(env?: Record<string, string>): Promise<ServerProcess[]> {
  const first = await startServer({ env });
  try {
    const others = await Promise.all([first.sibling(), first.sibling()]);
    return [first, ...others];
  } catch (error) {
    await first.cleanup();
    throw error;
  }
}

/** Stops the siblings, then the first (which removes the temp folder). */
async function stopReplicas(replicas: ServerProcess[]): Promise<void> {
  const [first, ...others] = replicas;
  await Promise.all(others.map((r) => r.stop()));
  await first?.cleanup();
}

/** The replica for the i-th request of a round-robin. */
const at = (replicas: ServerProcess[], i: number) => replicas[i % replicas.length] as ServerProcess;

const count = (results: HttpResult[], status: number) => results.filter((r) => r.status === status).length;

describe('three replicas on one database', () => {
  let fixture: GitFixture;
  let replicas: ServerProcess[];
  let dev: Record<string, string>;

  beforeAll(async () => {
    fixture = await startGitFixture({ manyTags: false });
    replicas = await startReplicas({
      GIT_CA_FILE: fixture.caFile,
      GIT_ALLOWED_NETWORKS: '127.0.0.0/8',
      GIT_CHECK_TIMEOUT_MS: '2000',
    });
    dev = await signInOver(at(replicas, 0).url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
  }, 120_000);
  afterAll(async () => {
    if (replicas) await stopReplicas(replicas);
    await fixture?.stop();
  });

  it('each replica is healthy and names the shared engine', async () => {
    for (const replica of replicas) {
      const res = await httpRequest(`${replica.url}${apiPaths.health}`);
      expect(res.status, replica.url).toBe(200);
      expect(res.json()).toMatchObject({ Status: 'ok', Database: TEST_ENGINE });
    }
  });

  it('a session made on one replica is valid on the others; signing out on one ends it on all', async () => {
    const [a, b, c] = replicas as [ServerProcess, ServerProcess, ServerProcess];
    const session = await signInOver(a.url, TEST_USERS.owner.UserName, TEST_USERS.owner.Password);
    for (const replica of replicas) {
      const me = await httpRequest(`${replica.url}${ME}`, { headers: session });
      expect(me.status, replica.url).toBe(200);
      expect(me.json().UserName).toBe(TEST_USERS.owner.UserName);
    }
    // A write on another replica: its CSRF token, derived from the session on A, holds there too.
    const created = await httpRequest(`${b.url}${C}`, {
      method: 'POST',
      headers: session,
      body: { WorkspaceId: WS, DisplayName: 'session-on-b', CodeRepo: repo },
    });
    expect(created.status, created.body).toBe(200);
    // Another session of the same user, made on C, outlives the end of the first.
    const other = await signInOver(c.url, TEST_USERS.owner.UserName, TEST_USERS.owner.Password);

    const out = await httpRequest(`${c.url}${SESSION}`, { method: 'DELETE', headers: session });
    expect(out.status).toBe(200);
    for (const replica of replicas) {
      expect((await httpRequest(`${replica.url}${ME}`, { headers: session })).status, replica.url).toBe(401);
      expect((await httpRequest(`${replica.url}${ME}`, { headers: other })).status, replica.url).toBe(200);
      const write = await httpRequest(`${replica.url}${C}`, {
        method: 'POST',
        headers: session,
        body: { WorkspaceId: WS, DisplayName: 'after-sign-out', CodeRepo: repo },
      });
      expect(write.status, replica.url).toBe(401);
    }
  });

  it('a signature nonce spent on one replica is refused on the others; sent to all at once, exactly one is served', async () => {
    const [a, b, c] = replicas as [ServerProcess, ServerProcess, ServerProcess];
    const sign = () =>
      signRequest({
        method: 'GET',
        pathname: C,
        query: { WorkspaceId: WS },
        action: 'ListCodeSources',
        accessKeyId: TEST_USERS.dev.AccessKeyId,
        accessKeySecret: TEST_USERS.dev.AccessKeySecret,
        host: `127.0.0.1:${a.port}`,
      });
    const signed = sign();
    const first = await httpRequest(`${a.url}${signed.url}`, { headers: signed.headers });
    expect(first.status, first.body).toBe(200);
    // The same bytes (A's Host header included, as signed) to B and to C.
    for (const replica of [b, c]) {
      const replay = await httpRequest(`${replica.url}${signed.url}`, { headers: signed.headers });
      expect(replay.status, replica.url).toBe(400);
      expect(replay.json().Code).toBe('SignatureNonceUsed');
    }

    const fresh = sign();
    const raced = await Promise.all(
      Array.from({ length: 12 }, (_, i) => httpRequest(`${at(replicas, i).url}${fresh.url}`, { headers: fresh.headers })),
    );
    expect(count(raced, 200)).toBe(1);
    const refused = raced.filter((r) => r.status !== 200);
    expect(refused.map((r) => [r.status, r.json().Code])).toEqual(Array.from({ length: 11 }, () => [400, 'SignatureNonceUsed']));
  });

  it('concurrent PUTs with the same If-Match on different replicas: exactly one 200, the rest 412, the ETag is then "v2"', async () => {
    const created = await httpRequest(`${at(replicas, 0).url}${C}`, {
      method: 'POST',
      headers: dev,
      body: { WorkspaceId: WS, DisplayName: 'if-match-race', CodeRepo: repo },
    });
    expect(created.status).toBe(200);
    const id = String(created.json().CodeSourceId);
    const etag = String((await httpRequest(`${at(replicas, 1).url}${C}/${id}`, { headers: dev })).headers.etag);
    expect(etag).toBe('"v1"');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        httpRequest(`${at(replicas, i).url}${C}/${id}`, {
          method: 'PUT',
          headers: { ...dev, 'if-match': etag },
          body: { Description: `writer ${i}` },
        }),
      ),
    );
    expect(count(results, 200)).toBe(1);
    expect(count(results, 412)).toBe(29);
    const winner = results.findIndex((r) => r.status === 200);
    expect(results[winner]?.headers.etag).toBe('"v2"');
    for (const replica of replicas) {
      const final = await httpRequest(`${replica.url}${C}/${id}`, { headers: dev });
      expect(final.headers.etag, replica.url).toBe('"v2"');
      expect(final.json().Description).toBe(`writer ${winner}`);
    }
  });

  it('the same ClientToken sent to every replica at once creates one code source; every answer names it', async () => {
    const body = { WorkspaceId: WS, DisplayName: 'client-token-race', CodeRepo: repo, ClientToken: 'replica-race-0001' };
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => httpRequest(`${at(replicas, i).url}${C}`, { method: 'POST', headers: dev, body })),
    );
    expect(
      results.map((r) => r.status),
      results.map((r) => r.body).join('\n'),
    ).toEqual(Array.from({ length: 15 }, () => 200));
    const ids = new Set(results.map((r) => String(r.json().CodeSourceId)));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const admin = await signInOver(at(replicas, 2).url, TEST_USERS.admin.UserName, TEST_USERS.admin.Password);
    for (const replica of replicas) {
      const list = await httpRequest(`${replica.url}${C}?WorkspaceId=${WS}&DisplayName=client-token-race`, { headers: dev });
      expect(list.json().TotalCount, replica.url).toBe(1);
      expect((list.json().CodeSources as { CodeSourceId: string }[])[0]?.CodeSourceId).toBe(id);
    }
    // One Create in the history: the replays created nothing.
    const events = await httpRequest(`${at(replicas, 1).url}/api/v1/workspaces/${WS}/events?CodeSourceId=${id}`, { headers: admin });
    expect(events.status).toBe(200);
    expect((events.json().Events as { Action: string }[]).map((e) => e.Action)).toEqual(['Create']);
  });

  it('sign-in failures spread over the replicas add up: exactly 5 of a concurrent burst are let through; the waits that follow hold everywhere', async () => {
    // gus signs in nowhere else in this suite. All attempts come from 127.0.0.1 (no TRUST_PROXY: the socket address).
    const guest = TEST_USERS.guest;
    const attempt = (i: number, password: string) =>
      httpRequest(`${at(replicas, i).url}${SESSION}`, { method: 'POST', body: { UserName: guest.UserName, Password: password } });
    const retryAfter = (r: HttpResult) => Number(r.headers['retry-after']);
    // Concurrent guesses on all three: the count is checked and raised in one transaction, so none slips past it.
    const guesses = await Promise.all(Array.from({ length: 9 }, (_, i) => attempt(i, `wrong-${i}`)));
    expect(count(guesses, 401)).toBe(5);
    expect(count(guesses, 429)).toBe(4);
    for (const refused of guesses.filter((r) => r.status === 429)) {
      expect(refused.json().Code).toBe('Throttling.SignIn');
      // The first wait is 2 s; an attempt that waited for the others' transactions reads its clock before them and
      // may say a second or so more.
      expect(retryAfter(refused)).toBeGreaterThanOrEqual(1);
      expect(retryAfter(refused)).toBeLessThanOrEqual(4);
    }
    // Once the wait is over (as any replica says), one more guess is let through: the sixth failure of the pair...
    let sixth = await attempt(0, 'wrong-6');
    for (let i = 1; sixth.status === 429 && i < 10; i++) {
      await new Promise((r) => setTimeout(r, retryAfter(sixth) * 1000));
      sixth = await attempt(i, 'wrong-6');
    }
    expect(sixth.status).toBe(401);
    // ... so the next wait is 4 s, on every replica, even with the right password (answered before any hash is checked).
    const right = await Promise.all(replicas.map((_, i) => attempt(i, guest.Password)));
    for (const [i, res] of right.entries()) {
      expect(res.status, at(replicas, i).url).toBe(429);
      expect(retryAfter(res)).toBeGreaterThanOrEqual(2);
      expect(retryAfter(res)).toBeLessThanOrEqual(5);
    }
    // Another user at the same address is not held up by this pair's failures.
    expect((await signInOver(at(replicas, 1).url, TEST_USERS.dev2.UserName, TEST_USERS.dev2.Password)).cookie).toMatch(/^cc_session=/);
  });

  it('Git-check limits count across replicas: 10 remote checks a minute per user, at most 2 at once', async () => {
    const check = (i: number, headers: Record<string, string>, CodeRepo: string) =>
      httpRequest(`${at(replicas, i).url}${apiPaths.gitCheck}`, { method: 'POST', headers, body: { WorkspaceId: WS, CodeRepo } });
    // A missing repository is a failure, never cached: each check is one conversation with the remote.
    const missing = () => fixture.requests.filter((r) => r.path.startsWith('/missing.git')).length;
    const before = missing();
    for (let i = 0; i < 10; i++) {
      const res = await check(i, dev, fixture.urls.missing);
      expect(res.status, res.body).toBe(200);
      expect(res.json().Result).toBe('NotFound');
    }
    expect(missing() - before).toBeGreaterThanOrEqual(10);
    const asked = missing();
    for (let i = 0; i < replicas.length; i++) {
      const limited = await check(i, dev, fixture.urls.missing);
      expect(limited.status, at(replicas, i).url).toBe(429);
      expect(limited.json().Code).toBe('Throttling.GitCheck');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(missing()).toBe(asked);

    // At once: two checks that hang on two replicas; a third on the third replica is refused while they run.
    const dev2 = await signInOver(at(replicas, 2).url, TEST_USERS.dev2.UserName, TEST_USERS.dev2.Password);
    const slow = [check(0, dev2, fixture.urls.hang), check(1, dev2, `${fixture.urls.hang}/other`)];
    await expect.poll(() => fixture.openHangs(), { timeout: 5000 }).toBe(2);
    const third = await check(2, dev2, fixture.urls.missing);
    expect(third.status).toBe(429);
    expect(third.json().Code).toBe('Throttling.GitCheck');
    expect(third.json().Message).toMatch(/at once/);
    for (const res of await Promise.all(slow)) expect(res.json().Result).toBe('Timeout');
    // Both finished: the slots are free again (the limit counts what runs, not what ran).
    expect((await check(2, dev2, fixture.urls.missing)).json().Result).toBe('NotFound');
  });
});

interface Sent {
  replica: number;
  name: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  id?: string;
  error?: string;
}

describe('one of three replicas is SIGKILLed under load', () => {
  let replicas: ServerProcess[];
  beforeAll(async () => {
    replicas = await startReplicas();
  }, 120_000);
  afterAll(async () => {
    if (replicas) await stopReplicas(replicas);
  });

  it('no acknowledged create is lost, the survivors answer every request, the dead one only fails to connect', async () => {
    const dev = await signInOver(at(replicas, 0).url, TEST_USERS.dev.UserName, TEST_USERS.dev.Password);
    const VICTIM = 2;
    // No keep-alive: each request its own connection, so a refused connection means the process is gone.
    const agent = new http.Agent({ keepAlive: false });
    const sent: Sent[] = [];
    let acknowledged = 0;
    let killedAt = Number.POSITIVE_INFINITY;
    let giveUp = false;
    /** Answers from the survivors to requests sent after the kill; the load runs until there are enough of them. */
    const answeredAfterKill = () => sent.filter((s) => s.replica !== VICTIM && s.startedAt > killedAt && s.endedAt > 0).length;
    const done = () => giveUp || (killedAt < Date.now() && (answeredAfterKill() >= 60 || Date.now() > killedAt + 20_000));

    const creator = async (w: number) => {
      for (let i = 0; !done(); i++) {
        const replica = (w + i) % replicas.length;
        const record: Sent = { replica, name: `kill-${w}-${i}`, startedAt: Date.now(), endedAt: 0 };
        sent.push(record);
        try {
          const res = await httpRequest(`${at(replicas, replica).url}${C}`, {
            method: 'POST',
            headers: dev,
            agent,
            body: { WorkspaceId: WS, DisplayName: record.name, CodeRepo: repo },
          });
          record.status = res.status;
          if (res.status === 200) {
            record.id = String(res.json().CodeSourceId);
            acknowledged++;
          }
        } catch (error) {
          record.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        }
        record.endedAt = Date.now();
      }
    };
    const killer = async () => {
      try {
        await expect.poll(() => acknowledged, { timeout: 20_000, interval: 10 }).toBeGreaterThanOrEqual(60);
        await at(replicas, VICTIM).kill();
        killedAt = Date.now();
      } catch (error) {
        giveUp = true;
        throw error;
      }
    };
    await Promise.all([...Array.from({ length: 12 }, (_, w) => creator(w)), killer()]);
    agent.destroy();

    const survivors = replicas.filter((_, i) => i !== VICTIM);
    const toSurvivors = sent.filter((s) => s.replica !== VICTIM);
    const toVictim = sent.filter((s) => s.replica === VICTIM);
    // The survivors answered everything, before and after the kill, and enough after it for that to mean something.
    expect(
      toSurvivors.filter((s) => s.status !== 200),
      'requests to survivors that were not 200',
    ).toEqual([]);
    expect(answeredAfterKill()).toBeGreaterThanOrEqual(60);
    for (const survivor of survivors) expect((await httpRequest(`${survivor.url}${apiPaths.health}`)).status).toBe(200);
    // The dead one: served until it died; after that only connection errors, never an HTTP error.
    for (const s of toVictim) {
      if (s.status !== undefined) {
        expect(s.status, s.name).toBe(200);
        expect(s.startedAt, s.name).toBeLessThan(killedAt);
      } else expect(['ECONNREFUSED', 'ECONNRESET', 'socket hang up'], s.name).toContain(s.error);
    }
    const afterKill = toVictim.filter((s) => s.startedAt > killedAt);
    expect(afterKill.length).toBeGreaterThan(0);
    for (const s of afterKill) expect(s.error, s.name).toBe('ECONNREFUSED');

    // Every acknowledged create is there, read through each survivor; nothing is there that was not sent.
    const sentNames = new Set(sent.map((s) => s.name));
    for (const survivor of survivors) {
      const listed = new Map<string, string>();
      for (let page = 1; ; page++) {
        const res = await httpRequest(`${survivor.url}${C}?WorkspaceId=${WS}&DisplayName=kill-&PageSize=100&PageNumber=${page}`, {
          headers: dev,
        });
        expect(res.status).toBe(200);
        const items = res.json().CodeSources as { CodeSourceId: string; DisplayName: string }[];
        for (const item of items) listed.set(item.CodeSourceId, item.DisplayName);
        if (items.length === 0 || listed.size >= Number(res.json().TotalCount)) break;
      }
      const lost = sent.filter((s) => s.id !== undefined && listed.get(s.id) !== s.name);
      expect(lost, `acknowledged creates missing on ${survivor.url}`).toEqual([]);
      for (const name of listed.values()) expect(sentNames.has(name), name).toBe(true);
      expect(listed.size).toBeGreaterThanOrEqual(acknowledged);
    }
  }, 60_000);
});
