import { expect, expectAccessible, test } from './fixtures';
import { MAIN, USERS } from './e2e-seed';

test('keyboard only: sign in, search, open details, close them, read why an action is disabled', async ({ page, shot }) => {
  // A long journey on a shared 2-core machine.
  test.setTimeout(120_000);
  await page.goto(`/code-sources?workspace=${MAIN.id}`);
  // The user name field has focus on arrival.
  await expect(page.getByLabel('User name')).toBeFocused();
  await page.keyboard.type(USERS.dev.UserName);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(USERS.dev.Password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Code Configuration' })).toBeVisible();

  const search = page.getByRole('searchbox', { name: 'Search by name' });
  for (let i = 0; i < 15 && !(await search.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(search).toBeFocused();
  await page.keyboard.type('pinned');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/q=pinned/);
  await expect(page.getByText('1 in total')).toBeVisible();
  await shot('keyboard-searched');

  const link = page.getByRole('link', { name: 'pinned-commit', exact: true });
  for (let i = 0; i < 25 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(link).toBeFocused();
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog', { name: 'pinned-commit' });
  await expect(drawer).toBeVisible();
  await shot('keyboard-details');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  // Focus goes back to the link that opened the drawer.
  await expect(link).toBeFocused();

  // The row's "More" menu opens with Enter and is walked with the arrow keys.
  const more = page.getByRole('button', { name: 'More actions for pinned-commit' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu')).toBeVisible();
  // Focus moves into the menu, onto its first item; the arrow keys walk the items.
  await expect(page.getByRole('menuitem').nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem').nth(1)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();

  // Sorting by keyboard: the column header is focusable; Enter and Space sort.
  const header = page.getByRole('columnheader', { name: /^Name/ });
  await header.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/sort=DisplayName/);
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press(' ');
  await expect(header).toHaveAttribute('aria-sort', 'descending');

  // A colleague's code source: what the developer cannot do is disabled, and the menu says why in words
  // (a tooltip on a disabled control is out of a keyboard user's reach).
  await search.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('admin-public');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/q=admin-public/);
  // Edit is disabled yet reachable: on focus it says why, in view and as its description.
  const edit = page.getByRole('button', { name: 'Edit admin-public', exact: true });
  await expect(edit).toBeDisabled();
  const reason = 'Only its creator or a workspace admin can change this';
  await edit.focus();
  await expect(edit).toBeFocused();
  await expect(edit).toHaveAccessibleDescription(new RegExp(`^${reason}`));
  await expect(page.getByRole('tooltip', { name: reason })).toBeVisible();
  await shot('keyboard-edit-reason');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('form', { name: 'Edit Code Configuration' })).toHaveCount(0);
  const colleagues = page.getByRole('button', { name: 'More actions for admin-public', exact: true });
  await colleagues.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByText(reason)).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: 'Duplicate' })).toBeFocused();
  for (const name of ['Make private', 'Delete']) {
    const item = menu.getByRole('menuitem', { name });
    await expect(item).toHaveAttribute('aria-disabled', 'true');
    await expect(item).toHaveAccessibleDescription(reason);
  }
  await expectAccessible(page, 'row menu with disabled actions');
  await shot('keyboard-disabled-reason');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
});
