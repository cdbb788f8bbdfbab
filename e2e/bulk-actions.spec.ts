import type { APIRequestContext, Page } from '@playwright/test';
import { expect, expectAccessible, expectNoHorizontalScroll, openWorkspace, row, signIn, test } from './fixtures';
import { BULK, USERS, type E2EUser } from './e2e-seed';

/** Another person at work meanwhile: their own session on the API, not the browser's. */
async function otherSession(request: APIRequestContext, who: E2EUser) {
  const origin = new URL(process.env.E2E_BASE_URL!).origin;
  const signedIn = await request.post('/api/v1/session', {
    data: { UserName: USERS[who].UserName, Password: USERS[who].Password },
    headers: { origin },
  });
  expect(signedIn.status()).toBe(200);
  const { CsrfToken } = (await signedIn.json()) as { CsrfToken: string };
  return {
    async idOf(name: string): Promise<string> {
      const res = await request.get(`/api/v1/codesources?WorkspaceId=${BULK.id}&DisplayName=${encodeURIComponent(name)}`);
      const { CodeSources } = (await res.json()) as { CodeSources: { CodeSourceId: string; DisplayName: string }[] };
      return CodeSources.find((c) => c.DisplayName === name)!.CodeSourceId;
    },
    async delete(id: string) {
      const res = await request.delete(`/api/v1/codesources/${id}`, { headers: { origin, 'x-csrf-token': CsrfToken } });
      expect(res.status()).toBe(200);
    },
  };
}

const counts = (page: Page) => page.getByRole('group', { name: 'Code configurations in this workspace by visibility' });
const bar = (page: Page) => page.getByRole('toolbar', { name: 'Bulk actions' });
const selectBox = (page: Page, name: string) => page.getByRole('checkbox', { name: `Select ${name}` });

