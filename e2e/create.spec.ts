import { expect, expectAccessible, expectNoHorizontalScroll, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test.use({ expectedFailures: [{ path: '/api/v1/codesources', status: 409 }] });

test('create: validation errors, a credential in the URL, a duplicate name, then success', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id);
  await page.getByRole('button', { name: 'Create Code Configuration' }).click();
  const form = page.getByRole('form', { name: 'Create Code Configuration' });
  await expect(form).toBeVisible();
  await expect(form.getByLabel('Code Branch')).toHaveValue('master');
  await expect(form.getByLabel('Local Storage Path')).toHaveValue('/root/code/');
  await expectAccessible(page, 'create form');
  await shot('form-empty');

  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Required')).toHaveCount(2);
  await form.getByLabel('Git Address').fill('https://dev1:ghp_token@github.com/e2e-org/new.git');
  await form.getByLabel('Git Address').blur();
  await expect(
    form.getByText('Do not put a user name or token in the address; use the Git Username and Access Token fields'),
  ).toBeVisible();
  await form.getByLabel('Code Commit').fill('not-a-hash');
  await form.getByLabel('Code Commit').blur();
  await expect(form.getByText('A commit hash of 7 to 40 (or 64) hexadecimal characters')).toBeVisible();
  await expectAccessible(page, 'create form with errors');
  await shot('form-errors');

  // A name that is taken (409) lands on the Name field.
  await form.getByLabel('Name', { exact: true }).fill('shared-public');
  await form.getByLabel('Git Address').fill('git@github.com:e2e-org/new.git');
  await form.getByLabel('Code Commit').fill('');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.getByText('This name is already used in this workspace')).toBeVisible();
  await shot('form-duplicate-name');

  await form.getByLabel('Name', { exact: true }).fill('created-in-e2e');
  await form.getByLabel('Description').fill('Made by the create journey');
  await form.getByLabel('Git Username').fill('dev1');
  await form.getByLabel('Access Token').fill('ghp_e2e_token_1');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Created "created-in-e2e"')).toBeVisible();
  await expect(form).toBeHidden();
  await expect(row(page, 'created-in-e2e')).toBeVisible();
  await expect(row(page, 'created-in-e2e')).toHaveClass(/row-highlight/);
  await expectNoHorizontalScroll(page);
  await shot('created');
});
