import { expect, expectNoHorizontalScroll, openWorkspace, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

for (const width of [768, 1280]) {
  test(`no page-level horizontal scroll at ${width} px`, async ({ page, shot }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/sign-in');
    await expectNoHorizontalScroll(page);
    await shot(`sign-in-${width}`);
    await signIn(page, 'admin');
    await openWorkspace(page, MAIN.id);
    await expectNoHorizontalScroll(page);
    await shot(`list-${width}`);
    await page.getByRole('button', { name: 'Create Code Configuration' }).click();
    await expect(page.getByRole('form', { name: 'Create Code Configuration' })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await shot(`form-${width}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'pinned-commit', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'pinned-commit' })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await shot(`details-${width}`);
  });
}
