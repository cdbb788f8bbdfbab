import type { SeedInput } from '@/shared/seed.schema';
import { generatedName } from '@/testing/generated-names';

/** Who signs in during the journeys. */
export const USERS = {
  admin: { UserId: '400001', UserName: 'ada', Password: 'ada-e2e-password' },
  dev: { UserId: '400002', UserName: 'dev1', Password: 'dev1-e2e-password' },
  dev2: { UserId: '400003', UserName: 'dev2', Password: 'dev2-e2e-password' },
  guest: { UserId: '400004', UserName: 'gus', Password: 'gus-e2e-password' },
  /** Only the sign-in throttling journey uses this account: wrong passwords on purpose. */
  lou: { UserId: '400005', UserName: 'lou', Password: 'lou-e2e-password' },
  /** Only the AccessKeys journey uses this account: it creates and disables keys of its own. */
  kay: { UserId: '400006', UserName: 'kay', Password: 'kay-e2e-password' },
} as const;

/**
 * Only the upstream journey signs in as uma, with her AccessKey, to a second server that runs in front of this one
 * (`PAI_ENDPOINT`, e2e/global-setup.ts): this server plays PAI.
 */
export const UPSTREAM_USER = {
  UserId: '400007',
  UserName: 'uma',
  Password: 'uma-e2e-password',
  AccessKeyId: 'LTAIe2eUpstreamUma01',
  AccessKeySecret: 'e2e-upstream-secret-of-uma-000001',
} as const;
export type E2EUser = keyof typeof USERS;

export const MAIN = { id: '3001', name: 'E2E Main' };
export const PAGING = { id: '3002', name: 'E2E Paging' };
/** Only the activity journey works here, so its history is its own while other journeys run; named to sort last, so no one's default workspace. */
export const ACTIVITY = { id: '3009', name: 'E2E Team Activity' };
/**
 * Only the bulk-actions journey changes this workspace (its batches would disturb the others' rows). Its name sorts
 * after the others', so no user's default (first) workspace changes.
 */
export const BULK = { id: '3003', name: 'E2E Selection' };
/**
 * The drawer-URL, session-expiry and edit-conflict journeys work here, on code sources of their own (each finds
 * its rows by searching its own prefix). Named to sort last, so no one's default workspace.
 */
export const DRAWERS = { id: '3010', name: 'E2E Zone Drawers' };
/**
 * Only the typing-responsiveness journey reads this workspace: 10,000 code sources with the bench's generated names
 * (`nlp-bert-finetune-4230`). Only the admin is a member, and its name sorts last, so no one's default workspace.
 */
export const TYPING = { id: '3011', name: 'E2E Zone Typing', rows: 10_000 };
/** Only the AccessKeys journey's user is a member here (named to sort last, so no one else's default workspace). */
export const KEYS = { id: '3012', name: 'E2E Zone Keys' };
/** Only the upstream journey works here (uma, a developer; dev2 keeps one PRIVATE and one PUBLIC code source). */
export const UPSTREAM = { id: '3013', name: 'E2E Zone Upstream' };

/**
 * SSH addresses: saving through the form checks https:// remotes first, and these journeys must not make the server
 * look up a name outside this machine. The Git journey uses the local Git fixture instead.
 */
const repo = (name: string) => `git@github.com:e2e-org/${name}.git`;

