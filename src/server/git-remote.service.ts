import { isAdmin, isGuestOnly, canCreate } from '@/shared/roles';
import type { CommitStatus, GitCheckRequest, GitCheckResponse, GitRefsRequest, GitRefsResponse } from '@/shared/git-remote.schema';
import { ruleMessage } from '@/shared/code-source.schema';
import type { Caller } from './auth';
import type { Keyring } from './crypto';
import { AppError, notFoundError } from './errors';
import type { CodeSourcesRepository, IdentityRepository } from './storage';
import type { Logger } from './logger';
import { GitRemoteError } from './git/git-http';
import type { CommitProbe, GitRemote, RefListing, RemoteAccess } from './git/git-remote';

/** Per user: remote conversations in a sliding minute, and at once. Cached answers do not count. */
export const GIT_CHECKS_PER_MINUTE = 10;
export const GIT_CHECKS_AT_ONCE = 2;
export const GIT_CACHE_MS = 60_000;
const CACHE_ENTRIES = 1000;

type Outcome<T> = { ok: true; value: T; at: number } | { ok: false; error: GitRemoteError; at: number };

/** Branch names in order: the default first, then by name; tags newest version first (v1.10 after v1.9). */
function sortRefs(listing: RefListing, kind: 'heads' | 'tags') {
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  const refs = [...listing.refs];
  if (kind === 'tags') refs.sort((a, b) => collator.compare(b.name, a.name));
  else
    refs.sort((a, b) => (a.name === listing.defaultBranch ? -1 : b.name === listing.defaultBranch ? 1 : collator.compare(a.name, b.name)));
  return refs;
}

