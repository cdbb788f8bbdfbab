import type { CodeSource } from '@/shared/code-source.schema';
import type { MessageKey } from '@/lib/i18n/en';
import type { Workspace } from '@/lib/session.api';

/** What the caller may do with one code source, and why not (a message key) when not. */
export interface Abilities {
  manage: { allowed: boolean; reason?: MessageKey };
  duplicate: { allowed: boolean; reason?: MessageKey };
  /** Handing it to another member: admins only (not offered to others at all). */
  transfer: { allowed: boolean };
}

/** Who may create in a workspace; guests read only. */
export function canCreateIn(workspace: Workspace | undefined): boolean {
  return workspace?.CanCreate ?? false;
}

/**
 * Admins manage everything; working roles manage what they created; guests nothing. Upstream (PAI_ENDPOINT), PAI may
 * not say the caller's roles (`Roles` empty): then every write is offered and PAI decides, its refusal shown as it comes.
 */
export function abilitiesFor(item: CodeSource, workspace: Workspace | undefined, userId: string | undefined): Abilities {
  const create = canCreateIn(workspace);
  const own = userId !== undefined && item.UserId === userId;
  const admin = workspace?.IsAdmin ?? false;
  const rolesUnknown = workspace !== undefined && workspace.Roles.length === 0;
  const manage = admin || rolesUnknown || (own && create);
  return {
    transfer: { allowed: admin },
    manage: manage ? { allowed: true } : { allowed: false, reason: create ? 'perm.notCreator' : 'perm.readOnlyRole' },
    duplicate: create ? { allowed: true } : { allowed: false, reason: 'perm.readOnlyRole' },
  };
}
