import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { USERS, type E2EUser } from './e2e-seed';

/** A (URL, status) failure a journey provokes on purpose; Chromium logs it as a console error. */
export interface ExpectedFailure {
  path: string;
  status: number;
}

interface Fixtures {
  expectedFailures: ExpectedFailure[];
  shot: (name: string) => Promise<void>;
}

/**
 * `page` that fails the journey on any console error or warning, page error or CSP violation, except the
 * failures the journey declares with `test.use({ expectedFailures })`.
 */
export const test = base.extend<Fixtures>({
  expectedFailures: [[], { option: true }],
  page: async ({ page, expectedFailures }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      const url = message.location().url;
      const status = /status of (\d{3})/.exec(message.text())?.[1];
      const expected = status && expectedFailures.some((f) => url.includes(f.path) && Number(status) === f.status);
      if (!expected) problems.push(`${message.type()}: ${message.text()} @ ${url}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await use(page);
    expect(problems, 'console errors, warnings or CSP violations').toEqual([]);
  },
  shot: async ({ page }, use, testInfo) => {
    let n = 0;
    await use(async (name) => {
      n += 1;
      const file = testInfo.outputPath(`${String(n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
    });
  },
});
export { expect };

/** Signs in through the form, as a person does. */
export async function signIn(page: Page, who: E2EUser, path = '/code-sources') {
  const user = USERS[who];
  await page.goto(path);
  await page.getByLabel('User name').fill(user.UserName);
  await page.getByLabel('Password').fill(user.Password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Code Configuration|代码配置/ })).toBeVisible();
}

/** Opens a workspace by URL and waits for its table. */
export async function openWorkspace(page: Page, workspaceId: string, query = '') {
  await page.goto(`/code-sources?workspace=${workspaceId}${query}`);
  await expect(page.getByRole('table')).toBeVisible();
}

/** axe-core on the current screen: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    ),
    `axe on ${screen}`,
  ).toEqual([]);
}

/** The page itself never scrolls sideways (wide tables scroll inside their own box). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'page-level horizontal overflow in px').toBeLessThanOrEqual(0);
}

/** The row of the list that holds a code source. */
export function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}
