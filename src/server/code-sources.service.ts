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
import type {
  BatchAction,
  BatchItemResult,
  BatchRequest,
  CodeSourceEvent,
  EventAction,
  EventChange,
  ListWorkspaceEventsQuery,
  WorkspaceMember,
} from '@/shared/admin.schema';
import { randomUUID } from 'node:crypto';
import { foldName } from '@/shared/text';
import type { Caller } from './auth';
import type { Keyring } from './crypto';
import { AppError, notFoundError } from './errors';
import type { Membership } from './identity.repository';
import type { CodeSourcesRepository, IdentityRepository } from './storage';
import {
  DuplicateNameError,
  VersionConflictError,
  type CodeSourceFields,
  type CodeSourceRecord,
  type EventInput,
  type Visibility,
} from './code-sources.repository';

/** Internal field → API field, in the order the history shows them. */
const RECORDED_FIELDS = {
  displayName: 'DisplayName',
  description: 'Description',
  codeRepo: 'CodeRepo',
  codeBranch: 'CodeBranch',
  codeCommit: 'CodeCommit',
  codeRepoUserName: 'CodeRepoUserName',
  mountPath: 'MountPath',
  accessibility: 'Accessibility',
  cloneType: 'CloneType',
} as const;
type RecordedFields = { [K in keyof typeof RECORDED_FIELDS]: string | number };

/** Field changes between two states; `null` for a side that does not exist (Create, Delete). Empty values are left out there. */
export function fieldChanges(before: RecordedFields | null, after: RecordedFields | null): EventChange[] {
  const changes: EventChange[] = [];
  for (const [key, field] of Object.entries(RECORDED_FIELDS) as [keyof RecordedFields, string][]) {
    const b = before ? before[key] : null;
    const a = after ? after[key] : null;
    if (b === a) continue;
    if ((b === null && a === '') || (a === null && b === '')) continue;
    changes.push({ Field: field, Before: b, After: a });
  }
  return changes;
}

