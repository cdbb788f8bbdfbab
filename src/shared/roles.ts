/** PAI's built-in workspace role codes and what each may do with code sources. */
export const ROLES = [
  'PAI.WorkspaceOwner',
  'PAI.WorkspaceAdmin',
  'PAI.AlgoDeveloper',
  'PAI.AlgoOperator',
  'PAI.LabelManager',
  'PAI.MaxComputeDeveloper',
  'PAI.WorkspaceGuest',
] as const;
export type Role = (typeof ROLES)[number];

/** Owners and admins manage every code source of the workspace. */
export function isAdmin(roles: readonly string[]): boolean {
  return roles.includes('PAI.WorkspaceOwner') || roles.includes('PAI.WorkspaceAdmin');
}

/** A member whose only role is guest reads PUBLIC code sources and nothing else. */
export function isGuestOnly(roles: readonly string[]): boolean {
  return roles.length > 0 && roles.every((r) => r === 'PAI.WorkspaceGuest');
}

/** Working roles and admins may create; guests may not. */
export function canCreate(roles: readonly string[]): boolean {
  return roles.length > 0 && !isGuestOnly(roles);
}
