import { expect, expectAccessible, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test('details: every field, copy buttons, token status, times, the training-job snippet, its own URL', async ({ page, context, shot }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id);
  // The list shows a pinned commit short, and makes clear it overrides the branch.
  await expect(row(page, 'pinned-commit').getByText('3f9c2a7', { exact: true })).toBeVisible();
  await expect(row(page, 'pinned-commit').getByText('pinned', { exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'pinned-commit', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'pinned-commit' });
  await expect(drawer).toBeVisible();
  await expect(page).toHaveURL(/\/code-sources\/code-/);
  const detailsUrl = page.url();
  await expect(drawer.getByText('git@github.com:e2e-org/pinned.git')).toBeVisible();
  await expect(drawer.getByText('Takes priority over the branch.')).toBeVisible();
  await expect(drawer.getByText('Not set')).toBeVisible();
  const created = drawer.locator('time').first();
  await expect(created).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const snippet = drawer.getByLabel('Use in a training job');
  await expect(snippet).toContainText('"Commit": "3f9c2a7d41be09e5c6a8d2f1b47e90c3a5d6e7f8"');
  await expect(snippet).toContainText('"MountPath": "/root/code/pinned/"');
  await expect(snippet).not.toContainText('"Branch"');
  await drawer.getByRole('button', { name: 'Copy ID' }).click();
  const id = await page.evaluate(() => navigator.clipboard.readText());
  expect(detailsUrl).toContain(id);
  await drawer.getByRole('button', { name: 'Copy Git address' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('git@github.com:e2e-org/pinned.git');
  await drawer.getByRole('button', { name: 'Copy local storage path' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('/root/code/pinned/');
  await expectAccessible(page, 'details');
  await shot('details');

  // A developer looking at a colleague's code source: actions disabled (reason on hover).
  await expect(drawer.getByRole('button', { name: 'Edit' })).toBeVisible();
  // A pasted link opens the drawer.
  await page.goto(detailsUrl);
  await expect(page.getByRole('dialog', { name: 'pinned-commit' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page).toHaveURL(/\/code-sources\?workspace=/);
  await shot('details-closed');
});
