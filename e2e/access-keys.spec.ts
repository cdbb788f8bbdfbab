import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { expect, expectAccessible, signIn, test } from './fixtures';
import { KEYS } from './e2e-seed';
import { Client, Config, OpenApiRequest, Params, RuntimeOptions } from '@/server/alicloud-sdk';

/** ListCodeSources of the journey's workspace with Alibaba Cloud's own client, from this test process. */
async function listCodeSources(baseURL: string, accessKeyId: string, accessKeySecret: string) {
  const url = new URL(baseURL);
  const client = new Client(new Config({ accessKeyId, accessKeySecret, protocol: url.protocol.replace(':', ''), endpoint: url.host }));
  const params = new Params({
    action: 'ListCodeSources',
    version: '2021-02-04',
    protocol: 'HTTP',
    pathname: '/api/v1/codesources',
    method: 'GET',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const request = new OpenApiRequest({ query: { WorkspaceId: KEYS.id } });
  return (await client.callApi(params, request, new RuntimeOptions({ autoretry: false }))) as {
    statusCode: number;
    body: Record<string, unknown>;
  };
}

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('AccessKeys: create one from the user menu, copy the pair, use it with Alibaba Cloud’s client; disabled, it is refused', async ({
  page,
  shot,
  baseURL,
}) => {
  await signIn(page, 'kay');
  await page.getByRole('button', { name: /User menu: kay/ }).click();
  await page.getByRole('menuitem', { name: 'AccessKeys' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'AccessKeys' })).toBeVisible();
  await expect(page.getByText('You have no AccessKeys yet.')).toBeVisible();
  await expect(page.getByText(/at most 2 AccessKeys/)).toBeVisible();

  await page.getByRole('button', { name: 'Create AccessKey' }).click();
  const dialog = page.getByRole('dialog', { name: 'AccessKey created' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(/will not be shown again/)).toBeVisible();
  // The dialog's opening animation ends before the picture is taken (the mask is drawn at once, the dialog after).
  await expect(page.locator('.ant-modal').filter({ has: page.getByText('AccessKey created') })).toHaveCSS('opacity', '1');
  await expect(page.locator('.ant-modal').filter({ has: page.getByText('AccessKey created') })).toHaveCSS('transform', 'none');
  await shot('access-key-created-dialog');

  // Copy both with the dialog's buttons, as a person would, and read them back from the clipboard.
  await dialog.getByRole('button', { name: 'Copy AccessKey ID' }).click();
  const accessKeyId = await page.evaluate(() => navigator.clipboard.readText());
  await dialog.getByRole('button', { name: 'Copy AccessKey Secret' }).click();
  const accessKeySecret = await page.evaluate(() => navigator.clipboard.readText());
  expect(accessKeyId).toMatch(/^LTAI[0-9A-Za-z]{20}$/);
  expect(accessKeySecret).toMatch(/^[0-9A-Za-z]{30}$/);
  await expect(dialog.getByTestId('new-access-key-id')).toHaveText(accessKeyId);
  await expect(dialog.getByTestId('new-access-key-secret')).toHaveText(accessKeySecret);
  await expectAccessible(page, 'the new AccessKey dialog');

  await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(accessKeySecret)).toHaveCount(0);
  const row = page.getByRole('row', { name: new RegExp(accessKeyId) });
  await expect(row).toContainText('Active');
  await expect(row).toContainText('Never');
  // The snippet names this key and this server, never the secret.
  const snippet = page.getByLabel('Node.js snippet that lists code configurations');
  await expect(snippet).toContainText(accessKeyId);
  await expect(snippet).toContainText(new URL(baseURL!).host);
  await expect(snippet).not.toContainText(accessKeySecret);
  await expectAccessible(page, 'the AccessKeys page');

  // From this test process, with the pair just copied.
  const listed = await listCodeSources(baseURL!, accessKeyId, accessKeySecret);
  expect(listed.statusCode).toBe(200);
  expect(listed.body).toMatchObject({ TotalCount: 0, CodeSources: [] });
  // The page's own snippet, copied with its button and run as it is, the secret only in the environment.
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  const script = test.info().outputPath('list-code-sources.cjs');
  fs.writeFileSync(script, await page.evaluate(() => navigator.clipboard.readText()));
  const run = await promisify(execFile)(process.execPath, [script], {
    env: { PATH: process.env.PATH, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret },
    timeout: 20_000,
  });
  expect(JSON.parse(run.stdout)).toMatchObject({ TotalCount: 0, CodeSources: [] });
  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(accessKeyId) })).not.toContainText('Never');
  await shot('access-keys-page');

  // Disable it in the console: the client is refused at once.
  await page.getByRole('button', { name: `Disable ${accessKeyId}` }).click();
  const confirm = page.getByRole('dialog', { name: `Disable AccessKey ${accessKeyId}?` });
  await confirm.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('row', { name: new RegExp(accessKeyId) })).toContainText('Disabled');
  const refused = await listCodeSources(baseURL!, accessKeyId, accessKeySecret).then(
    () => undefined,
    (error: { code: string; statusCode: number }) => error,
  );
  expect(refused).toMatchObject({ code: 'InvalidAccessKeyId.Inactive', statusCode: 400 });
  await shot('access-key-disabled');
});
