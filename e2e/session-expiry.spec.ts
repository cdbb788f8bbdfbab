import { expect, openWorkspace, row, signIn, test } from './fixtures';
import { DRAWERS, USERS } from './e2e-seed';

// The save sent without a session, and whatever the page asks meanwhile, is answered 401 on purpose.
test.use({ expectedFailures: [{ path: '/api/v1/', status: 401 }] });

test('the session ends while editing: sign in again over the page, the typed values survive, Save goes through', async ({
  page,
  context,
  shot,
}) => {
  await signIn(page, 'dev');
  await openWorkspace(page, DRAWERS.id, '&q=expiry-target');
  await row(page, 'expiry-target').getByRole('button', { name: 'Edit expiry-target' }).click();
  const form = page.getByRole('form', { name: 'Edit Code Configuration' });
  await expect(form.getByLabel('Description')).toHaveValue('Saved description of expiry-target');
  await form.getByLabel('Description').fill('Typed while the session ended');

  // The session ends (the cookie is gone, as after an idle timeout or a sign-out elsewhere).
  await context.clearCookies();
  await form.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('User name')).toHaveValue('dev1');
  // The page stays under it, with what was typed.
  await expect(form.getByLabel('Description')).toHaveValue('Typed while the session ended');
  await expect(page).toHaveURL(/\/code-sources\/[^/?]+\/edit\?/);
  await shot('session-expired-dialog');

  await dialog.getByLabel('Password').fill(USERS.dev.Password);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog).toBeHidden();
  await expect(form.getByLabel('Description')).toHaveValue('Typed while the session ended');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved "expiry-target"')).toBeVisible();
  await expect(form).toBeHidden();

  await page.getByRole('link', { name: 'expiry-target', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'expiry-target' }).getByText('Typed while the session ended')).toBeVisible();
  await shot('saved-after-signing-in-again');
});

test('another user signing in over an ended session gets their own view, nothing of the previous form', async ({ page, context, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, DRAWERS.id, '&q=expiry-other-user');
  await row(page, 'expiry-other-user').getByRole('button', { name: 'Edit expiry-other-user' }).click();
  const form = page.getByRole('form', { name: 'Edit Code Configuration' });
  await form.getByLabel('Description').fill('Written by dev1, not for dev2');
  await context.clearCookies();
  await form.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.getByLabel('User name').fill(USERS.dev2.UserName);
  await dialog.getByLabel('Password').fill(USERS.dev2.Password);
  await dialog.getByRole('button', { name: 'Sign in' }).click();

  await expect(dialog).toBeHidden();
  await expect(form).toBeHidden();
  await expect(page.getByRole('button', { name: /dev2/ })).toBeVisible();
  await expect(page).toHaveURL(/\/code-sources\?workspace=\d+$/);
  await expect(page.getByText('Written by dev1, not for dev2')).toHaveCount(0);
  // dev2's own view of the workspace: dev1's PRIVATE code source is not in it.
  await expect(page.getByRole('heading', { level: 1, name: 'Code Configuration' })).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search by name' })).toHaveValue('');
  await expect(page.getByRole('link', { name: 'expiry-other-user', exact: true })).toHaveCount(0);
  await shot('other-user-signed-in');
});
