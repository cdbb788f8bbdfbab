import { expect, expectAccessible, openWorkspace, signIn, test } from './fixtures';
import { MAIN, USERS } from './e2e-seed';

const wanted = `/code-sources?workspace=${MAIN.id}&q=shared`;
const bookmark = `/sign-in?returnTo=${encodeURIComponent(wanted)}`;

test('signed in, a bookmarked sign-in page offers to continue as the same user', async ({ page, shot }) => {
  await signIn(page, 'dev');
  await page.goto(bookmark);
  await expect(page.getByText(`You are signed in as ${USERS.dev.UserName}.`)).toBeVisible();
  await expectAccessible(page, 'sign-in with a live session');
  await shot('sign-in-with-live-session');
  await page.getByRole('button', { name: `Continue as ${USERS.dev.UserName}` }).click();
  await expect(page).toHaveURL(wanted);
  await expect(page.getByRole('link', { name: 'shared-public', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: `User menu: ${USERS.dev.UserName}` })).toBeVisible();
});

test('signing in as another user over a live session replaces it, in this tab and the others', async ({
  page,
  context,
  playwright,
  baseURL,
  shot,
}) => {
  await signIn(page, 'dev');
  await openWorkspace(page, MAIN.id);
  await expect(page.getByRole('link', { name: 'dev2-secret', exact: true })).toHaveCount(0);
  const oldCookie = (await context.cookies()).find((c) => c.name === 'cc_session')?.value;
  expect(oldCookie).toBeTruthy();

  // A second tab opens the sign-in page and switches to dev2.
  const second = await context.newPage();
  await second.goto(bookmark);
  await expect(second.getByText(`You are signed in as ${USERS.dev.UserName}.`)).toBeVisible();
  await second.getByLabel('User name').fill(USERS.dev2.UserName);
  await second.getByLabel('Password').fill(USERS.dev2.Password);
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second).toHaveURL(wanted);
  await expect(second.getByRole('button', { name: `User menu: ${USERS.dev2.UserName}` })).toBeVisible();
  await expect(second.getByRole('alert')).toHaveCount(0);
  await second.goto(`/code-sources?workspace=${MAIN.id}`);
  await expect(second.getByRole('link', { name: 'dev2-secret', exact: true })).toBeVisible();
  await second.close();

  // The old session ended on the server: its cookie no longer works.
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: `cc_session=${oldCookie}` } });
  expect((await api.get('/api/v1/me')).status()).toBe(401);
  await api.dispose();
  // The first tab, reloaded, is dev2 as well.
  await page.reload();
  await expect(page.getByRole('button', { name: `User menu: ${USERS.dev2.UserName}` })).toBeVisible();
  await expect(page.getByRole('link', { name: 'dev2-secret', exact: true })).toBeVisible();
  await shot('first-tab-after-switch');
});
