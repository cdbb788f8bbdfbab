import type { Page } from '@playwright/test';
import { expect, expectNoHorizontalScroll, openWorkspace, signIn, test } from './fixtures';
import { PAGING } from './e2e-seed';

const headers = (page: Page) => page.getByRole('table').getByRole('columnheader').allTextContents();
/** How far the table's own box scrolls sideways (0: every shown column fits). */
const tableOverflow = (page: Page) =>
  page.getByRole('table').evaluate((table) => {
    const box = table.parentElement!;
    return box.scrollWidth - box.clientWidth;
  });

test('column settings: the default columns fit 1280 px; a hidden column stays hidden after a reload, for that user only', async ({
  page,
  shot,
}) => {
  await signIn(page, 'admin');
  await openWorkspace(page, PAGING.id);
  expect(await headers(page)).toEqual(['', 'Name', 'ID', 'Git Address', 'Branch / Commit', 'Visibility', 'Actions']);
  expect(await tableOverflow(page), 'the default columns scroll sideways at 1280 px').toBeLessThanOrEqual(0);
  await shot('columns-default-1280');

  await page.getByRole('button', { name: 'Columns' }).click();
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitemcheckbox', { name: 'Git Address' })).toHaveAttribute('aria-checked', 'true');
  await menu.getByRole('menuitemcheckbox', { name: 'Git Address' }).click();
  await menu.getByRole('menuitemcheckbox', { name: 'Modified' }).click();
  await expect(menu.getByRole('menuitemcheckbox', { name: 'Modified' })).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  expect(await headers(page)).toEqual(['', 'Name', 'ID', 'Branch / Commit', 'Visibility', 'Modified', 'Actions']);

  await page.reload();
  await expect(page.getByRole('table')).toBeVisible();
  expect(await headers(page)).toEqual(['', 'Name', 'ID', 'Branch / Commit', 'Visibility', 'Modified', 'Actions']);
  // Sorting by a column that was shown from the menu.
  await page.getByRole('columnheader', { name: /^Modified/ }).click();
  await expect(page.getByRole('columnheader', { name: /^Modified/ })).toHaveAttribute('aria-sort', 'ascending');

  // Another user in the same browser: their own (default) columns.
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await signIn(page, 'dev2', `/code-sources?workspace=${PAGING.id}`);
  await expect(page.getByRole('table')).toBeVisible();
  expect(await headers(page)).toEqual(['', 'Name', 'ID', 'Git Address', 'Branch / Commit', 'Visibility', 'Actions']);

  // Back to the first user, then "Reset to default".
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await signIn(page, 'admin', `/code-sources?workspace=${PAGING.id}`);
  await expect(page.getByRole('table')).toBeVisible();
  expect(await headers(page)).toEqual(['', 'Name', 'ID', 'Branch / Commit', 'Visibility', 'Modified', 'Actions']);
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('menuitem', { name: 'Reset to default' }).click();
  await expect.poll(() => headers(page)).toEqual(['', 'Name', 'ID', 'Git Address', 'Branch / Commit', 'Visibility', 'Actions']);
});

test('the list on a phone: no page-level sideways scroll; the table scrolls in its box with name and actions in view', async ({
  page,
  shot,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'admin');
  await openWorkspace(page, PAGING.id);
  await expectNoHorizontalScroll(page);
  await shot('list-390');
  await expect(page.getByRole('link', { name: 'page-25', exact: true })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'More actions for page-25' })).toBeInViewport();
});
