import { expect, expectAccessible, openWorkspace, test } from './fixtures';
import { MAIN } from './e2e-seed';

test("language switch: every string and antd's own, remembered; axe on each screen in Chinese", async ({ page, shot }) => {
  // A long journey on a shared 2-core machine (about 50 s alone under load; the default is 60 s).
  test.setTimeout(120_000);
  await page.goto('/sign-in');
  await page.getByRole('combobox', { name: 'Language' }).click();
  await page.getByRole('option', { name: '简体中文' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expectAccessible(page, 'sign-in (zh)');
  await shot('sign-in-zh');
  await page.getByLabel('用户名').fill('ada');
  await page.getByLabel('密码').fill('ada-e2e-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '代码配置' })).toBeVisible();
  await openWorkspace(page, MAIN.id);
  await expect(page.getByRole('columnheader', { name: /^名称/ })).toBeVisible();
  await expect(page.getByText(/共 \d+ 条/)).toBeVisible();
  await expect(page.getByRole('combobox', { name: /页/ })).toBeVisible();
  await expectAccessible(page, 'list (zh)');
  await shot('list-zh');

  await page.getByRole('button', { name: '新建代码配置' }).click();
  const form = page.getByRole('form', { name: '新建代码配置' });
  await form.getByRole('button', { name: '创建' }).click();
  await expect(form.getByText('必填')).toHaveCount(2);
  await expectAccessible(page, 'form (zh)');
  await shot('form-zh');
  await page.getByRole('button', { name: '取消' }).click();

  await page.getByRole('link', { name: 'pinned-commit', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'pinned-commit' });
  await expect(drawer.getByText('在训练任务中使用')).toBeVisible();
  await expectAccessible(page, 'details (zh)');
  await shot('details-zh');

  // Remembered across a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: '代码配置' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'pinned-commit' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await page.getByRole('combobox', { name: '语言' }).click();
  await page.getByRole('option', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Code Configuration' })).toBeVisible();
});
