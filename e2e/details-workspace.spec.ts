import { expect, expectAccessible, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN, PAGING } from './e2e-seed';

/** The details URL of a code source, from its link in the list. */
async function detailsPath(page: import('@playwright/test').Page, name: string) {
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('dialog', { name })).toBeVisible();
  const path = new URL(page.url()).pathname;
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name })).toBeHidden();
  return path;
}

test('a details link naming another workspace shows the item in its own workspace, with the roles held there', async ({ page, shot }) => {
  // A long journey on a shared 2-core machine.
  test.setTimeout(120_000);
  // dev2: developer in E2E Main, admin in E2E Paging.
  await signIn(page, 'dev2');
  await openWorkspace(page, MAIN.id);
  const adminsItem = await detailsPath(page, 'admin-public');

  await page.goto(`${adminsItem}?workspace=${PAGING.id}`);
  const drawer = page.getByRole('dialog', { name: 'admin-public' });
  await expect(drawer).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`workspace=${MAIN.id}`));
  await expect(page.getByRole('banner').getByText(MAIN.name)).toBeVisible();
  // A developer's rights in E2E Main, not an admin's from E2E Paging.
  await expect(drawer.getByRole('button', { name: 'Edit' })).toBeDisabled();
  await expect(drawer.getByText('Only its creator or a workspace admin can change this')).toBeVisible();
  await expect(row(page, 'admin-public')).toBeVisible();
  await shot('details-own-workspace');

  // A delete from such a link refreshes the item's workspace's list.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Create Code Configuration' }).click();
  const form = page.getByRole('form', { name: 'Create Code Configuration' });
  await form.getByLabel('Name', { exact: true }).fill('wrong-link-delete');
  await form.getByLabel('Git Address').fill('git@github.com:e2e-org/wrong-link.git');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(row(page, 'wrong-link-delete')).toBeVisible();
  const ownItem = await detailsPath(page, 'wrong-link-delete');

  await page.goto(`${ownItem}?workspace=${PAGING.id}`);
  const own = page.getByRole('dialog', { name: 'wrong-link-delete' });
  await expect(own).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`workspace=${MAIN.id}`));
  await expect(row(page, 'wrong-link-delete')).toBeVisible();
  await expectAccessible(page, 'details from a link naming another workspace');
  await own.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete "wrong-link-delete"?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Deleted "wrong-link-delete"')).toBeVisible();
  await expect(own).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/code-sources\\?workspace=${MAIN.id}`));
  await expect(page.getByRole('link', { name: 'wrong-link-delete', exact: true })).toHaveCount(0);
  await shot('deleted-from-link');
});
