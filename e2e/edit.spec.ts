import { expect, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test('edit: keep the token, then replace it, then remove it', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id, '&q=edit-me');
  await row(page, 'edit-me').getByRole('button', { name: 'Edit edit-me' }).click();
  const form = page.getByRole('form', { name: 'Edit Code Configuration' });
  await expect(form.getByLabel('Description')).toHaveValue('Before');
  await expect(form.getByLabel('Access Token')).toHaveValue('');
  await expect(form.getByLabel('Access Token')).toHaveAttribute('placeholder', 'Set — leave empty to keep it');
  await expect(form.getByText('Change it with Make public / Make private.')).toBeVisible();
  await shot('edit-form');

  // Closing with unsaved changes asks first; "Keep editing" keeps them.
  await form.getByLabel('Description').fill('Unsaved');
  await form.getByRole('button', { name: 'Cancel' }).click();
  const discard = page.getByRole('dialog', { name: 'Discard your changes?' });
  await expect(discard).toBeVisible();
  await shot('discard-prompt');
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(discard).toBeHidden();
  await expect(form.getByLabel('Description')).toHaveValue('Unsaved');

  await form.getByLabel('Description').fill('After');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved "edit-me"')).toBeVisible();
  await page.getByRole('link', { name: 'edit-me', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'edit-me' });
  await expect(drawer.getByText('After')).toBeVisible();
  await expect(drawer.getByText('Set', { exact: true })).toBeVisible();
  await shot('details-token-kept');

  await drawer.getByRole('button', { name: 'Edit' }).click();
  const form2 = page.getByRole('form', { name: 'Edit Code Configuration' });
  await form2.getByLabel('Access Token').fill('second-token-0002');
  await form2.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved "edit-me"').last()).toBeVisible();
  await expect(form2).toBeHidden();
  await expect(drawer.getByText('Set', { exact: true })).toBeVisible();

  await drawer.getByRole('button', { name: 'Edit' }).click();
  const form3 = page.getByRole('form', { name: 'Edit Code Configuration' });
  await form3.getByRole('button', { name: 'Remove token' }).click();
  await expect(form3.getByText('The token will be removed when you save.')).toBeVisible();
  await shot('edit-remove-token');
  await form3.getByRole('button', { name: 'Save' }).click();
  await expect(form3).toBeHidden();
  await expect(drawer.getByText('Not set', { exact: true })).toBeVisible();
  await shot('details-token-removed');
});
