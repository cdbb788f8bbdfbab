import { expect, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test("a developer cannot see a colleague's PRIVATE code source; an admin can", async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id);
  await expect(page.getByRole('link', { name: 'shared-public', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'dev2-secret', exact: true })).toHaveCount(0);
  // A colleague's public one: visible, but not editable (disabled, reason on hover).
  await expect(row(page, 'admin-public').getByRole('button', { name: 'Edit admin-public' })).toBeDisabled();
  await shot('developer-view');

  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await signIn(page, 'admin', `/code-sources?workspace=${MAIN.id}`);
  await expect(page.getByRole('link', { name: 'dev2-secret', exact: true })).toBeVisible();
  await expect(row(page, 'dev2-secret').getByRole('button', { name: 'Edit dev2-secret' })).toBeEnabled();
  // Admins manage visibility across the workspace with the filters.
  await page.getByRole('combobox', { name: 'Visibility filter' }).click();
  await page.getByTitle('Private', { exact: true }).click();
  await expect(page).toHaveURL(/visibility=PRIVATE/);
  await expect(page.getByRole('link', { name: 'shared-public', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'dev2-secret', exact: true })).toBeVisible();
  await shot('admin-view-private-filter');
});

test('a guest cannot create and sees a read-only page', async ({ page, shot }) => {
  await signIn(page, 'guest');
  await openWorkspace(page, MAIN.id);
  await expect(page.getByText('You have read-only access to this workspace')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create Code Configuration' })).toBeDisabled();
  await expect(page.getByRole('button', { name: /^Edit / })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Details of shared-public' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'dev2-secret', exact: true })).toHaveCount(0);
  await shot('guest-view');
  await page.getByRole('link', { name: 'shared-public', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'shared-public' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await shot('guest-details');
});

test.describe('not a member', () => {
  // The first screen asks for the list together with the workspaces, before it knows the caller is not a member there.
  test.use({ expectedFailures: [{ path: '/api/v1/codesources?WorkspaceId=9999', status: 403 }] });
  test('a workspace the user is not a member of shows the not-a-member state', async ({ page, shot }) => {
    await signIn(page, 'guest');
    await page.goto('/code-sources?workspace=9999');
    await expect(page.getByRole('heading', { name: 'You are not a member of this workspace' })).toBeVisible();
    await shot('not-member');
    await page.getByRole('button', { name: 'Go to my workspace' }).click();
    await expect(page).toHaveURL(new RegExp(`workspace=${MAIN.id}`));
  });
});
