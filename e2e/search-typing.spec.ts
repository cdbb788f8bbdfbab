import { expect, openWorkspace, signIn, test } from './fixtures';
import { PAGING } from './e2e-seed';

const names = (page: import('@playwright/test').Page) => page.getByRole('table').getByRole('link').allTextContents();
const urlSearch = (page: import('@playwright/test').Page) => new URL(page.url()).searchParams.get('q') ?? '';

test('search box: typing key by key around the debounce keeps every character; the URL follows the box', async ({ page, shot }) => {
  test.setTimeout(120_000);
  await signIn(page, 'admin');
  await openWorkspace(page, PAGING.id);
  await expect(page.getByText('25 in total')).toBeVisible();
  const box = page.getByRole('searchbox', { name: 'Search by name' });

  // Just under, just over and well over the 300 ms debounce: over it, every key lands after a search has started.
  for (const [delay, text] of [
    [250, 'page-12'],
    [310, 'page-21'],
    [350, 'page-07'],
  ] as const) {
    await box.click();
    await box.pressSequentially(text, { delay });
    await expect(box).toHaveValue(text);
    await expect.poll(() => urlSearch(page)).toBe(text);
    await expect.poll(() => names(page)).toEqual([text]);
    await expect(page.getByText('1 in total')).toBeVisible();
    await expect(box).toHaveValue(text);
    if (delay !== 350) {
      await box.fill('');
      await expect.poll(() => urlSearch(page)).toBe('');
      await expect(page.getByText('25 in total')).toBeVisible();
    }
  }
  await shot('search-typed-slowly');

  // Back/forward change the URL from outside the box: the box follows.
  await page.goBack();
  await expect.poll(() => urlSearch(page)).not.toBe('page-07');
  const previous = urlSearch(page);
  await expect(box).toHaveValue(previous);
  await page.goForward();
  await expect.poll(() => urlSearch(page)).toBe('page-07');
  await expect(box).toHaveValue('page-07');
  await expect.poll(() => names(page)).toEqual(['page-07']);

  // "Clear search and filters" replaces the box too.
  await box.fill('no-such-name');
  await box.press('Enter');
  await expect(page.getByText('No matching code configurations')).toBeVisible();
  await page.getByRole('button', { name: 'Clear search and filters' }).click();
  await expect(box).toHaveValue('');
  await expect.poll(() => urlSearch(page)).toBe('');
  await expect(page.getByText('25 in total')).toBeVisible();
});
