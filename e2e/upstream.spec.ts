import { expect, openWorkspace, row, test } from './fixtures';
import { UPSTREAM, UPSTREAM_USER, USERS } from './e2e-seed';

// The wrong secret is refused by "PAI" (the SQLite server): the sign-in call answers 400 SignatureDoesNotMatch.
test.use({ expectedFailures: [{ path: '/api/v1/session', status: 400 }] });

/**
 * The console in upstream mode (project `upstream`): this server has PAI_ENDPOINT pointing at the e2e SQLite server,
 * which plays PAI. uma signs in with her AccessKey; what she sees and does is PAI's, under PAI's rules.
 */
test("upstream mode: sign in with an AccessKey, see PAI's code sources under its rules, create one there; what PAI lacks is said, not offered", async ({
  page,
  shot,
  request,
}) => {
  await page.goto('/code-sources');
  const endpoint = new URL(process.env.E2E_BASE_URL ?? '').host;
  await expect(page.getByText(endpoint).first()).toBeVisible();
  await expect(page.getByLabel('User name')).toHaveCount(0);
  await page.getByLabel('AccessKey ID').fill(UPSTREAM_USER.AccessKeyId);
  await page.getByLabel('AccessKey secret').fill('not-the-secret-of-uma-0000000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The AccessKey secret does not match this AccessKey ID.')).toBeVisible();
  await shot('upstream-sign-in-refused');

  await page.getByLabel('AccessKey secret').fill(UPSTREAM_USER.AccessKeySecret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Code Configuration' })).toBeVisible();
  await expect(page.getByText(`PAI: ${endpoint}`)).toBeVisible();

  // PAI's rules: a developer sees dev2's PUBLIC code source, not the PRIVATE one.
  await openWorkspace(page, UPSTREAM.id);
  await expect(row(page, 'up-dev2-public')).toBeVisible();
  await expect(row(page, 'up-dev2-private')).toHaveCount(0);
  await shot('upstream-list');

  // A create through this console lands in PAI, with uma as its creator.
  await page.getByRole('button', { name: 'Create Code Configuration' }).click();
  const form = page.getByRole('form', { name: 'Create Code Configuration' });
  await form.getByLabel('Name', { exact: true }).fill('up-made-by-uma');
  await form.getByLabel('Git Address').fill('git@github.com:e2e-org/up-made-by-uma.git');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Created "up-made-by-uma"')).toBeVisible();
  await expect(row(page, 'up-made-by-uma')).toBeVisible();

  const pai = process.env.E2E_BASE_URL ?? '';
  const admin = await request.post(`${pai}/api/v1/session`, { data: { UserName: USERS.admin.UserName, Password: USERS.admin.Password } });
  expect(admin.status()).toBe(200);
  const inPai = await request.get(`${pai}/api/v1/codesources?WorkspaceId=${UPSTREAM.id}&DisplayName=up-made-by-uma`);
  const found = (await inPai.json()) as { CodeSources: { DisplayName: string; UserName: string }[] };
  expect(found.CodeSources).toEqual([expect.objectContaining({ DisplayName: 'up-made-by-uma', UserName: UPSTREAM_USER.UserName })]);

  // Made public from the list, with a confirmation that says it is one-way on PAI.
  await row(page, 'up-made-by-uma').getByRole('button', { name: 'More actions for up-made-by-uma' }).click();
  await page.getByRole('menuitem', { name: 'Make public' }).click();
  const confirm = page.getByRole('dialog', { name: 'Make "up-made-by-uma" public?' });
  await expect(confirm.getByText(/This cannot be undone: PAI cannot make it private again/)).toBeVisible();
  await shot('upstream-confirm-public');
  await confirm.getByRole('button', { name: 'Make public' }).click();
  await expect(row(page, 'up-made-by-uma').getByText('Public')).toBeVisible();

  // Details: no Make private (PAI's publish is one-way) and no history, each with a line saying why.
  await row(page, 'up-made-by-uma').getByRole('link', { name: 'up-made-by-uma' }).click();
  const details = page.getByRole('dialog', { name: 'up-made-by-uma' });
  await expect(details.getByText('PAI cannot make a public code configuration private again.').first()).toBeVisible();
  await expect(details.getByRole('button', { name: 'Make private' })).toHaveCount(0);
  await expect(details.getByRole('button', { name: 'Edit' })).toBeEnabled();
  await shot('upstream-details');
  await details.getByRole('tab', { name: 'History' }).click();
  await expect(details.getByText("History is not available for PAI's code configurations.")).toBeVisible();
});
