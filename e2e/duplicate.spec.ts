import { expect, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test('duplicate: the create form pre-filled, name suffixed, token not copied', async ({ page, shot }) => {
  await signIn(page, 'dev2');
  await openWorkspace(page, MAIN.id);
  await row(page, 'admin-public').getByRole('button', { name: 'More actions for admin-public' }).click();
  await page.getByRole('menuitem', { name: 'Duplicate' }).click();
  const form = page.getByRole('form', { name: 'Create Code Configuration' });
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('admin-public-copy');
  await expect(form.getByLabel('Git Address')).toHaveValue('git@github.com:e2e-org/admin.git');
  await expect(form.getByLabel('Code Branch')).toHaveValue('release/1.0');
  await expect(form.getByLabel('Access Token')).toHaveValue('');
  await shot('duplicate-form');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Created "admin-public-copy"')).toBeVisible();
  await expect(row(page, 'admin-public-copy')).toBeVisible();
  // Creator is not among the default columns: shown from the column settings.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Creator' }).click();
  await page.keyboard.press('Escape');
  await expect(row(page, 'admin-public-copy').getByRole('cell', { name: 'dev2', exact: true })).toBeVisible();
  await shot('duplicated');
});
