import { expect, expectAccessible, expectNoHorizontalScroll, test } from './fixtures';
import { MAIN, USERS } from './e2e-seed';

test.use({ expectedFailures: [{ path: '/api/v1/session', status: 401 }] });

test('sign in: a clear error on failure, then back to the view the user asked for', async ({ page, shot }) => {
  const wanted = `/code-sources?workspace=${MAIN.id}&q=shared`;
  await page.goto(wanted);
  await expect(page).toHaveURL(/\/sign-in\?returnTo=/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'sign-in');
  await expectNoHorizontalScroll(page);
  await shot('sign-in');

  await page.getByLabel('User name').fill(USERS.dev.UserName);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The user name or password is incorrect.');
  await shot('sign-in-failed');

  await page.getByLabel('Password').fill(USERS.dev.Password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(wanted);
  await expect(page.getByRole('searchbox', { name: 'Search by name' })).toHaveValue('shared');
  await expect(page.getByRole('link', { name: 'shared-public', exact: true })).toBeVisible();
  await shot('returned-to-view');

  // Signing out ends the session; the list is behind sign-in again.
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto(`/code-sources?workspace=${MAIN.id}`);
  await expect(page).toHaveURL(/\/sign-in/);
});
