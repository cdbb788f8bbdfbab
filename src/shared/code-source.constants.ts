/** The contract's constants, apart from the schemas so the console's first screen needs no zod (bundle size). */

/** Field limits, written once for the API, the database and the form. */
export const limits = {
  displayName: 128,
  description: 1024,
  codeRepo: 1024,
  codeBranch: 255,
  mountPath: 1024,
  codeRepoUserName: 256,
  codeRepoAccessToken: 1024,
  clientToken: 64,
  workspaceId: 64,
  searchText: 128,
  pageSize: 100,
  pageNumber: 1_000_000,
  /** Code sources in one batch action. */
  batchItems: 100,
} as const;

export const DEFAULT_BRANCH = 'master';
export const DEFAULT_MOUNT_PATH = '/root/code/';
export const ACCESSIBILITIES = ['PRIVATE', 'PUBLIC'] as const;
export type Accessibility = (typeof ACCESSIBILITIES)[number];
export const SORT_BY = ['GmtCreateTime', 'GmtModifyTime', 'DisplayName', 'CodeSourceId'] as const;
export type SortBy = (typeof SORT_BY)[number];
export const ORDERS = ['ASC', 'DESC'] as const;
export type Order = (typeof ORDERS)[number];
/** What a change-history event records (admin.schema.ts has the event's schema). */
export const EVENT_ACTIONS = ['Create', 'Update', 'Publish', 'Unpublish', 'Delete', 'TransferOwner'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];
