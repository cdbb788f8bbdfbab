import { expect, openWorkspace, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

test('text that looks like markup or script is stored exactly and shown as text, never run', async ({ page, shot }) => {
  await signIn(page, 'dev');
  const { CsrfToken } = (await (await page.request.get('/api/v1/session')).json()) as { CsrfToken: string };
  const name = '<img src=x onerror="window.__pwned=1">';
  const description = '<script>window.__pwned=2</script> ${process.env.SECRET_KEY} {{7*7}} \u05e9\u05dc\u05d5\u05dd';
  const created = await page.request.post('/api/v1/codesources', {
    headers: { 'x-csrf-token': CsrfToken },
    data: { WorkspaceId: MAIN.id, DisplayName: name, Description: description, CodeRepo: 'https://github.com/e2e-org/hostile.git' },
  });
  expect(created.status()).toBe(200);

  await openWorkspace(page, MAIN.id, `&q=${encodeURIComponent('<img')}`);
  const link = page.getByRole('link', { name, exact: true });
  await expect(link).toBeVisible();
  await link.click();
  const drawer = page.getByRole('dialog', { name });
  await expect(drawer.getByText(description, { exact: true })).toBeVisible();
  await shot('hostile-details');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('script:not([src])').count()).toBe(0);
});
