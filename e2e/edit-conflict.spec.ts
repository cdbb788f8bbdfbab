import { expect, openWorkspace, row, signIn, test } from './fixtures';
import { DRAWERS } from './e2e-seed';

// The save with the ETag the form was opened with is refused on purpose.
test.use({ expectedFailures: [{ path: '/api/v1/codesources/', status: 412 }] });

test('412: someone else saves while the form is open; the user sees it, reloads their changes, and saves again', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await openWorkspace(page, DRAWERS.id, '&q=conflict-target');
  await row(page, 'conflict-target').getByRole('button', { name: 'Edit conflict-target' }).click();
  const form = page.getByRole('form', { name: 'Edit Code Configuration' });
  await expect(form.getByLabel('Description')).toHaveValue('Saved description of conflict-target');
  const id = new URL(page.url()).pathname.split('/')[2]!;
  await form.getByLabel('Description').fill('Mine');

  // Another request changes it, with the ETag it has now (as another tab or an API client would).
  const origin = new URL(page.url()).origin;
  const session = (await (await page.request.get('/api/v1/session')).json()) as { CsrfToken: string };
  const current = await page.request.get(`/api/v1/codesources/${id}`);
  const etag = current.headers()['etag']!;
  const theirs = await page.request.put(`/api/v1/codesources/${id}`, {
    data: { Description: 'Theirs', CodeBranch: 'their-branch' },
    headers: { 'if-match': etag, 'x-csrf-token': session.CsrfToken, origin },
  });
  expect(theirs.status()).toBe(200);

  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Someone else changed this code configuration')).toBeVisible();
  await expect(page.getByText('It was changed after you opened this form. Reload their changes, then make yours again.')).toBeVisible();
  // Nothing was overwritten, and the form still holds what the user typed.
  await expect(form.getByLabel('Description')).toHaveValue('Mine');
  await shot('edit-conflict');

  await page.getByRole('button', { name: 'Reload their changes' }).click();
  await expect(form.getByLabel('Description')).toHaveValue('Theirs');
  await expect(form.getByLabel('Code Branch')).toHaveValue('their-branch');
  await expect(page.getByText('Someone else changed this code configuration')).toBeHidden();
  await form.getByLabel('Description').fill('Mine, on top of theirs');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved "conflict-target"')).toBeVisible();

  await page.getByRole('link', { name: 'conflict-target', exact: true }).click();
  const details = page.getByRole('dialog', { name: 'conflict-target' });
  await expect(details.getByText('Mine, on top of theirs')).toBeVisible();
  await expect(details.getByText('their-branch', { exact: true })).toBeVisible();
});
