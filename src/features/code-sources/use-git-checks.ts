import { useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import type { GitCheckRequestInput } from '@/shared/git-remote.schema';
import { DEFAULT_BRANCH } from '@/shared/code-source.constants';
import { isValidCommit } from '@/shared/git';
import { useCheckGitRemote, type CheckedRemote } from './code-sources.queries';
import { isCheckableAddress } from './git-address';
import { listedRefs, outcomeOf, type GitCheckOutcome } from './git-check-result';
import type { CodeSourceFormValues } from './form-values';

/** Where the form's Git checks go, and how to sign in when the token field is left blank. */
export interface GitCheckContext {
  workspaceId: string;
  /** Edit: the code source whose stored token the server may use (the browser never has it). */
  codeSourceId?: string;
  /** Edit: whether a token is stored, and whether the user chose to remove it. */
  hasStoredToken?: boolean;
  removeToken?: boolean;
}

type GitValues = Pick<CodeSourceFormValues, 'CodeRepo' | 'CodeRepoUserName' | 'CodeRepoAccessToken' | 'CodeBranch' | 'CodeCommit'>;
/** The fields a check depends on; a check is current while they hold the values it was made with. */
export const GIT_FIELDS = ['CodeRepo', 'CodeRepoUserName', 'CodeRepoAccessToken', 'CodeBranch', 'CodeCommit'] as const;

/** The last check: what it was asked with (as keys), what it came to, and the remote it reached. */
interface CheckRecord {
  connection: string;
  full: string;
  outcome: GitCheckOutcome;
  remote: CheckedRemote | undefined;
}

/** What was pinned and when the branch was resolved. */
export interface Pinned {
  commit: string;
  branch: string;
  at: string;
}

let remoteIds = 0;

/**
 * The branch and commit a saved code source will name: an empty branch is saved as master (unless a commit is
 * given, which takes priority), so master is what must exist — not the remote's default branch.
 */
function refsToCheck(values: GitValues): { branch?: string; commit?: string } {
  const commit = values.CodeCommit.trim();
  const pinned = isValidCommit(commit) ? commit.toLowerCase() : undefined;
  const branch = values.CodeBranch.trim() || (pinned ? undefined : DEFAULT_BRANCH);
  return { branch, commit: pinned };
}

/** The address and the way to sign in, as CheckGitRemote and ListGitRefs take them. */
function remoteRequest(values: GitValues, context: GitCheckContext): CheckedRemote['request'] {
  const request: CheckedRemote['request'] = { WorkspaceId: context.workspaceId, CodeRepo: values.CodeRepo.trim() };
  if (values.CodeRepoUserName !== '') request.CodeRepoUserName = values.CodeRepoUserName;
  if (values.CodeRepoAccessToken !== '') request.CodeRepoAccessToken = values.CodeRepoAccessToken;
  else if (context.codeSourceId && context.hasStoredToken && !context.removeToken) request.CodeSourceId = context.codeSourceId;
  return request;
}

/** Keys that change when anything a check depends on changes (held in memory only, like the values themselves). */
function keysOf(values: GitValues, context: GitCheckContext) {
  const remote = remoteRequest(values, context);
  const connection = JSON.stringify([remote.CodeRepo, remote.CodeRepoUserName, remote.CodeRepoAccessToken, remote.CodeSourceId]);
  const full = JSON.stringify([connection, values.CodeBranch.trim(), values.CodeCommit.trim().toLowerCase()]);
  return { connection, full };
}

/**
 * The form's Git checks: "Test connection", "Pin to current commit" and the check before saving. Each answer is
 * kept with the field values it was asked with, so it shows only while they still hold.
 */
export function useGitChecks(
  form: UseFormReturn<CodeSourceFormValues, unknown, CodeSourceFormValues>,
  context: GitCheckContext | undefined,
) {
  const check = useCheckGitRemote();
  const pinCheck = useCheckGitRemote();
  const [last, setLast] = useState<CheckRecord>();
  const [pinned, setPinned] = useState<Pinned>();
  const [pinFailure, setPinFailure] = useState<{ outcome: GitCheckOutcome; full: string }>();
  const [running, setRunning] = useState<'test' | 'save' | undefined>();
  const values = form.watch(GIT_FIELDS);
  const current: GitValues = {
    CodeRepo: values[0],
    CodeRepoUserName: values[1],
    CodeRepoAccessToken: values[2],
    CodeBranch: values[3],
    CodeCommit: values[4],
  };
  const keys = context ? keysOf(current, context) : undefined;
  const sameConnection = last !== undefined && keys?.connection === last.connection;
  const sameFields = sameConnection && keys?.full === last.full;
  // A branch or commit problem is about the values it was asked with; what the connection found holds for others.
  const aboutRef = last?.outcome.kind === 'answer' && ['BranchNotFound', 'CommitNotFound'].includes(last.outcome.response.Result);
  const shown = sameFields || (sameConnection && !aboutRef) ? last?.outcome : undefined;

  const ask = async (request: GitCheckRequestInput, mutation: typeof check, asked: { branch?: string; commit?: string }) => {
    try {
      return outcomeOf({ response: await mutation.mutateAsync(request) }, asked);
    } catch (error) {
      return outcomeOf({ error }, asked);
    }
  };
  const record = (values: GitValues, outcome: GitCheckOutcome, ctx: GitCheckContext) => {
    const remote = listedRefs(outcome) ? { id: `remote-${++remoteIds}`, request: remoteRequest(values, ctx) } : undefined;
    const previous = last && last.connection === keysOf(values, ctx).connection ? last.remote : undefined;
    // The same remote answered again: keep its id, so the branch list is not asked for again.
    setLast({ ...keysOf(values, ctx), outcome, remote: remote && previous ? previous : remote });
  };

  /** Asks the remote about everything the form names: address, credentials, branch, commit. */
  const run = async (kind: 'test' | 'save'): Promise<GitCheckOutcome | undefined> => {
    if (!context) return undefined;
    const valid = await form.trigger([...GIT_FIELDS]);
    if (!valid) return undefined;
    const values = form.getValues();
    const asked = refsToCheck(values);
    setRunning(kind);
    try {
      const outcome = await ask({ ...remoteRequest(values, context), CodeBranch: asked.branch, CodeCommit: asked.commit }, check, asked);
      record(values, outcome, context);
      return outcome;
    } finally {
      setRunning(undefined);
    }
  };

  /** Resolves the branch (or the default branch) to its tip and fills Code Commit with it. */
  const pin = async () => {
    if (!context) return;
    const valid = await form.trigger(['CodeRepo', 'CodeRepoUserName', 'CodeRepoAccessToken', 'CodeBranch']);
    if (!valid) return;
    const values = form.getValues();
    const branch = values.CodeBranch.trim();
    const outcome = await ask({ ...remoteRequest(values, context), CodeBranch: branch === '' ? undefined : branch }, pinCheck, {
      branch: branch === '' ? undefined : branch,
    });
    if (outcome.kind === 'answer' && outcome.response.Result === 'Ok' && outcome.response.BranchCommit) {
      const commit = outcome.response.BranchCommit;
      form.setValue('CodeCommit', commit, { shouldDirty: true, shouldValidate: true });
      setPinned({ commit, branch: branch || outcome.response.DefaultBranch || '', at: outcome.response.CheckedAt });
      setPinFailure(undefined);
      // The branch's own tip: the remote has just said it is there, so saving needs no second check.
      record({ ...values, CodeCommit: commit }, outcome, context);
    } else {
      setPinFailure({ outcome, full: keysOf(values, context).full });
    }
  };

  /**
   * Before saving: undefined when no check is needed (an SSH address, which is never contacted; an edit that leaves
   * the Git fields as stored), else the outcome of a check of exactly these values — the last one if it was made
   * with them and answered, a new one otherwise.
   */
  const checkBeforeSave = async (stored: CodeSourceFormValues | undefined): Promise<GitCheckOutcome | undefined> => {
    if (!context) return undefined;
    const values = form.getValues();
    if (!isCheckableAddress(values.CodeRepo)) return undefined;
    const untouched = stored && GIT_FIELDS.every((field) => values[field] === stored[field]) && !context.removeToken;
    if (untouched) return undefined;
    if (sameFields && last?.outcome.kind === 'answer') return last.outcome;
    return run('save');
  };

  const showsPinned = pinned && current.CodeCommit.trim().toLowerCase() === pinned.commit ? pinned : undefined;
  const shownPinFailure = pinFailure && keys && pinFailure.full === keys.full ? pinFailure.outcome : undefined;
  return {
    /** The last check's outcome while the fields it depends on still hold. */
    outcome: shown,
    /** The remote whose refs the branch picker lists, while address and credentials are unchanged. */
    remote: sameConnection ? last?.remote : undefined,
    running,
    test: () => run('test'),
    pin,
    pinning: pinCheck.isPending,
    pinned: showsPinned,
    pinFailure: shownPinFailure,
    checkBeforeSave,
  };
}

export type GitChecks = ReturnType<typeof useGitChecks>;
