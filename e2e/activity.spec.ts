import type { Page } from '@playwright/test';
import { expect, expectAccessible, expectNoHorizontalScroll, openWorkspace, row, signIn, test } from './fixtures';
import { ACTIVITY, USERS } from './e2e-seed';

/** The activity table's row of an event: its action in words and the code source it touched. */
function eventRow(page: Page, action: string, name: string) {
  return page
    .getByRole('table', { name: 'Workspace activity' })
    .getByRole('row')
    .filter({ has: page.getByText(action, { exact: true }) })
    .filter({ hasText: name });
}

async function choose(page: Page, filter: string, option: string) {
  await page.getByRole('combobox', { name: filter }).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
}

// In order, in one worker: the developer's view comes after the admin's changes.
test.describe.configure({ mode: 'serial' });

test("an admin changes an item, reads its history, then the workspace's activity with filters", async ({ page, shot }) => {
  await signIn(page, 'admin');
  await openWorkspace(page, ACTIVITY.id);

  // Two changes through the console: an edit (description, branch, a new token), then make private.
  await row(page, 'act-tracked').getByRole('button', { name: 'Edit act-tracked' }).click();
  const form = page.getByRole('form', { name: 'Edit Code Configuration' });
  await form.getByLabel('Description').fill('Second version');
  await form.getByLabel('Code Branch').fill('develop');
  await form.getByLabel('Access Token').fill('act-token-0002');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved "act-tracked"')).toBeVisible();
  await expect(form).toBeHidden();
  await row(page, 'act-tracked').getByRole('button', { name: 'More actions for act-tracked' }).click();
  await page.getByRole('menuitem', { name: 'Make private' }).click();
  await page.getByRole('dialog', { name: 'Make "act-tracked" private?' }).getByRole('button', { name: 'Make private' }).click();
  await expect(page.getByText('"act-tracked" is now private')).toBeVisible();

  // Its history: newest first, who / how / when / what, the token only in words.
  await page.getByRole('link', { name: 'act-tracked', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'act-tracked' });
  await drawer.getByRole('tab', { name: 'History' }).click();
  const history = drawer.getByRole('list', { name: 'Change history' });
  const entries = history.getByRole('article');
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toHaveAccessibleName('Made private by ada');
  await expect(entries.nth(1)).toHaveAccessibleName('Updated by ada');
  await expect(entries.nth(2)).toHaveAccessibleName('Created by dev1');
  await expect(entries.nth(0)).toContainText('in the console');
  await expect(entries.nth(0)).toContainText('Visibility: Public → to Private');
  await expect(entries.nth(1)).toContainText('Description: First version → to Second version');
  await expect(entries.nth(1)).toContainText('Code Branch: master → to develop');
  await expect(entries.nth(1)).toContainText('Access Token: changed');
  await expect(entries.nth(2)).toContainText('from the seed file');
  await expect(entries.nth(2)).toContainText('Access Token: set');
  await expect(entries.nth(0).locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  await expect(drawer).not.toContainText('act-token');
  await expectAccessible(page, 'history tab');
  await shot('history');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // The workspace's activity, from the header's navigation.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page).toHaveURL(new RegExp(`/activity\\?workspace=${ACTIVITY.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  await expect(eventRow(page, 'Made private', 'act-tracked')).toHaveCount(1);
  await expect(eventRow(page, 'Created', 'act-dev2-secret')).toHaveCount(1);
  await expect(page.getByText('You see the events of the code configurations you can see now')).toHaveCount(0);
  await expectNoHorizontalScroll(page);
  await shot('activity');

  // Filters: action and user, both in the URL.
  await choose(page, 'Action filter', 'Updated');
  await choose(page, 'User filter', 'ada');
  await expect(page).toHaveURL(/[?&]action=Update(&|$)/);
  await expect(page).toHaveURL(new RegExp(`[?&]user=${USERS.admin.UserId}(&|$)`));
  const rows = page.getByRole('table', { name: 'Workspace activity' }).getByRole('row');
  await expect(rows).toHaveCount(2); // the header and one event
  await expect(eventRow(page, 'Updated', 'act-tracked')).toContainText('Description: First version → to Second version');
  await expectAccessible(page, 'activity, filtered');
  await shot('activity-filtered');

  // A link to the item, which still exists: its details drawer; back returns to the filtered activity.
  await eventRow(page, 'Updated', 'act-tracked').getByRole('link', { name: 'act-tracked' }).click();
  await expect(page.getByRole('dialog', { name: 'act-tracked' })).toBeVisible();
  await expect(page).toHaveURL(/\/code-sources\/[^/?]+\?workspace=3009$/);
  await page.goBack();
  await expect(page).toHaveURL(/[?&]action=Update(&|$)/);
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole('combobox', { name: 'Action filter' }).locator('..')).toHaveText('Updated');
});

test('a developer sees the activity of what they may see, and is told so', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await page.goto(`/activity?workspace=${ACTIVITY.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  await expect(
    page.getByText(
      'You see the events of the code configurations you can see now (public ones and your own); workspace admins see all activity.',
    ),
  ).toBeVisible();
  await expect(eventRow(page, 'Created', 'act-dev1-own')).toHaveCount(1);
  await expect(eventRow(page, 'Created', 'act-tracked')).toHaveCount(1);
  // dev2's private one is not theirs to see, nor anything that happened to it.
  await expect(page.getByRole('table', { name: 'Workspace activity' })).not.toContainText('act-dev2-secret');
  await shot('activity-developer');
});
