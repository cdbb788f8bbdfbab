import { expect, row, signIn, test } from './fixtures';
import { DRAWERS } from './e2e-seed';

const list = (query = '') => `/code-sources?workspace=${DRAWERS.id}${query}`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The whole address (path and query) is exactly `path`. */
const exactly = (path: string) => new RegExp(`^[^/]+//[^/]+${escaped(path)}$`);

test.use({ expectedFailures: [{ path: '/api/v1/codesources/code-no-such-thing', status: 404 }] });

test('drawer URLs: create opened by its address, edit kept over a reload, Back closes, an unknown id said so', async ({ page, shot }) => {
  await signIn(page, 'dev');

  // The create form at its own address, opened directly.
  await page.goto(`/code-sources/new?workspace=${DRAWERS.id}&q=url-`);
  const create = page.getByRole('form', { name: 'Create Code Configuration' });
  await expect(create).toBeVisible();
  await create.getByLabel('Name', { exact: true }).fill('url-made-in-e2e');
  await create.getByLabel('Git Address').fill('git@github.com:e2e-org/url-made.git');
  await create.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Created "url-made-in-e2e"')).toBeVisible();
  // One navigation: the form closes, the list shows its default view (the search is gone), the workspace stays.
  await expect(page).toHaveURL(exactly(list()));
  await expect(create).toBeHidden();
  // The new row opens its details at once (a second navigation racing this click once left the drawer shut).
  await page.getByRole('link', { name: 'url-made-in-e2e', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'url-made-in-e2e' })).toBeVisible();
  await page.getByRole('dialog', { name: 'url-made-in-e2e' }).getByRole('button', { name: 'Close' }).click();

  // Edit from a row: a navigation to /:id/edit that keeps the list's query.
  await page.goto(list('&q=url-edit-target'));
  await row(page, 'url-edit-target').getByRole('button', { name: 'Edit url-edit-target' }).click();
  const edit = page.getByRole('form', { name: 'Edit Code Configuration' });
  await expect(edit.getByLabel('Description')).toHaveValue('Saved description of url-edit-target');
  await expect(page).toHaveURL(/\/code-sources\/[^/?]+\/edit\?workspace=3010&q=url-edit-target$/);
  const id = new URL(page.url()).pathname.split('/')[2]!;

  // A reload keeps the form open, with the saved values; what was typed and not saved is gone (the README says so).
  await edit.getByLabel('Description').fill('Typed, never saved');
  await page.reload();
  await expect(edit.getByLabel('Description')).toHaveValue('Saved description of url-edit-target');
  await expect(page.getByRole('dialog', { name: 'Edit url-edit-target' })).toBeVisible();
  await shot('edit-after-reload');

  // Back closes the drawer and shows the list as it was; Forward opens it again.
  await page.goBack();
  await expect(edit).toBeHidden();
  await expect(page).toHaveURL(exactly(list('&q=url-edit-target')));
  await expect(row(page, 'url-edit-target')).toBeVisible();
  await page.goForward();
  await expect(edit.getByLabel('Description')).toHaveValue('Saved description of url-edit-target');
  // Cancel of an unchanged form is Back too: no entry is added.
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit).toBeHidden();
  await expect(page).toHaveURL(exactly(list('&q=url-edit-target')));

  // Duplicate by its address: the original is loaded and the copy pre-filled.
  await page.goto(`/code-sources/new?from=${id}&workspace=${DRAWERS.id}`);
  await expect(page.getByRole('dialog', { name: 'Duplicate url-edit-target' })).toBeVisible();
  await expect(create.getByLabel('Name', { exact: true })).toHaveValue('url-edit-target-copy');
  await expect(create.getByLabel('Git Address')).toHaveValue('git@github.com:e2e-org/url-edit-target.git');

  // An id that does not exist (or that the user may not see): a clear message, not a blank drawer.
  await page.goto(`/code-sources/code-no-such-thing/edit?workspace=${DRAWERS.id}`);
  await expect(page.getByText('Code configuration not found')).toBeVisible();
  await expect(page.getByText('It does not exist, was deleted, or is private to someone else.')).toBeVisible();
  await shot('edit-unknown-id');
  await page.getByRole('button', { name: 'Back to the list' }).click();
  await expect(page).toHaveURL(exactly(list()));
});
