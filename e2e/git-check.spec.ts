import { expect, expectAccessible, expectNoHorizontalScroll, openWorkspace, row, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';
import type { E2EGitFixture } from './global-setup';

/** The Git fixture global-setup started: a real Git server over HTTPS on 127.0.0.1, trusted by the server under test. */
function gitFixture(): E2EGitFixture {
  const line = process.env.E2E_GIT_FIXTURE;
  if (!line) throw new Error('E2E_GIT_FIXTURE is not set: the Git fixture did not start in global setup');
  return JSON.parse(line) as E2EGitFixture;
}

test('Git: test the connection (wrong token, then the right one), pick a branch, pin its commit, save, check from the details', async ({
  page,
  shot,
}) => {
  test.setTimeout(120_000);
  const git = gitFixture();
  const repo = git.repos.private;
  const tip = repo.branches['hotfix/tokenizer'];
  expect(tip).toMatch(/^[0-9a-f]{40}$/);

  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id);
  await page.getByRole('button', { name: 'Create Code Configuration' }).click();
  const form = page.getByRole('form', { name: 'Create Code Configuration' });
  await form.getByLabel('Name', { exact: true }).fill('private-model-fixture');

  // A clone URL with the credentials in it: moved into their fields with one click.
  const { host, pathname } = new URL(repo.url);
  await form.getByLabel('Git Address').fill(`https://${git.user}:wrong-token@${host}${pathname}`);
  const offer = form.getByRole('alert').filter({ hasText: 'This address contains a user name or token.' });
  await expect(offer).toBeVisible();
  await shot('credentials-in-address');
  await offer.getByRole('button', { name: 'Move them to Git Username and Access Token' }).click();
  await expect(form.getByLabel('Git Address')).toHaveValue(repo.url);
  await expect(form.getByLabel('Git Username')).toHaveValue(git.user);
  await expect(form.getByLabel('Access Token')).toHaveValue('wrong-token');

  // The wrong token: refused, and said so where the button is.
  const testConnection = form.getByRole('button', { name: 'Test connection' });
  const result = form.locator('.git-connection').getByRole('status');
  await testConnection.click();
  await expect(result).toContainText('The token was refused — check the user name, and that the token has read access');
  await expectAccessible(page, 'form with a refused token');
  await result.scrollIntoViewIfNeeded();
  await shot('auth-failed');

  // The right token: connected; the form's default branch, master, is not on this remote.
  await form.getByLabel('Access Token').fill(git.token);
  await expect(result).toBeEmpty();
  await testConnection.click();
  await expect(result).toContainText('Connected, but branch "master" does not exist on the remote. Pick one from the list.');
  await expect(form.getByText('Branches: 3 — type to search.')).toBeVisible();
  await form.getByText('Branches: 3 — type to search.').scrollIntoViewIfNeeded();
  await shot('connected-branch-missing');

  // Pick a branch from the list, searching for it; the default branch is listed first and marked.
  const picker = form.getByRole('combobox', { name: 'Code Branch' });
  await picker.click();
  const listbox = page.locator('.ant-select-dropdown:visible');
  await expect(listbox.locator('.ant-select-item-option').first()).toHaveText(`${repo.defaultBranch}default`);
  await shot('branch-list');
  await picker.fill('hot');
  await expect(form.getByText('Branches containing "hot": 1.')).toBeVisible();
  await listbox.locator('.ant-select-item-option[title="hotfix/tokenizer"]').click();
  await expect(picker).toHaveValue('hotfix/tokenizer');
  await expect(result).toBeEmpty();
  await expect(form.getByText('Branches: 3 — type to search.')).toBeVisible();

  await testConnection.click();
  await expect(result).toContainText(`Connected. Default branch: ${repo.defaultBranch}. Branches: 3.`);
  await form.getByLabel('Code Commit').scrollIntoViewIfNeeded();
  await shot('connected');

  // Pin the branch's current commit.
  await form.getByRole('button', { name: 'Pin to current commit' }).click();
  await expect(form.getByLabel('Code Commit')).toHaveValue(tip!);
  await expect(form.getByText(/^Pinned to the tip of hotfix\/tokenizer as of /)).toBeVisible();
  await expect(form.getByText('Ignored: the code commit below takes priority over the branch.')).toBeVisible();
  await expectAccessible(page, 'form with a pinned commit');
  await expectNoHorizontalScroll(page);
  await shot('pinned');

  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Created "private-model-fixture"')).toBeVisible();
  await expect(form).toBeHidden();
  await expect(row(page, 'private-model-fixture')).toBeVisible();

  // Details: Check now, with the stored token (the browser never had it back).
  await page.getByRole('link', { name: 'private-model-fixture', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'private-model-fixture' });
  await expect(drawer.getByText(repo.url)).toBeVisible();
  await drawer.getByRole('button', { name: 'Check now' }).click();
  const remote = drawer.getByRole('region', { name: 'Git remote' }).getByRole('status');
  await expect(remote).toContainText(`Connected. Default branch: ${repo.defaultBranch}. Branches: 3.`);
  await expect(remote).toContainText(`Branch hotfix/tokenizer is at ${tip}.`);
  await expect(remote).toContainText(`The pinned commit ${tip} is on the remote.`);
  await expectAccessible(page, 'details after Check now');
  await remote.scrollIntoViewIfNeeded();
  await shot('details-check-now');
});