/** A fresh database for every run: admin, two developers, a guest, some code sources, one PRIVATE of dev2. */
export const e2eSeed: SeedInput = {
  workspaces: [
    { WorkspaceId: MAIN.id, WorkspaceName: MAIN.name },
    { WorkspaceId: PAGING.id, WorkspaceName: PAGING.name },
    { WorkspaceId: ACTIVITY.id, WorkspaceName: ACTIVITY.name },
    { WorkspaceId: BULK.id, WorkspaceName: BULK.name },
    { WorkspaceId: DRAWERS.id, WorkspaceName: DRAWERS.name },
    { WorkspaceId: TYPING.id, WorkspaceName: TYPING.name },
    { WorkspaceId: KEYS.id, WorkspaceName: KEYS.name },
    { WorkspaceId: UPSTREAM.id, WorkspaceName: UPSTREAM.name },
  ],
  users: [...Object.values(USERS).map((u) => ({ ...u })), { ...UPSTREAM_USER }],
  members: [
    { WorkspaceId: MAIN.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: MAIN.id, UserId: USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: MAIN.id, UserId: USERS.dev2.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: MAIN.id, UserId: USERS.guest.UserId, Roles: ['PAI.WorkspaceGuest'] },
    { WorkspaceId: MAIN.id, UserId: USERS.lou.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: PAGING.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: PAGING.id, UserId: USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    // A developer in one workspace and an admin in the other: a details link naming the wrong one must not lend its role.
    { WorkspaceId: PAGING.id, UserId: USERS.dev2.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: ACTIVITY.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: ACTIVITY.id, UserId: USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: ACTIVITY.id, UserId: USERS.dev2.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: BULK.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: BULK.id, UserId: USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: BULK.id, UserId: USERS.dev2.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: BULK.id, UserId: USERS.guest.UserId, Roles: ['PAI.WorkspaceGuest'] },
    { WorkspaceId: DRAWERS.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: DRAWERS.id, UserId: USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: DRAWERS.id, UserId: USERS.dev2.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: TYPING.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: KEYS.id, UserId: USERS.kay.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: UPSTREAM.id, UserId: UPSTREAM_USER.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: UPSTREAM.id, UserId: USERS.dev2.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: UPSTREAM.id, UserId: USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
  ],
  codeSources: [
    ...['url-edit-target', 'expiry-target', 'expiry-other-user', 'conflict-target'].map((name) => ({
      UserId: USERS.dev.UserId,
      WorkspaceId: DRAWERS.id,
      DisplayName: name,
      Description: `Saved description of ${name}`,
      CodeRepo: repo(name),
    })),
    {
      UserId: USERS.dev.UserId,
      WorkspaceId: MAIN.id,
      DisplayName: 'shared-public',
      Description: 'Shared training scripts',
      CodeRepo: repo('shared'),
      Accessibility: 'PUBLIC',
    },
    {
      UserId: USERS.dev2.UserId,
      WorkspaceId: MAIN.id,
      DisplayName: 'dev2-secret',
      Description: 'Private to dev2',
      CodeRepo: repo('secret'),
      Accessibility: 'PRIVATE',
    },
    {
      UserId: USERS.dev.UserId,
      WorkspaceId: MAIN.id,
      DisplayName: 'pinned-commit',
      CodeRepo: 'git@github.com:e2e-org/pinned.git',
      CodeBranch: 'main',
      CodeCommit: '3f9c2a7d41be09e5c6a8d2f1b47e90c3a5d6e7f8',
      MountPath: '/root/code/pinned/',
      Accessibility: 'PUBLIC',
    },
    {
      UserId: USERS.dev.UserId,
      WorkspaceId: MAIN.id,
      DisplayName: 'edit-me',
      Description: 'Before',
      CodeRepo: repo('edit-me'),
      CodeRepoUserName: 'dev1',
      CodeRepoAccessToken: 'first-token-0001',
      Accessibility: 'PRIVATE',
    },
    { UserId: USERS.dev.UserId, WorkspaceId: MAIN.id, DisplayName: 'delete-me', CodeRepo: repo('delete-me'), Accessibility: 'PUBLIC' },
    {
      UserId: USERS.dev.UserId,
      WorkspaceId: MAIN.id,
      DisplayName: 'visibility-me',
      CodeRepo: repo('visibility-me'),
      Accessibility: 'PRIVATE',
    },
    {
      UserId: USERS.admin.UserId,
      WorkspaceId: MAIN.id,
      DisplayName: 'admin-public',
      CodeRepo: repo('admin'),
      CodeBranch: 'release/1.0',
      Accessibility: 'PUBLIC',
    },
    {
      UserId: USERS.dev.UserId,
      WorkspaceId: ACTIVITY.id,
      DisplayName: 'act-tracked',
      Description: 'First version',
      CodeRepo: repo('act-tracked'),
      CodeRepoUserName: 'dev1',
      CodeRepoAccessToken: 'act-token-0001',
      Accessibility: 'PUBLIC',
    },
    {
      UserId: USERS.dev.UserId,
      WorkspaceId: ACTIVITY.id,
      DisplayName: 'act-dev1-own',
      CodeRepo: repo('act-own'),
      Accessibility: 'PRIVATE',
    },
    {
      UserId: USERS.dev2.UserId,
      WorkspaceId: ACTIVITY.id,
      DisplayName: 'act-dev2-secret',
      CodeRepo: repo('act-secret'),
      Accessibility: 'PRIVATE',
    },
    ...Array.from({ length: 25 }, (_, i) => ({
      UserId: USERS.admin.UserId,
      WorkspaceId: PAGING.id,
      DisplayName: `page-${String(i + 1).padStart(2, '0')}`,
      CodeRepo: repo(`page-${i + 1}`),
      Accessibility: 'PUBLIC' as const,
    })),
    ...(
      [
        ['bulk-dev1-a', USERS.dev.UserId, 'PUBLIC'],
        ['bulk-dev1-b', USERS.dev.UserId, 'PUBLIC'],
        ['bulk-dev1-c', USERS.dev.UserId, 'PUBLIC'],
        ['bulk-dev1-private', USERS.dev.UserId, 'PRIVATE'],
        ['bulk-dev2-public', USERS.dev2.UserId, 'PUBLIC'],
        ['bulk-dev2-private', USERS.dev2.UserId, 'PRIVATE'],
        ['bulk-handover', USERS.dev2.UserId, 'PRIVATE'],
        ['bulk-admin-public', USERS.admin.UserId, 'PUBLIC'],
      ] as const
    ).map(([name, userId, access]) => ({
      UserId: userId,
      WorkspaceId: BULK.id,
      DisplayName: name,
      CodeRepo: repo(name),
      Accessibility: access,
    })),
    ...(['PUBLIC', 'PRIVATE'] as const).map((access) => ({
      UserId: USERS.dev2.UserId,
      WorkspaceId: UPSTREAM.id,
      DisplayName: `up-dev2-${access.toLowerCase()}`,
      CodeRepo: repo(`up-dev2-${access.toLowerCase()}`),
      Accessibility: access,
    })),
    // Applied with the rest in the seed's one transaction (src/server/seed.ts), so 10,000 rows cost one commit.
    ...Array.from({ length: TYPING.rows }, (_, i) => ({
      UserId: USERS.admin.UserId,
      WorkspaceId: TYPING.id,
      DisplayName: generatedName(i),
      CodeRepo: repo(generatedName(i)),
      Accessibility: i % 3 === 0 ? ('PUBLIC' as const) : ('PRIVATE' as const),
    })),
  ],
};