/** `https://host:port` of an address, to compare where a stored token would be sent; null for SSH addresses. */
function originOf(address: string): string | null {
  if (!/^https:\/\//i.test(address)) return null;
  try {
    return new URL(address).origin;
  } catch {
    return null;
  }
}

/**
 * Checks against the real remote on behalf of a workspace member: who may ask, whose token is used, how often,
 * and a short cache of what the remote answered (per user, address and credentials — never per address alone).
 */
export function createGitRemoteService(deps: {
  remote: GitRemote;
  identity: IdentityRepository;
  codeSources: CodeSourcesRepository;
  keyring: Keyring;
  logger: Logger;
  clock: () => number;
  /** How long one conversation with a remote may take: a check older than twice this no longer counts as running. */
  timeoutMs: number;
}) {
  const { remote, identity, codeSources, keyring, logger, clock } = deps;
  const cache = new Map<string, Outcome<unknown>>();
  const inFlight = new Map<string, Promise<Outcome<unknown>>>();

  /** Who may ask and with which credentials; 403/404/400 as the code source routes answer them. */
  async function accessFor(input: GitCheckRequest | GitRefsRequest, caller: Caller): Promise<RemoteAccess> {
    const m = await identity.membership(input.WorkspaceId, caller.userId);
    if (!m)
      throw new AppError('Forbidden.NotWorkspaceMember', `You are not a member of workspace ${input.WorkspaceId}`, {
        field: 'WorkspaceId',
      });
    if (!canCreate(m.roles)) throw new AppError('Forbidden.NoPermission', 'Guests of a workspace cannot check Git remotes');
    let userName = input.CodeRepoUserName ?? '';
    let token = input.CodeRepoAccessToken ?? '';
    if (input.CodeSourceId !== undefined) {
      const record = await codeSources.findById(input.CodeSourceId);
      // Only someone who may edit it may use its token: the creator (with a working role) or an admin of its workspace.
      const mayEdit =
        record !== undefined &&
        record.workspaceId === input.WorkspaceId &&
        (isAdmin(m.roles) || (record.userId === caller.userId && !isGuestOnly(m.roles)));
      if (!record || !mayEdit) throw notFoundError(input.CodeSourceId);
      // An SSH address contacts nothing (Unsupported), so only an https:// target needs the same origin.
      const target = originOf(input.CodeRepo);
      if (target !== null && target !== originOf(record.codeRepo)) {
        throw new AppError('InvalidParameter', ruleMessage('CodeSourceId', 'other_host'), { field: 'CodeSourceId', rule: 'other_host' });
      }
      if (input.CodeRepoAccessToken === undefined || input.CodeRepoAccessToken === '')
        token = (await codeSources.readAccessToken(record.codeSourceId)) ?? '';
      if (userName === '') userName = record.codeRepoUserName;
    }
    return { url: input.CodeRepo, userName, token };
  }

  function cacheKey(caller: Caller, access: RemoteAccess, what: string): string {
    return keyring.mac('git-remote-cache', JSON.stringify([caller.userId, access.url, access.userName, access.token, what]));
  }

  /**
   * Starts a conversation if the user's limits allow it; 429 with Retry-After otherwise. The usage is in the database,
   * so the limits hold across processes and replicas.
   */
  async function admit(userId: string): Promise<() => Promise<void>> {
    const started = await identity.startGitCheck(userId, clock(), {
      atOnce: GIT_CHECKS_AT_ONCE,
      perMinute: GIT_CHECKS_PER_MINUTE,
      staleMs: 2 * deps.timeoutMs,
    });
    if ('checkId' in started) return () => identity.finishGitCheck(started.checkId, clock());
    if (started.refused === 'at-once') {
      throw new AppError('Throttling.GitCheck', `At most ${GIT_CHECKS_AT_ONCE} Git checks at once; retry in a moment`, {
        headers: { 'Retry-After': '2' },
      });
    }
    const wait = Math.max(1, Math.ceil(started.retryAfterMs / 1000));
    throw new AppError('Throttling.GitCheck', `At most ${GIT_CHECKS_PER_MINUTE} Git checks a minute; retry in ${wait} s`, {
      headers: { 'Retry-After': String(wait) },
    });
  }

  /** What the remote answered to `what`, from the cache when it is fresh, asking it (once, shared) otherwise. */
  async function ask<T>(caller: Caller, access: RemoteAccess, what: string, work: () => Promise<T>): Promise<Outcome<T>> {
    const key = cacheKey(caller, access, what);
    const cached = cache.get(key);
    if (cached && clock() - cached.at < GIT_CACHE_MS) return cached as Outcome<T>;
    cache.delete(key);
    const pending = inFlight.get(key);
    if (pending) return (await pending) as Outcome<T>;
    // In the map before the first await, so a second request for the same answer waits for this one.
    const promise = (async (): Promise<Outcome<T>> => {
      const release = await admit(caller.userId);
      const started = clock();
      try {
        const outcome = await work().then(
          (value): Outcome<T> => ({ ok: true, value, at: started }),
          (error: unknown): Outcome<T> => {
            if (error instanceof GitRemoteError) return { ok: false, error, at: started };
            throw error;
          },
        );
        logger.info('git remote', {
          userId: caller.userId,
          host: safeHost(access.url),
          what: what.split(':')[0],
          result: outcome.ok ? 'Ok' : outcome.error.result,
          durationMs: clock() - started,
        });
        // Only what the remote did answer is remembered: "try again" after fixing the remote must really try again.
        if (outcome.ok) {
          cache.set(key, outcome);
          if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
        }
        return outcome;
      } finally {
        await release();
      }
    })();
    inFlight.set(key, promise as Promise<Outcome<unknown>>);
    try {
      return await promise;
    } finally {
      inFlight.delete(key);
    }
  }

  /** The remote's refs of one kind, sorted once when fetched (the cache then serves every search). */
  const listing = (caller: Caller, access: RemoteAccess, kind: 'heads' | 'tags') =>
    ask(caller, access, kind, async (): Promise<RefListing> => {
      const found = await remote.listRefs(access, kind);
      return { defaultBranch: found.defaultBranch, refs: sortRefs(found, kind) };
    });

  const failure = (error: GitRemoteError, at: number) => ({
    Result: error.result,
    Message: error.message,
    ...(error.redirectLocation ? { RedirectLocation: error.redirectLocation } : {}),
    CheckedAt: new Date(at).toISOString(),
  });

  return {
    async check(input: GitCheckRequest, caller: Caller): Promise<Omit<GitCheckResponse, 'RequestId'>> {
      const access = await accessFor(input, caller);
      const now = new Date(clock()).toISOString();
      if (!/^https:\/\//i.test(input.CodeRepo)) {
        return {
          Result: 'Unsupported',
          Message:
            'SSH addresses cannot be checked: the server holds no SSH key. Training jobs clone them with the key of their own image.',
          CheckedAt: now,
        };
      }
      const heads = await listing(caller, access, 'heads');
      if (!heads.ok) return failure(heads.error, heads.at);
      const { defaultBranch, refs } = heads.value;
      const checkedAt = new Date(heads.at).toISOString();
      const base = { DefaultBranch: defaultBranch || undefined, RefCount: refs.length, CheckedAt: checkedAt };
      if (refs.length === 0) {
        return {
          ...base,
          Result: 'Empty',
          Message: 'The repository is reachable but has no branches yet; push a first commit before a job clones it',
        };
      }
      const branchName = input.CodeBranch || defaultBranch;
      const branch = refs.find((r) => r.name === branchName);
      if (input.CodeBranch && !branch) {
        return {
          ...base,
          Result: 'BranchNotFound',
          Message: `The remote has no branch ${input.CodeBranch}${defaultBranch ? `; its default branch is ${defaultBranch}` : ''}`,
        };
      }
      let commitStatus: CommitStatus | undefined;
      let unverifiedReason = '';
      if (input.CodeCommit) {
        const commit = input.CodeCommit;
        const atTip = refs.filter((r) => r.commit.startsWith(commit));
        if (atTip.length > 0 && new Set(atTip.map((r) => r.commit)).size === 1) commitStatus = 'Found';
        else {
          const probed = await ask<CommitProbe>(caller, access, `commit:${commit}`, () => remote.probeCommit(access, commit));
          if (!probed.ok) return failure(probed.error, probed.at);
          commitStatus = probed.value.status;
          if (probed.value.status === 'Unverified') unverifiedReason = probed.value.reason;
        }
        if (commitStatus === 'NotFound') {
          return {
            ...base,
            BranchCommit: branch?.commit,
            CommitStatus: 'NotFound',
            Result: 'CommitNotFound',
            Message: `The remote has no commit ${commit} (it may have been force-pushed away)`,
          };
        }
      }
      const parts = [`Reachable: ${refs.length} branch${refs.length === 1 ? '' : 'es'}`];
      if (defaultBranch) parts.push(`default branch ${defaultBranch}`);
      if (branch) parts.push(`${branch.name} is at ${branch.commit.slice(0, 12)}`);
      if (commitStatus === 'Found') parts.push(`commit ${input.CodeCommit} exists`);
      if (commitStatus === 'Unverified') parts.push(`commit ${input.CodeCommit} could not be verified: ${unverifiedReason}`);
      return {
        ...base,
        Result: 'Ok',
        Message: parts.join('; '),
        ...(branch ? { BranchCommit: branch.commit } : {}),
        ...(commitStatus ? { CommitStatus: commitStatus } : {}),
      };
    },

    async refs(input: GitRefsRequest, caller: Caller): Promise<Omit<GitRefsResponse, 'RequestId'>> {
      const access = await accessFor(input, caller);
      if (!/^https:\/\//i.test(input.CodeRepo)) {
        return {
          Result: 'Unsupported',
          Message: 'SSH addresses cannot be listed: the server holds no SSH key',
          Refs: [],
          TotalCount: 0,
          DefaultBranch: '',
          CheckedAt: new Date(clock()).toISOString(),
        };
      }
      const kind = input.Kind === 'Tag' ? 'tags' : 'heads';
      const outcome = await listing(caller, access, kind);
      if (!outcome.ok) return { ...failure(outcome.error, outcome.at), Refs: [], TotalCount: 0, DefaultBranch: '' };
      const { defaultBranch, refs } = outcome.value;
      const search = (input.Search ?? '').toLowerCase();
      const matching = search === '' ? refs : refs.filter((r) => r.name.toLowerCase().includes(search));
      return {
        Result: refs.length === 0 && kind === 'heads' ? 'Empty' : 'Ok',
        Message: `${matching.length} of ${refs.length} ${kind === 'heads' ? 'branches' : 'tags'} match`,
        Refs: matching.slice(0, input.Limit).map((r) => ({ Name: r.name, Commit: r.commit })),
        TotalCount: matching.length,
        DefaultBranch: defaultBranch,
        CheckedAt: new Date(outcome.at).toISOString(),
      };
    },
  };
}
export type GitRemoteService = ReturnType<typeof createGitRemoteService>;

function safeHost(address: string): string {
  try {
    return new URL(address).host;
  } catch {
    return '(invalid)';
  }
}
