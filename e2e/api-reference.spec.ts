import { expect, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test('API reference: linked from the user menu, renders the generated document, and "Try it out" runs as the signed-in user', async ({
  page,
  shot,
}) => {
  await signIn(page, 'dev');
  await page.getByRole('button', { name: /dev1/ }).click();
  const link = page.getByRole('link', { name: 'API reference' });
  await expect(link).toHaveAttribute('href', '/api/docs');
  await expect(link).toHaveAttribute('target', '_blank');

  await page.goto('/api/docs');
  await expect(page).toHaveTitle(/API reference/);
  await expect(page.getByRole('heading', { name: /Code Configuration — PAI CodeSource API/ })).toBeVisible();
  for (const op of [
    'CreateCodeSource',
    'ListCodeSources',
    'GetCodeSource',
    'UpdateCodeSource',
    'DeleteCodeSource',
    'PublishCodeSource',
    'UnpublishCodeSource',
  ]) {
    await expect(page.getByText(op, { exact: true })).toBeVisible();
  }
  await shot('api-reference');

  // Open ListCodeSources and call it from the page: the session cookie goes along.
  await page.getByText('ListCodeSources', { exact: true }).click();
  const operation = page.locator('#operations-PAI_CodeSource-ListCodeSources');
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.getByPlaceholder('WorkspaceId').fill(MAIN.id);
  await operation.getByRole('button', { name: 'Execute' }).click();
  const responses = operation.locator('.live-responses-table');
  await expect(responses.locator('tr.response .response-col_status')).toHaveText('200');
  await expect(responses).toContainText('"TotalCount"');
  await shot('api-reference-try-it-out');
});

test('HEAD answers as GET does for the console and the API', async ({ request }) => {
  const page = await request.head('/');
  expect(page.status()).toBe(200);
  expect(page.headers()['content-type']).toMatch(/^text\/html/);
  const health = await request.head('/healthz');
  expect(health.status()).toBe(200);
  const docs = await request.head('/api/docs');
  expect(docs.status()).toBe(200);
});
