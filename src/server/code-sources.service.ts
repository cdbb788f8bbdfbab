import {
  DEFAULT_BRANCH,
  DEFAULT_MOUNT_PATH,
  ruleMessage,
  type Accessibility,
  type CreateCodeSource,
  type ListCodeSourcesQuery,
  type UpdateCodeSource,
} from '@/shared/code-source.schema';
import { isAdmin, isGuestOnly, canCreate } from '@/shared/roles';
import { foldName } from '@/shared/text';
import type { Caller } from './auth';
import type { Keyring } from './crypto';
import { AppError, notFoundError } from './errors';
import type { IdentityRepository, Membership } from './identity.repository';
import {
  DuplicateNameError,
  VersionConflictError,
  type CodeSourceFields,
  type CodeSourceRecord,
  type CodeSourcesRepository,
  type Visibility,
} from './code-sources.repository';

/** The strong ETag of a row's current version. */
export const etagOf = (record: CodeSourceRecord) => `"v${record.version}"`;

/** RFC 9110 strong comparison: `*` or one of the listed tags; weak tags never match. */
function ifMatchHolds(ifMatch: string | undefined, record: CodeSourceRecord): boolean {
  if (ifMatch === undefined) return true;
  const value = ifMatch.trim();
  if (value === '*') return true;
  return value.split(',').some((tag) => tag.trim() === etagOf(record));
}

const duplicateName = () =>
  new AppError(
    'Conflict.DuplicateName',
    ruleMessage('DisplayName', 'duplicate_name') + ' (names are unique per workspace, ignoring case, including private code sources)',
    {
      field: 'DisplayName',
      rule: 'duplicate_name',
    },
  );
const preconditionFailed = () =>
  new AppError(
    'PreconditionFailed',
    'The code source was changed by someone else since you read it; reload it and apply your change again',
  );

