import { randomUUID } from 'node:crypto';
import type { AccessKeyStatus } from '@/shared/access-key.schema';
import type { Role } from '@/shared/roles';
import type { Keyring } from './crypto';
import { writeTransaction, type Db } from './db';

export interface UserRecord {
  userId: string;
  userName: string;
  passwordHash: string | null;
}

/** One AccessKey as its owner sees it: never the secret. Times in ms since the epoch. */
export interface AccessKeyRecord {
  accessKeyId: string;
  status: AccessKeyStatus;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What a signed request needs of its AccessKey: the owner, the opened secret, the status and the last recorded use. */
export interface AccessKeyForSignature {
  userId: string;
  secret: string;
  status: AccessKeyStatus;
  lastUsedAt: number | null;
}

/** The last use of a key is written at most this often: a signed read stays a read. */
export const ACCESS_KEY_USE_INTERVAL_MS = 60_000;

export interface Membership {
  workspaceId: string;
  workspaceName: string;
  roles: Role[];
}

/** Expired nonces are deleted at most this often per process: a purge per request would be a second write. */
const NONCE_PURGE_INTERVAL_MS = 1000;

const secretBinding = (accessKeyId: string) => `access_keys.secret:${accessKeyId}`;
/** Upstream mode: who a session is at PAI, with the AccessKey its calls are signed with. */
export interface UpstreamSession {
  accessKeyId: string;
  accessKeySecret: string;
  /** PAI's id of the person, when the endpoint tells (this service does, in GetCurrentUser); else unknown. */
  upstreamUserId: string | undefined;
  displayName: string;
}
export interface UpstreamSessionRow {
  access_key_id: string;
  secret_sealed: Buffer;
  upstream_user_id: string | null;
  display_name: string;
}
export function upstreamSessionOf(r: UpstreamSessionRow, keyring: Keyring, sessionMac: string): UpstreamSession {
  return {
    accessKeyId: r.access_key_id,
    accessKeySecret: keyring.open(r.secret_sealed, upstreamSecretBinding(sessionMac, r.access_key_id)),
    upstreamUserId: r.upstream_user_id ?? undefined,
    displayName: r.display_name,
  };
}
/** Upstream mode: a session's PAI secret is sealed to that session (and its key id), so it opens for no other row. */
export const upstreamSecretBinding = (sessionMac: string, accessKeyId: string) =>
  `upstream_credentials.secret:${sessionMac}:${accessKeyId}`;
/** Opened AccessKey secrets kept per process, keyed by key id and checked against the sealed bytes on every use. */
const MAX_OPENED_SECRETS = 10_000;

/** Users, workspaces, memberships, AccessKeys, sessions and signature nonces. No HTTP here either. */
export function createIdentityRepository(db: Db, keyring: Keyring) {
  const userByName = db.prepare<[string], { user_id: string; user_name: string; password_hash: string | null }>(
    'SELECT user_id, user_name, password_hash FROM users WHERE user_name = ?',
  );
  const userById = db.prepare<[string], { user_id: string; user_name: string; password_hash: string | null }>(
    'SELECT user_id, user_name, password_hash FROM users WHERE user_id = ?',
  );
  const membership = db.prepare<[string, string], { roles: string; workspace_name: string }>(
    'SELECT m.roles, w.workspace_name FROM members m JOIN workspaces w USING (workspace_id) WHERE m.workspace_id = ? AND m.user_id = ?',
  );
  const memberships = db.prepare<[string], { workspace_id: string; workspace_name: string; roles: string }>(
    'SELECT w.workspace_id, w.workspace_name, m.roles FROM members m JOIN workspaces w USING (workspace_id) WHERE m.user_id = ? ORDER BY w.workspace_name, w.workspace_id',
  );
  const membersOf = db.prepare<[string], { user_id: string; user_name: string; roles: string }>(
    'SELECT m.user_id, u.user_name, m.roles FROM members m JOIN users u USING (user_id) WHERE m.workspace_id = ? ORDER BY u.user_name, m.user_id',
  );
  const accessKey = db.prepare<[string], { user_id: string; secret_sealed: Buffer; status: AccessKeyStatus; last_used_at: number | null }>(
    'SELECT user_id, secret_sealed, status, last_used_at FROM access_keys WHERE access_key_id = ?',
  );
  const touchAccessKey = db.prepare<[number, string, number]>(
    'UPDATE access_keys SET last_used_at = ? WHERE access_key_id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  );
  const accessKeysOf = db.prepare<
    [string],
    { access_key_id: string; status: AccessKeyStatus; created_at: number; last_used_at: number | null }
  >('SELECT access_key_id, status, created_at, last_used_at FROM access_keys WHERE user_id = ? ORDER BY created_at, access_key_id');
  const countAccessKeys = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM access_keys WHERE user_id = ?');
  const insertAccessKey = db.prepare<[string, string, Buffer, number]>(
    'INSERT INTO access_keys (access_key_id, user_id, secret_sealed, created_at) VALUES (?, ?, ?, ?)',
  );
  const setAccessKeyStatus = db.prepare<[AccessKeyStatus, string, string]>(
    'UPDATE access_keys SET status = ? WHERE access_key_id = ? AND user_id = ?',
  );
  const deleteAccessKey = db.prepare<[string, string]>('DELETE FROM access_keys WHERE access_key_id = ? AND user_id = ?');
  // A nonce seen before the last parameter (outside the window) counts as unseen: the row is taken over rather than refused, so
  // the answer does not depend on when the last purge ran.
  const rememberNonce = db.nonces.prepare<[string, string, number, number]>(
    `INSERT INTO signature_nonces (access_key_id, nonce, seen_at) VALUES (?, ?, ?)
     ON CONFLICT (access_key_id, nonce) DO UPDATE SET seen_at = excluded.seen_at WHERE seen_at < ?`,
  );
  const purgeNonces = db.nonces.prepare<[number]>('DELETE FROM signature_nonces WHERE seen_at < ?');
  let lastNoncePurgeAt = -Infinity;
  const openedSecrets = new Map<string, { sealed: Buffer; secret: string }>();
  const insertSession = db.prepare('INSERT INTO sessions (session_mac, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)');
  const sessionByMac = db.prepare<[string], { user_id: string; last_seen_at: number }>(
    'SELECT user_id, last_seen_at FROM sessions WHERE session_mac = ?',
  );
  const touchSession = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE session_mac = ?');
  const deleteSession = db.prepare('DELETE FROM sessions WHERE session_mac = ?');
  const purgeSessions = db.prepare('DELETE FROM sessions WHERE last_seen_at < ?');
  const failuresOf = db.prepare<[string], { throttle_key: string; failures: number; last_failure_at: number }>(
    'SELECT throttle_key, failures, last_failure_at FROM sign_in_failures WHERE throttle_key = ?',
  );
  const addFailure = db.prepare(`INSERT INTO sign_in_failures (throttle_key, failures, last_failure_at) VALUES (?, 1, ?)
    ON CONFLICT (throttle_key) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at`);
  const deleteFailures = db.prepare('DELETE FROM sign_in_failures WHERE throttle_key = ?');
  const takeBackFailure = db.prepare('UPDATE sign_in_failures SET failures = max(0, failures - 1) WHERE throttle_key = ?');
  const purgeFailures = db.prepare('DELETE FROM sign_in_failures WHERE last_failure_at < ?');

  const purgeGitChecks = db.prepare<[number]>('DELETE FROM git_checks WHERE started_at < ?');
  const gitChecksRunning = db.prepare<[string, number], { n: number }>(
    'SELECT count(*) AS n FROM git_checks WHERE user_id = ? AND started_at >= ? AND finished_at IS NULL',
  );
  const gitChecksSince = db.prepare<[string, number, number], { started_at: number }>(
    'SELECT started_at FROM git_checks WHERE user_id = ? AND started_at > ? ORDER BY started_at LIMIT ?',
  );
  const insertGitCheck = db.prepare<[string, string, number]>('INSERT INTO git_checks (check_id, user_id, started_at) VALUES (?, ?, ?)');
  const finishGitCheck = db.prepare<[number, string]>('UPDATE git_checks SET finished_at = ? WHERE check_id = ?');

  const toUser = (r: { user_id: string; user_name: string; password_hash: string | null }): UserRecord => ({
    userId: r.user_id,
    userName: r.user_name,
    passwordHash: r.password_hash,
  });

  return {
    findUserByName(userName: string): UserRecord | undefined {
      const r = userByName.get(userName);
      return r && toUser(r);
    },
    findUserById(userId: string): UserRecord | undefined {
      const r = userById.get(userId);
      return r && toUser(r);
    },
    membership(workspaceId: string, userId: string): Membership | undefined {
      const r = membership.get(workspaceId, userId);
      return r && { workspaceId, workspaceName: r.workspace_name, roles: JSON.parse(r.roles) as Role[] };
    },
    /** Everyone in a workspace with their roles, by user name. */
    members(workspaceId: string): { userId: string; userName: string; roles: Role[] }[] {
      return membersOf.all(workspaceId).map((r) => ({ userId: r.user_id, userName: r.user_name, roles: JSON.parse(r.roles) as Role[] }));
    },
    memberships(userId: string): Membership[] {
      return memberships
        .all(userId)
        .map((r) => ({ workspaceId: r.workspace_id, workspaceName: r.workspace_name, roles: JSON.parse(r.roles) as Role[] }));
    },
    /**
     * The AccessKey's owner, its secret (opened for signature verification only), its status and last recorded use.
     * The row is read every time, so a deleted, disabled or replaced key counts at once in every process; only
     * opening the sealed secret (an AES-GCM decryption, ~1.5 % of a signed Get under load) is remembered, for
     * exactly these sealed bytes.
     */
    accessKey(accessKeyId: string): AccessKeyForSignature | undefined {
      const r = accessKey.get(accessKeyId);
      if (!r) return undefined;
      const found = { userId: r.user_id, status: r.status, lastUsedAt: r.last_used_at };
      const known = openedSecrets.get(accessKeyId);
      if (known && known.sealed.equals(r.secret_sealed)) return { ...found, secret: known.secret };
      const secret = keyring.open(r.secret_sealed, secretBinding(accessKeyId));
      if (openedSecrets.size >= MAX_OPENED_SECRETS) openedSecrets.clear();
      openedSecrets.set(accessKeyId, { sealed: Buffer.from(r.secret_sealed), secret });
      return { ...found, secret };
    },
    /** Records a use of the key unless one was recorded within `ACCESS_KEY_USE_INTERVAL_MS` (one conditional UPDATE). */
    touchAccessKey(accessKeyId: string, nowMs: number): void {
      touchAccessKey.run(nowMs, accessKeyId, nowMs - ACCESS_KEY_USE_INTERVAL_MS);
    },
    /** The user's AccessKeys, oldest first, without secrets. */
    accessKeys(userId: string): AccessKeyRecord[] {
      return accessKeysOf.all(userId).map((r) => ({
        accessKeyId: r.access_key_id,
        status: r.status,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
      }));
    },
    /**
     * Adds an AccessKey for `userId` (secret sealed) unless they already hold `max`: one write transaction, so
     * parallel requests in any process cannot both take the last place.
     */
    createAccessKey(userId: string, accessKeyId: string, secret: string, nowMs: number, max: number): 'created' | 'limit' {
      return writeTransaction(db, () => {
        if ((countAccessKeys.get(userId)?.n ?? 0) >= max) return 'limit' as const;
        insertAccessKey.run(accessKeyId, userId, keyring.seal(secret, secretBinding(accessKeyId)), nowMs);
        return 'created' as const;
      });
    },
    /** Enables or disables one of `userId`'s keys; false when they have no such key. */
    setAccessKeyStatus(userId: string, accessKeyId: string, status: AccessKeyStatus): boolean {
      return setAccessKeyStatus.run(status, accessKeyId, userId).changes === 1;
    },
    /** Deletes one of `userId`'s keys; false when they have no such key. */
    deleteAccessKey(userId: string, accessKeyId: string): boolean {
      return deleteAccessKey.run(accessKeyId, userId).changes === 1;
    },
    /**
     * Records a nonce; false when it was seen within the window (a replay). One statement on the nonce file, so it
     * is exact across processes; no fsync (see `openNonceDatabase`). Expired nonces are purged at most once a second.
     */
    rememberNonce(accessKeyId: string, nonce: string, nowMs: number, windowMs: number): boolean {
      if (nowMs - lastNoncePurgeAt >= NONCE_PURGE_INTERVAL_MS || nowMs < lastNoncePurgeAt) {
        lastNoncePurgeAt = nowMs;
        purgeNonces.run(nowMs - windowMs);
      }
      return rememberNonce.run(accessKeyId, nonce, nowMs, nowMs - windowMs).changes === 1;
    },
    /** How many nonces the nonce file holds (tests: purging). */
    nonceCount(): number {
      return (db.nonces.prepare('SELECT count(*) AS n FROM signature_nonces').get() as { n: number }).n;
    },
    createSession(sessionMac: string, userId: string, nowMs: number): void {
      insertSession.run(sessionMac, userId, nowMs, nowMs);
    },
    /** The session's user if it was used within `idleMs`; slides the idle window forward. */
    useSession(sessionMac: string, nowMs: number, idleMs: number): string | undefined {
      const r = sessionByMac.get(sessionMac);
      if (!r) return undefined;
      if (r.last_seen_at < nowMs - idleMs) {
        deleteSession.run(sessionMac);
        return undefined;
      }
      // Write at most once a minute per session: reads stay reads.
      if (nowMs - r.last_seen_at > 60_000) touchSession.run(nowMs, sessionMac);
      return r.user_id;
    },
    endSession(sessionMac: string): void {
      deleteSession.run(sessionMac);
    },
    purgeSessions(olderThanMs: number): void {
      purgeSessions.run(olderThanMs);
    },
    /** Failed sign-ins counted under each throttle key (keys without failures are absent). */
    signInFailures(keys: string[]): { key: string; failures: number; lastFailureAt: number }[] {
      return keys.flatMap((key) => {
        const r = failuresOf.get(key);
        return r ? [{ key: r.throttle_key, failures: r.failures, lastFailureAt: r.last_failure_at }] : [];
      });
    },
    /**
     * Inside `Storage.transaction`: makes other transactions that lock any of `keys` wait until this one ends, so a
     * check of the failure counts and the count's increment are one step in every process. (SQLite's write
     * transaction already holds the whole database; PostgreSQL takes transaction-level advisory locks.)
     */
    lockSignInFailures(_keys: string[]): void {},
    /**
     * Inside `Storage.transaction`: replicas starting together on an empty database seed it one after the other, so
     * the second finds it no longer empty (SQLite's write transaction already excludes the others).
     */
    lockForSeeding(): void {},
    addSignInFailure(key: string, nowMs: number): void {
      addFailure.run(key, nowMs);
    },
    forgetSignInFailures(key: string): void {
      deleteFailures.run(key);
    },
    takeBackSignInFailure(key: string): void {
      takeBackFailure.run(key);
    },
    purgeSignInFailures(olderThanMs: number): void {
      purgeFailures.run(olderThanMs);
    },
    /**
     * Starts a Git check for `userId` when fewer than `limits.atOnce` of theirs are running (started within
     * `limits.staleMs` and not finished) and fewer than `limits.perMinute` started in the last minute; answers its id,
     * or why not. One write transaction, so parallel requests in any process cannot both take the last place.
     */
    startGitCheck(
      userId: string,
      nowMs: number,
      limits: { atOnce: number; perMinute: number; staleMs: number },
    ): { checkId: string } | { refused: 'at-once' } | { refused: 'per-minute'; retryAfterMs: number } {
      return writeTransaction(db, () => {
        purgeGitChecks.run(nowMs - Math.max(60_000, limits.staleMs));
        const running = gitChecksRunning.get(userId, nowMs - limits.staleMs)?.n ?? 0;
        if (running >= limits.atOnce) return { refused: 'at-once' as const };
        const recent = gitChecksSince.all(userId, nowMs - 60_000, limits.perMinute);
        if (recent.length >= limits.perMinute) {
          const oldest = recent[0]?.started_at ?? nowMs;
          return { refused: 'per-minute' as const, retryAfterMs: Math.max(0, oldest + 60_000 - nowMs) };
        }
        const checkId = randomUUID();
        insertGitCheck.run(checkId, userId, nowMs);
        return { checkId };
      });
    },
    finishGitCheck(checkId: string, nowMs: number): void {
      finishGitCheck.run(nowMs, checkId);
    },
    /**
     * Upstream mode: the local row for a PAI identity (sessions need a user). Its name is refreshed at each sign-in;
     * it has no password, so it cannot sign in locally.
     */
    upsertUpstreamUser(userId: string, userName: string): void {
      db.prepare(
        'INSERT INTO users (user_id, user_name, password_hash) VALUES (?, ?, NULL) ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name',
      ).run(userId, userName);
    },
    /** Upstream mode: the session's PAI AccessKey, stored sealed, and whose it is; it goes with the session. */
    saveUpstreamCredential(sessionMac: string, credential: UpstreamSession): void {
      db.prepare(
        'INSERT INTO upstream_credentials (session_mac, access_key_id, secret_sealed, upstream_user_id, display_name) VALUES (?, ?, ?, ?, ?)',
      ).run(
        sessionMac,
        credential.accessKeyId,
        keyring.seal(credential.accessKeySecret, upstreamSecretBinding(sessionMac, credential.accessKeyId)),
        credential.upstreamUserId ?? null,
        credential.displayName,
      );
    },
    upstreamCredential(sessionMac: string): UpstreamSession | undefined {
      const r = db
        .prepare('SELECT access_key_id, secret_sealed, upstream_user_id, display_name FROM upstream_credentials WHERE session_mac = ?')
        .get(sessionMac) as UpstreamSessionRow | undefined;
      return r && upstreamSessionOf(r, keyring, sessionMac);
    },
    /** Seeding and tests: write identity rows. */
    insertWorkspace(workspaceId: string, name: string): void {
      db.prepare('INSERT INTO workspaces (workspace_id, workspace_name) VALUES (?, ?)').run(workspaceId, name);
    },
    insertUser(userId: string, userName: string, passwordHash: string | null): void {
      db.prepare('INSERT INTO users (user_id, user_name, password_hash) VALUES (?, ?, ?)').run(userId, userName, passwordHash);
    },
    insertAccessKey(accessKeyId: string, userId: string, secret: string, nowMs: number = Date.now()): void {
      insertAccessKey.run(accessKeyId, userId, keyring.seal(secret, secretBinding(accessKeyId)), nowMs);
    },
    insertMember(workspaceId: string, userId: string, roles: readonly Role[]): void {
      db.prepare('INSERT INTO members (workspace_id, user_id, roles) VALUES (?, ?, ?)').run(workspaceId, userId, JSON.stringify(roles));
    },
    isEmpty(): boolean {
      const r = db.prepare('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM workspaces) AS n').get() as { n: number };
      return r.n === 0;
    },
    meta(key: string): string | undefined {
      return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    },
    setMeta(key: string, value: string): void {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    },
    transaction<T>(fn: () => T): T {
      return writeTransaction(db, fn);
    },
  };
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;
