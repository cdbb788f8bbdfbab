import { expect, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test('make public (with confirmation) and make private again', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id, '&q=visibility-me');
  await expect(row(page, 'visibility-me').getByText('Private')).toBeVisible();
  await row(page, 'visibility-me').getByRole('button', { name: 'More actions for visibility-me' }).click();
  await page.getByRole('menuitem', { name: 'Make public' }).click();
  const dialog = page.getByRole('dialog', { name: 'Make "visibility-me" public?' });
  await expect(dialog.getByText('Every member of this workspace will be able to see it')).toBeVisible();
  await shot('confirm-public');
  await dialog.getByRole('button', { name: 'Make public' }).click();
  await expect(page.getByText('"visibility-me" is now public')).toBeVisible();
  await expect(row(page, 'visibility-me').getByText('Public')).toBeVisible();

  await row(page, 'visibility-me').getByRole('button', { name: 'More actions for visibility-me' }).click();
  await page.getByRole('menuitem', { name: 'Make private' }).click();
  const privateDialog = page.getByRole('dialog', { name: 'Make "visibility-me" private?' });
  await expect(privateDialog.getByText('Only its creator and the workspace admins will see it')).toBeVisible();
  await shot('confirm-private');
  await privateDialog.getByRole('button', { name: 'Make private' }).click();
  await expect(page.getByText('"visibility-me" is now private')).toBeVisible();
  await expect(row(page, 'visibility-me').getByText('Private')).toBeVisible();
  await shot('made-private');
});

test('delete with a confirmation that names it', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id);
  await row(page, 'delete-me').getByRole('button', { name: 'More actions for delete-me' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete "delete-me"?' });
  await expect(dialog).toBeVisible();
  await shot('confirm-delete');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Deleted "delete-me"')).toBeVisible();
  await expect(page.getByRole('link', { name: 'delete-me', exact: true })).toHaveCount(0);
  await shot('deleted');
});