/** Sorted-key JSON, so the same body in another key order is the same body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Who may do what with code sources: roles, visibility and optimistic concurrency. */
export function createCodeSourcesService(deps: { codeSources: CodeSourcesRepository; identity: IdentityRepository; keyring: Keyring }) {
  const { codeSources, identity, keyring } = deps;

  function requireMember(workspaceId: string, caller: Caller): Membership {
    const m = identity.membership(workspaceId, caller.userId);
    if (!m)
      throw new AppError('Forbidden.NotWorkspaceMember', `You are not a member of workspace ${workspaceId}`, { field: 'WorkspaceId' });
    return m;
  }

  function canSee(record: CodeSourceRecord, m: Membership, caller: Caller): boolean {
    if (isAdmin(m.roles)) return true;
    if (record.accessibility === 'PUBLIC') return true;
    return !isGuestOnly(m.roles) && record.userId === caller.userId;
  }

  /** The record if the caller may see it; otherwise 404, the same as a missing one, in any workspace. */
  function loadVisible(codeSourceId: string, caller: Caller): { record: CodeSourceRecord; membership: Membership } {
    const record = codeSources.findById(codeSourceId);
    const m = record && identity.membership(record.workspaceId, caller.userId);
    if (!record || !m || !canSee(record, m, caller)) throw notFoundError(codeSourceId);
    return { record, membership: m };
  }

  /** Creator (with a working role) or admin; everyone else who can see it gets 403. */
  function requireManage(record: CodeSourceRecord, m: Membership, caller: Caller, what: string): void {
    if (isAdmin(m.roles)) return;
    if (record.userId === caller.userId && !isGuestOnly(m.roles)) return;
    throw new AppError('Forbidden.NoPermission', `Only the creator of this code source or a workspace administrator may ${what} it`);
  }

  function fieldsOf(record: CodeSourceRecord): Omit<CodeSourceFields, 'accessToken'> {
    return {
      displayName: record.displayName,
      nameFold: foldName(record.displayName),
      description: record.description,
      codeRepo: record.codeRepo,
      codeBranch: record.codeBranch,
      codeCommit: record.codeCommit,
      codeRepoUserName: record.codeRepoUserName,
      mountPath: record.mountPath,
      accessibility: record.accessibility,
      cloneType: record.cloneType,
    };
  }

  /**
   * Applies a change at the version read. With If-Match, a stale version is a 412; without it (PAI's behaviour),
   * the change is re-applied to the newest version: last writer wins, and nothing is half-written.
   */
  function writeWithRetry(
    codeSourceId: string,
    caller: Caller,
    ifMatch: string | undefined,
    change: (
      record: CodeSourceRecord,
      m: Membership,
    ) => { fields: Omit<CodeSourceFields, 'accessToken'>; accessToken: string | undefined } | null,
  ): CodeSourceRecord {
    for (let attempt = 0; ; attempt++) {
      const { record, membership } = loadVisible(codeSourceId, caller);
      // Permission first (inside `change`), then the version: a 412 would invite a retry that can only fail.
      const next = change(record, membership);
      if (!ifMatchHolds(ifMatch, record)) throw preconditionFailed();
      if (!next) return record;
      try {
        return codeSources.update(codeSourceId, record.version, { ...next.fields, accessToken: next.accessToken });
      } catch (error) {
        if (error instanceof DuplicateNameError) throw duplicateName();
        if (!(error instanceof VersionConflictError)) throw error;
        if (ifMatch !== undefined && ifMatch.trim() !== '*') throw preconditionFailed();
        if (attempt >= 5) throw preconditionFailed();
      }
    }
  }

  return {
    get(codeSourceId: string, caller: Caller): CodeSourceRecord {
      return loadVisible(codeSourceId, caller).record;
    },

    list(query: ListCodeSourcesQuery, caller: Caller) {
      const m = requireMember(query.WorkspaceId, caller);
      const visibility: Visibility = isAdmin(m.roles)
        ? { kind: 'all' }
        : isGuestOnly(m.roles)
          ? { kind: 'public' }
          : { kind: 'public-or-own', userId: caller.userId };
      return codeSources.list({
        workspaceId: query.WorkspaceId,
        visibility,
        search: query.DisplayName ? foldName(query.DisplayName) : undefined,
        accessibility: query.Accessibility,
        creatorId: query.UserId,
        sortBy: query.SortBy,
        order: query.Order,
        limit: query.PageSize,
        offset: (query.PageNumber - 1) * query.PageSize,
      });
    },

    create(input: CreateCodeSource, rawBody: unknown, caller: Caller): { codeSourceId: string; record: CodeSourceRecord | undefined } {
      const m = requireMember(input.WorkspaceId, caller);
      if (!canCreate(m.roles)) throw new AppError('Forbidden.NoPermission', 'Guests of a workspace cannot create code sources');
      const commit = input.CodeCommit ?? '';
      const fields: CodeSourceFields = {
        displayName: input.DisplayName,
        nameFold: foldName(input.DisplayName),
        description: input.Description ?? '',
        codeRepo: input.CodeRepo,
        codeBranch: input.CodeBranch || (commit ? '' : DEFAULT_BRANCH),
        codeCommit: commit,
        codeRepoUserName: input.CodeRepoUserName ?? '',
        accessToken: input.CodeRepoAccessToken ?? '',
        mountPath: input.MountPath || DEFAULT_MOUNT_PATH,
        accessibility: input.Accessibility ?? 'PRIVATE',
        cloneType: input.CloneType ?? 0,
      };
      const clientToken = input.ClientToken
        ? {
            token: input.ClientToken,
            bodyMac: keyring.mac('client-token-body', canonicalJson({ ...(rawBody as object), ClientToken: undefined })),
          }
        : undefined;
      let result;
      try {
        result = codeSources.create({ ...fields, workspaceId: input.WorkspaceId, userId: caller.userId }, clientToken);
      } catch (error) {
        if (error instanceof DuplicateNameError) throw duplicateName();
        throw error;
      }
      if (result === 'token-mismatch') {
        throw new AppError('Conflict.ClientToken', 'ClientToken was already used with a different request body', { field: 'ClientToken' });
      }
      // A retried create whose code source was deleted since: the id is still the answer, there is no row to show.
      return { codeSourceId: result.codeSourceId, record: codeSources.findById(result.codeSourceId) };
    },

    update(codeSourceId: string, patch: UpdateCodeSource, ifMatch: string | undefined, caller: Caller): CodeSourceRecord {
      return writeWithRetry(codeSourceId, caller, ifMatch, (record, m) => {
        requireManage(record, m, caller, 'change');
        if (Object.keys(patch).length === 0) return null;
        const f = fieldsOf(record);
        if (patch.DisplayName !== undefined) {
          f.displayName = patch.DisplayName;
          f.nameFold = foldName(patch.DisplayName);
        }
        if (patch.Description !== undefined) f.description = patch.Description;
        if (patch.CodeRepo !== undefined) f.codeRepo = patch.CodeRepo;
        if (patch.CodeBranch !== undefined) f.codeBranch = patch.CodeBranch || DEFAULT_BRANCH;
        if (patch.CodeCommit !== undefined) f.codeCommit = patch.CodeCommit;
        if (f.codeCommit === '' && f.codeBranch === '') f.codeBranch = DEFAULT_BRANCH;
        if (patch.CodeRepoUserName !== undefined) f.codeRepoUserName = patch.CodeRepoUserName;
        if (patch.MountPath !== undefined) f.mountPath = patch.MountPath || DEFAULT_MOUNT_PATH;
        if (patch.CloneType !== undefined) f.cloneType = patch.CloneType;
        return { fields: f, accessToken: patch.CodeRepoAccessToken };
      });
    },

    setAccessibility(codeSourceId: string, accessibility: Accessibility, ifMatch: string | undefined, caller: Caller): CodeSourceRecord {
      return writeWithRetry(codeSourceId, caller, ifMatch, (record, m) => {
        requireManage(record, m, caller, accessibility === 'PUBLIC' ? 'publish' : 'make private');
        if (record.accessibility === accessibility) return null;
        return { fields: { ...fieldsOf(record), accessibility }, accessToken: undefined };
      });
    },

    delete(codeSourceId: string, ifMatch: string | undefined, caller: Caller): void {
      for (let attempt = 0; ; attempt++) {
        const { record, membership } = loadVisible(codeSourceId, caller);
        requireManage(record, membership, caller, 'delete');
        if (!ifMatchHolds(ifMatch, record)) throw preconditionFailed();
        try {
          codeSources.delete(codeSourceId, record.version);
          return;
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          if ((ifMatch !== undefined && ifMatch.trim() !== '*') || attempt >= 5) throw preconditionFailed();
        }
      }
    },
  };
}

export type CodeSourcesService = ReturnType<typeof createCodeSourcesService>;
