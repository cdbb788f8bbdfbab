import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, row, signIn, test } from './fixtures';
import { DRAWERS, MAIN } from './e2e-seed';

/**
 * antd runs without run-time styles (zero-runtime): its CSS is made at build time for the components the console uses
 * (scripts/antd-static-css.ts). A component left out of that CSS renders unstyled. This journey opens every screen
 * and popup and checks that each antd class on the page which antd styles at all (it appears in antd's own complete
 * stylesheet, `antd/dist/antd.css`) has a rule in a stylesheet the page has loaded.
 */
const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;
// Icon names (`anticon-down`) are named by a few components' rules but style nothing by themselves: not counted.
const antdClasses = [
  ...new Set([...fs.readFileSync(path.resolve('node_modules/antd/dist/antd.css'), 'utf8').matchAll(CLASS)].map((m) => m[1]!)),
].filter((name) => !name.startsWith('anticon-'));

/** antd classes on the page that antd styles but no loaded stylesheet does. */
function unstyled(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ known, source }) => {
      const styled = new Set(known);
      const loaded = new Set<string>();
      const pattern = new RegExp(source, 'g');
      const walk = (rules: CSSRuleList) => {
        for (const rule of Array.from(rules)) {
          if (rule instanceof CSSStyleRule) for (const m of rule.selectorText.matchAll(pattern)) loaded.add(m[1]!);
          if ('cssRules' in rule) walk((rule as CSSGroupingRule).cssRules);
        }
      };
      for (const sheet of Array.from(document.styleSheets)) walk(sheet.cssRules);
      const missing = new Set<string>();
      for (const element of Array.from(document.querySelectorAll('[class]')))
        for (const name of Array.from(element.classList)) if (styled.has(name) && !loaded.has(name)) missing.add(name);
      return [...missing].sort();
    },
    { known: antdClasses, source: CLASS.source },
  );
}

async function expectStyled(page: Page, screen: string) {
  expect(await unstyled(page), `antd classes without CSS on ${screen}`).toEqual([]);
}

test('every screen and popup is styled without antd run-time styles', async ({ page, shot }) => {
  test.setTimeout(180_000);
  // The check itself: antd's complete stylesheet knows the classes the first screen uses.
  expect(antdClasses).toEqual(expect.arrayContaining(['ant-btn', 'ant-select', 'ant-pagination', 'ant-drawer', 'ant-modal']));

  await page.goto('/sign-in');
  await expect(page.getByLabel('User name')).toBeVisible();
  await expectStyled(page, 'the sign-in page');

  await signIn(page, 'admin');
  await page.goto(`/code-sources?workspace=${MAIN.id}`);
  await expect(page.getByRole('table')).toBeVisible();
  await expect(row(page, 'admin-public')).toBeVisible();
  await expectStyled(page, 'the list');
  // antd's own styles are in place: a primary button is painted in the theme's blue.
  await expect(page.getByRole('button', { name: 'Create Code Configuration' })).toHaveCSS('background-color', 'rgb(22, 104, 220)');
  // The page's own text (outside antd's components) is in antd's font stack, not the browser's default serif.
  await expect(page.getByRole('heading', { level: 1 })).toHaveCSS('font-family', /^-apple-system, .*sans-serif/);

  await page.getByRole('combobox', { name: 'Visibility filter' }).click();
  await expect(page.locator('.ant-select-dropdown:visible').getByTitle('Public', { exact: true })).toBeVisible();
  await expectStyled(page, 'the visibility filter');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Columns' }).click();
  await expect(page.getByRole('menu')).toBeVisible();
  await expectStyled(page, 'the column settings');
  await page.keyboard.press('Escape');

  await row(page, 'admin-public').getByRole('button', { name: 'More actions for admin-public' }).click();
  await expect(page.getByRole('menuitem', { name: 'Delete' })).toBeVisible();
  await expectStyled(page, 'a row menu');
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expectStyled(page, 'the delete confirmation');
  await shot('styles-delete-confirmation');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();

  await page.getByRole('link', { name: 'admin-public', exact: true }).click();
  const details = page.getByRole('dialog', { name: 'admin-public' });
  await expect(details).toBeVisible();
  await expectStyled(page, 'the details drawer');
  await details.getByRole('tab', { name: 'History' }).click();
  await expectStyled(page, 'the history tab');
  await shot('styles-details');
  await details.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'Create Code Configuration' }).click();
  const form = page.getByRole('form', { name: 'Create Code Configuration' });
  await expect(form).toBeVisible();
  await form.getByLabel('Name', { exact: true }).fill('x');
  await form.getByLabel('Name', { exact: true }).fill('');
  await form.getByLabel('Name', { exact: true }).blur();
  await expect(form.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectStyled(page, 'the create form with an error');
  await shot('styles-create-form');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toBeHidden();

  await page.getByRole('combobox', { name: /page/i }).click();
  await expectStyled(page, 'the page-size menu');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: /User menu/ }).click();
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
  await expectStyled(page, 'the user menu');
  await page.keyboard.press('Escape');

  // A toast: made by a create in a workspace whose rows no other journey counts.
  await page.goto(`/code-sources/new?workspace=${DRAWERS.id}`);
  await form.getByLabel('Name', { exact: true }).fill('styles-toast-in-e2e');
  await form.getByLabel('Git Address').fill('git@github.com:e2e-org/styles-toast.git');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Created "styles-toast-in-e2e"')).toBeVisible();
  await expectStyled(page, 'a toast');

  await page.goto(`/activity?workspace=${MAIN.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectStyled(page, 'the activity page');
});
