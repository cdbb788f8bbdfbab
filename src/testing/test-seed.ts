import type { SeedInput } from '@/shared/seed.schema';

/** Passwords and AccessKeys of the test seed; tests sign in and sign requests with these. */
export const TEST_USERS = {
  admin: {
    UserId: '300001',
    UserName: 'ada',
    Password: 'ada-password-1',
    AccessKeyId: 'LTAItestAdmin001',
    AccessKeySecret: 'test-secret-admin-0001-abcdefgh',
  },
  dev: {
    UserId: '300002',
    UserName: 'dev1',
    Password: 'dev1-password-1',
    AccessKeyId: 'LTAItestDev00001',
    AccessKeySecret: 'test-secret-dev1-0001-abcdefghij',
  },
  dev2: {
    UserId: '300003',
    UserName: 'dev2',
    Password: 'dev2-password-1',
    AccessKeyId: 'LTAItestDev00002',
    AccessKeySecret: 'test-secret-dev2-0002-abcdefghij',
  },
  guest: {
    UserId: '300004',
    UserName: 'gus',
    Password: 'gus-password-1',
    AccessKeyId: 'LTAItestGuest001',
    AccessKeySecret: 'test-secret-guest-001-abcdefghij',
  },
  owner: {
    UserId: '300005',
    UserName: 'olga',
    Password: 'olga-password-1',
    AccessKeyId: 'LTAItestOwner001',
    AccessKeySecret: 'test-secret-owner-001-abcdefghij',
  },
  outsider: {
    UserId: '300006',
    UserName: 'otto',
    Password: 'otto-password-1',
    AccessKeyId: 'LTAItestOutsid01',
    AccessKeySecret: 'test-secret-outsider1-abcdefghij',
  },
} as const;
export type TestUser = keyof typeof TEST_USERS;

export const WS = '2001';
export const OTHER_WS = '2002';

/** Workspace 2001: admin, owner, two developers, a guest; 2002: the outsider's own. No code sources. */
export const testSeed: SeedInput = {
  workspaces: [
    { WorkspaceId: WS, WorkspaceName: 'test-main' },
    { WorkspaceId: OTHER_WS, WorkspaceName: 'test-other' },
  ],
  users: Object.values(TEST_USERS).map((u) => ({ ...u })),
  members: [
    { WorkspaceId: WS, UserId: TEST_USERS.admin.UserId, Roles: ['PAI.WorkspaceAdmin'] },
    { WorkspaceId: WS, UserId: TEST_USERS.owner.UserId, Roles: ['PAI.WorkspaceOwner'] },
    { WorkspaceId: WS, UserId: TEST_USERS.dev.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: WS, UserId: TEST_USERS.dev2.UserId, Roles: ['PAI.AlgoDeveloper'] },
    { WorkspaceId: WS, UserId: TEST_USERS.guest.UserId, Roles: ['PAI.WorkspaceGuest'] },
    { WorkspaceId: OTHER_WS, UserId: TEST_USERS.outsider.UserId, Roles: ['PAI.WorkspaceAdmin'] },
  ],
  codeSources: [],
};