test('an admin filters, selects a page, makes it private (one row was deleted meanwhile) and reads the result', async ({
  page,
  request,
  shot,
}) => {
  await signIn(page, 'admin');
  await openWorkspace(page, BULK.id);
  await expect(counts(page).getByRole('button', { name: 'Public 5' })).toBeVisible();
  await expect(counts(page).getByRole('button', { name: 'Private 3' })).toBeVisible();

  // "Every PUBLIC one of dev1": the count filters by visibility, then "created by".
  await counts(page).getByRole('button', { name: 'Public 5' }).click();
  await expect(page).toHaveURL(/visibility=PUBLIC/);
  await page.getByRole('combobox', { name: 'Created by' }).click();
  await page.getByTitle('dev1', { exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`creator=${USERS.dev.UserId}`));
  await expect(page.getByRole('link', { name: /^bulk-/ })).toHaveCount(3);
  await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await expect(bar(page).getByText('3 selected')).toBeVisible();
  for (const name of ['bulk-dev1-a', 'bulk-dev1-b', 'bulk-dev1-c']) await expect(selectBox(page, name)).toBeChecked();
  await shot('selected-page');

  // dev1 deletes one of them in the meantime, elsewhere.
  const dev1 = await otherSession(request, 'dev');
  await dev1.delete(await dev1.idOf('bulk-dev1-c'));

  await bar(page).getByRole('button', { name: 'Make private' }).click();
  const dialog = page.getByRole('dialog', { name: 'Make 3 code configurations private?' });
  await expect(dialog.getByText('Only their creators and the workspace admins will see them')).toBeVisible();
  const listed = await dialog.getByRole('list', { name: 'Selected code configurations' }).getByRole('listitem').allTextContents();
  expect(listed.sort()).toEqual(['bulk-dev1-a', 'bulk-dev1-b', 'bulk-dev1-c']);
  await shot('confirm-private');
  await dialog.getByRole('button', { name: 'Make private' }).click();

  const summary = page.getByRole('alert').filter({ hasText: '2 of 3 made private' });
  await expect(summary).toBeVisible();
  const failure = summary.getByRole('table', { name: 'Code configurations not changed' }).getByRole('row').nth(1);
  await expect(failure.getByRole('cell')).toHaveText([
    'bulk-dev1-c',
    'Already deleted — someone deleted it before this action reached it.',
  ]);
  // Nothing PUBLIC of dev1 is left; nothing stays selected (the deleted one cannot be retried).
  await expect(page.getByText('No matching code configurations')).toBeVisible();
  await expect(bar(page)).toHaveCount(0);
  await expect(counts(page).getByRole('button', { name: 'Public 2' })).toBeVisible();
  await expect(counts(page).getByRole('button', { name: 'Private 5' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'bulk result');
  await shot('result-summary');

  // The two are private now, for everyone.
  await page.getByRole('button', { name: 'Clear search and filters' }).click();
  await expect(row(page, 'bulk-dev1-a').getByText('Private')).toBeVisible();
  await expect(row(page, 'bulk-dev1-b').getByText('Private')).toBeVisible();
  await expect(page.getByRole('link', { name: 'bulk-dev1-c', exact: true })).toHaveCount(0);
});

test('an admin hands a code source to another member; a guest cannot be picked', async ({ page, shot }) => {
  await signIn(page, 'admin');
  await openWorkspace(page, BULK.id);
  await row(page, 'bulk-handover').getByRole('button', { name: 'More actions for bulk-handover' }).click();
  await page.getByRole('menuitem', { name: 'Transfer owner…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Transfer owner of "bulk-handover"' });
  await expect(dialog.getByText('Owner now: dev2.')).toBeVisible();
  await dialog.getByRole('combobox', { name: 'New owner' }).click();
  const guest = page.locator('.ant-select-item-option[title="gus"]');
  await expect(guest).toHaveAttribute('aria-disabled', 'true');
  await expect(guest).toContainText('Guests cannot own code configurations');
  await expect(page.locator('.ant-select-item-option[title="dev2"]')).toContainText('owns it now');
  await shot('transfer-picker');
  await page.locator('.ant-select-item-option[title="dev1"]').click();
  await dialog.getByRole('button', { name: 'Transfer' }).click();
  await expect(page.getByText('"bulk-handover" now belongs to dev1')).toBeVisible();
  // Creator is not among the default columns: shown from the column settings.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Creator' }).click();
  await page.keyboard.press('Escape');
  await expect(row(page, 'bulk-handover')).toContainText('dev1');
  // Also from the details drawer.
  await page.getByRole('link', { name: 'bulk-handover', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'bulk-handover' });
  await expect(drawer.getByRole('button', { name: 'Transfer owner…' })).toBeVisible();
  await shot('details-with-transfer');
});

test('a developer may select only their own rows, and is told why not for the others', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, BULK.id);
  await expect(page.getByRole('link', { name: 'bulk-dev2-public', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'bulk-dev2-private', exact: true })).toHaveCount(0);
  await expect(selectBox(page, 'bulk-dev1-private')).toBeEnabled();
  for (const name of ['bulk-dev2-public', 'bulk-admin-public']) {
    await expect(selectBox(page, name)).toBeDisabled();
    await expect(selectBox(page, name)).toHaveAccessibleDescription('Only its creator or a workspace admin can change this');
  }
  await row(page, 'bulk-admin-public').locator('.select-cell-disabled').hover();
  await expect(page.getByRole('tooltip', { name: 'Only its creator or a workspace admin can change this' })).toBeVisible();
  await selectBox(page, 'bulk-dev1-private').check();
  await expect(bar(page).getByText('1 selected')).toBeVisible();
  // Neither the counts nor the owner transfer are a developer's.
  await expect(counts(page)).toHaveCount(0);
  await row(page, 'bulk-dev1-private').getByRole('button', { name: 'More actions for bulk-dev1-private' }).click();
  await expect(page.getByRole('menuitem', { name: 'Make public' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Transfer owner…' })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menuitem', { name: 'Make public' })).toBeHidden();
  // (The pointer off the table: axe judges the colours at rest, not a link's hover shade.)
  await page.mouse.move(0, 0);
  await expectAccessible(page, 'developer selection');
  await shot('developer-selection');
});