/** The token is recorded only as what happened to it: never its value, never a hash of it. */
function tokenChange(before: string | undefined, after: string | undefined): EventChange[] {
  if (after === undefined) return [];
  const had = before !== undefined && before !== '';
  if (!had && after === '') return [];
  const what = !had ? 'set' : after === '' ? 'removed' : before === after ? null : 'changed';
  return what ? [{ Field: 'CodeRepoAccessToken', Before: null, After: what }] : [];
}

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

  async function requireMember(workspaceId: string, caller: Caller): Promise<Membership> {
    const m = await identity.membership(workspaceId, caller.userId);
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
  async function loadVisible(codeSourceId: string, caller: Caller): Promise<{ record: CodeSourceRecord; membership: Membership }> {
    const record = await codeSources.findById(codeSourceId);
    const m = record && (await identity.membership(record.workspaceId, caller.userId));
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

  function eventOf(action: EventAction, displayName: string, caller: Caller, changes: EventChange[], batchId?: string): EventInput {
    return {
      action,
      displayName,
      userId: caller.userId,
      userName: caller.userName,
      via: caller.via,
      accessKeyId: caller.accessKeyId,
      requestId: caller.requestId,
      batchId,
      changes,
    };
  }

  /**
   * Applies a change at the version read. With If-Match, a stale version is a 412; without it (PAI's behaviour),
   * the change is re-applied to the newest version: last writer wins, and nothing is half-written.
   */
  async function writeWithRetry(
    codeSourceId: string,
    caller: Caller,
    ifMatch: string | undefined,
    change: (
      record: CodeSourceRecord,
      m: Membership,
    ) => { fields: Omit<CodeSourceFields, 'accessToken'>; accessToken: string | undefined; action: EventAction } | null,
    batchId?: string,
  ): Promise<CodeSourceRecord> {
    for (let attempt = 0; ; attempt++) {
      const { record, membership } = await loadVisible(codeSourceId, caller);
      // Permission first (inside `change`), then the version: a 412 would invite a retry that can only fail.
      const next = change(record, membership);
      if (!ifMatchHolds(ifMatch, record)) throw preconditionFailed();
      if (!next) return record;
      const changes = [
        ...fieldChanges(fieldsOf(record), next.fields),
        ...tokenChange(next.accessToken === undefined ? undefined : await codeSources.readAccessToken(codeSourceId), next.accessToken),
      ];
      // Nothing would change: no write, no new version, no event.
      if (changes.length === 0) return record;
      try {
        return await codeSources.update(
          record,
          { ...next.fields, accessToken: next.accessToken },
          eventOf(next.action, next.fields.displayName, caller, changes, batchId),
        );
      } catch (error) {
        if (error instanceof DuplicateNameError) throw duplicateName();
        if (!(error instanceof VersionConflictError)) throw error;
        if (ifMatch !== undefined && ifMatch.trim() !== '*') throw preconditionFailed();
        if (attempt >= 5) throw preconditionFailed();
      }
    }
  }

  return {
    async get(codeSourceId: string, caller: Caller): Promise<CodeSourceRecord> {
      return (await loadVisible(codeSourceId, caller)).record;
    },

    async list(query: ListCodeSourcesQuery, caller: Caller) {
      const m = await requireMember(query.WorkspaceId, caller);
      const visibility = visibilityOf(m, caller);
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

    async create(
      input: CreateCodeSource,
      rawBody: unknown,
      caller: Caller,
    ): Promise<{ codeSourceId: string; record: CodeSourceRecord | undefined }> {
      const m = await requireMember(input.WorkspaceId, caller);
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
        const changes = [...fieldChanges(null, fields), ...tokenChange(undefined, fields.accessToken)];
        result = await codeSources.create(
          { ...fields, workspaceId: input.WorkspaceId, userId: caller.userId },
          eventOf('Create', fields.displayName, caller, changes),
          clientToken,
        );
      } catch (error) {
        if (error instanceof DuplicateNameError) throw duplicateName();
        throw error;
      }
      if (result === 'token-mismatch') {
        throw new AppError('Conflict.ClientToken', 'ClientToken was already used with a different request body', { field: 'ClientToken' });
      }
      // A retried create whose code source was deleted since: the id is still the answer, there is no row to show.
      return { codeSourceId: result.codeSourceId, record: await codeSources.findById(result.codeSourceId) };
    },

    update(codeSourceId: string, patch: UpdateCodeSource, ifMatch: string | undefined, caller: Caller): Promise<CodeSourceRecord> {
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
        return { fields: f, accessToken: patch.CodeRepoAccessToken, action: 'Update' };
      });
    },

    setAccessibility(
      codeSourceId: string,
      accessibility: Accessibility,
      ifMatch: string | undefined,
      caller: Caller,
      batchId?: string,
    ): Promise<CodeSourceRecord> {
      return writeWithRetry(
        codeSourceId,
        caller,
        ifMatch,
        (record, m) => {
          requireManage(record, m, caller, accessibility === 'PUBLIC' ? 'publish' : 'make private');
          if (record.accessibility === accessibility) return null;
          return {
            fields: { ...fieldsOf(record), accessibility },
            accessToken: undefined,
            action: accessibility === 'PUBLIC' ? 'Publish' : 'Unpublish',
          };
        },
        batchId,
      );
    },

    async delete(codeSourceId: string, ifMatch: string | undefined, caller: Caller, batchId?: string): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        const { record, membership } = await loadVisible(codeSourceId, caller);
        requireManage(record, membership, caller, 'delete');
        if (!ifMatchHolds(ifMatch, record)) throw preconditionFailed();
        try {
          const changes: EventChange[] = [
            ...fieldChanges(fieldsOf(record), null),
            ...(record.hasAccessToken ? tokenChange('x', '') : []),
            // Who owned it: a deleted code source's history says who could see it last.
            { Field: 'UserId', Before: record.userId, After: null },
          ];
          await codeSources.delete(
            codeSourceId,
            record.version,
            record.workspaceId,
            eventOf('Delete', record.displayName, caller, changes, batchId),
          );
          return;
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          if ((ifMatch !== undefined && ifMatch.trim() !== '*') || attempt >= 5) throw preconditionFailed();
        }
      }
    },

    /** Admins hand a code source to a member who may create code sources (a departed member's PRIVATE ones). */
    async transferOwner(codeSourceId: string, newOwnerId: string, ifMatch: string | undefined, caller: Caller): Promise<CodeSourceRecord> {
      for (let attempt = 0; ; attempt++) {
        const { record, membership } = await loadVisible(codeSourceId, caller);
        if (!isAdmin(membership.roles)) {
          throw new AppError('Forbidden.NoPermission', 'Only workspace owners and administrators may transfer a code source');
        }
        const target = await identity.membership(record.workspaceId, newOwnerId);
        const newOwner = await identity.findUserById(newOwnerId);
        if (!target || !newOwner || !canCreate(target.roles)) {
          throw new AppError('InvalidParameter', ruleMessage('UserId', 'not_eligible_owner'), {
            field: 'UserId',
            rule: 'not_eligible_owner',
          });
        }
        if (!ifMatchHolds(ifMatch, record)) throw preconditionFailed();
        if (record.userId === newOwnerId) return record;
        const changes: EventChange[] = [
          { Field: 'UserId', Before: record.userId, After: newOwnerId },
          { Field: 'UserName', Before: record.userName, After: newOwner.userName },
        ];
        try {
          return await codeSources.transferOwner(
            codeSourceId,
            record.version,
            newOwnerId,
            eventOf('TransferOwner', record.displayName, caller, changes),
          );
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          if ((ifMatch !== undefined && ifMatch.trim() !== '*') || attempt >= 5) throw preconditionFailed();
        }
      }
    },

    /**
     * Publish, unpublish or delete each id as the single operation would, each in its own transaction, all under
     * one BatchId. Failures are per item; an id the caller may not see is 201400002 as everywhere else.
     */
    async batch(input: BatchRequest, caller: Caller): Promise<{ results: BatchItemResult[]; batchId: string }> {
      const m = await requireMember(input.WorkspaceId, caller);
      const batchId = randomUUID();
      const run: Record<BatchAction, (id: string) => Promise<unknown>> = {
        Publish: (id) => this.setAccessibility(id, 'PUBLIC', undefined, caller, batchId),
        Unpublish: (id) => this.setAccessibility(id, 'PRIVATE', undefined, caller, batchId),
        Delete: (id) => this.delete(id, undefined, caller, batchId),
      };
      // One item after the other, as the single operations would run.
      const results: BatchItemResult[] = [];
      for (const id of input.CodeSourceIds) results.push(await batchItem(id));
      return { results, batchId };
      async function batchItem(id: string): Promise<BatchItemResult> {
        try {
          const record = await codeSources.findById(id);
          // Another workspace's code source is not part of this one: the same answer as a missing one.
          if (record && record.workspaceId !== input.WorkspaceId) throw notFoundError(id);
          if (!record) {
            const last = await codeSources.lastEventOf(id);
            if (last?.Action === 'Delete' && last.WorkspaceId === input.WorkspaceId && couldSeeDeleted(last, m, caller)) {
              return { CodeSourceId: id, Success: false, Code: 'AlreadyDeleted', Message: `${id} was already deleted` };
            }
            throw notFoundError(id);
          }
          await run[input.Action](id);
          return { CodeSourceId: id, Success: true };
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return { CodeSourceId: id, Success: false, Code: error.code, Message: error.message };
        }
      }
    },

    /** The history of a code source the caller may see now. */
    async events(codeSourceId: string, pageNumber: number, pageSize: number, caller: Caller) {
      await loadVisible(codeSourceId, caller);
      return codeSources.eventsOf(codeSourceId, pageSize, (pageNumber - 1) * pageSize);
    },

    /** The workspace's activity: all of it for admins, the events of what one may see now for the others. */
    async workspaceEvents(
      workspaceId: string,
      query: ListWorkspaceEventsQuery,
      caller: Caller,
    ): Promise<{ items: CodeSourceEvent[]; total: number }> {
      const m = await requireMember(workspaceId, caller);
      return codeSources.workspaceEvents({
        workspaceId,
        visibility: visibilityOf(m, caller),
        action: query.Action,
        userId: query.UserId,
        codeSourceId: query.CodeSourceId,
        limit: query.PageSize,
        offset: (query.PageNumber - 1) * query.PageSize,
      });
    },

    async members(workspaceId: string, caller: Caller): Promise<WorkspaceMember[]> {
      await requireMember(workspaceId, caller);
      return (await identity.members(workspaceId)).map((member) => ({
        UserId: member.userId,
        UserName: member.userName,
        Roles: member.roles,
        CanOwnCodeSources: canCreate(member.roles),
      }));
    },

    async counts(workspaceId: string, caller: Caller) {
      const m = await requireMember(workspaceId, caller);
      return codeSources.countsByVisibility(workspaceId, visibilityOf(m, caller));
    },
  };
}

/** What a member may see of a workspace's code sources. */
function visibilityOf(m: Membership, caller: Caller): Visibility {
  return isAdmin(m.roles) ? { kind: 'all' } : isGuestOnly(m.roles) ? { kind: 'public' } : { kind: 'public-or-own', userId: caller.userId };
}

/** Whether the caller could have seen a code source when it was deleted: admins, its owner, or it was PUBLIC. */
function couldSeeDeleted(deleted: CodeSourceEvent, m: Membership, caller: Caller): boolean {
  if (isAdmin(m.roles)) return true;
  const before = (field: string) => deleted.Changes.find((c) => c.Field === field)?.Before;
  if (before('Accessibility') === 'PUBLIC') return true;
  return !isGuestOnly(m.roles) && ownerAtDeletion(deleted) === caller.userId;
}

/** The owner when it was deleted, as its Delete event recorded it. */
function ownerAtDeletion(deleted: CodeSourceEvent): string | undefined {
  const owner = deleted.Changes.find((c) => c.Field === 'UserId');
  return typeof owner?.Before === 'string' ? owner.Before : undefined;
}

export type CodeSourcesService = ReturnType<typeof createCodeSourcesService>;
