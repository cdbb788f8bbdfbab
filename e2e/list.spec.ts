import { expect, expectAccessible, expectNoHorizontalScroll, openWorkspace, signIn, test } from './fixtures';
import { PAGING } from './e2e-seed';

const names = (page: import('@playwright/test').Page) => page.getByRole('table').getByRole('link').allTextContents();

test('list: sort, search, page; reload and back/forward restore the view', async ({ page, shot }) => {
  // A long journey on a shared 2-core machine.
  test.setTimeout(120_000);
  await signIn(page, 'admin');
  await openWorkspace(page, PAGING.id);
  await expect(page.getByText('25 in total')).toBeVisible();
  // Newest first by default.
  expect((await names(page))[0]).toBe('page-25');
  await expectAccessible(page, 'list');
  await expectNoHorizontalScroll(page);
  await shot('list-default');

  await page.getByRole('columnheader', { name: /^Name/ }).click();
  await expect(page).toHaveURL(/sort=DisplayName/);
  await expect(page).toHaveURL(/order=asc/);
  await expect.poll(async () => (await names(page))[0]).toBe('page-01');
  await page.getByRole('columnheader', { name: /^Name/ }).click();
  await expect.poll(async () => (await names(page))[0]).toBe('page-25');
  await expect(page).not.toHaveURL(/order=asc/);

  await page.getByRole('columnheader', { name: /^Name/ }).click();
  await page.getByTitle('Next Page').click();
  await expect(page).toHaveURL(/page=2/);
  await expect.poll(async () => (await names(page))[0]).toBe('page-21');
  await shot('list-sorted-page-2');

  // Page size 10.
  await page.getByRole('combobox', { name: /page/i }).click();
  await page.getByTitle('10 / page').click();
  await expect(page).toHaveURL(/size=10/);
  await expect.poll(async () => (await names(page)).length).toBe(10);
  await page.getByTitle('3', { exact: true }).click();
  await expect.poll(async () => await names(page)).toEqual(['page-21', 'page-22', 'page-23', 'page-24', 'page-25']);
  const pagedUrl = page.url();

  // Reload restores exactly this view.
  await page.reload();
  await expect.poll(async () => await names(page)).toEqual(['page-21', 'page-22', 'page-23', 'page-24', 'page-25']);
  expect(page.url()).toBe(pagedUrl);

  // Search (debounced), then back restores the page before it.
  await page.getByRole('searchbox', { name: 'Search by name' }).fill('page-1');
  await expect(page).toHaveURL(/q=page-1/);
  await expect.poll(async () => (await names(page)).length).toBe(10);
  await expect(page.getByText('10 in total')).toBeVisible();
  await shot('list-searched');
  await page.getByRole('searchbox', { name: 'Search by name' }).fill('no-such-name');
  await expect(page.getByText('No matching code configurations')).toBeVisible();
  await shot('list-no-results');
  await page.getByRole('button', { name: 'Clear search and filters' }).click();
  await expect(page.getByText('25 in total')).toBeVisible();
  // Each settled search is a step in history.
  for (let i = 0; i < 3; i++) await page.goBack();
  await expect(page).toHaveURL(pagedUrl);
  await expect.poll(async () => await names(page)).toEqual(['page-21', 'page-22', 'page-23', 'page-24', 'page-25']);
  await page.goForward();
  await expect(page).toHaveURL(/q=/);
});
