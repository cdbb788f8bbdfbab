import http from 'node:http';
import { expect, test } from './fixtures';
import { USERS } from './e2e-seed';

// The journey provokes wrong passwords (401) and the wait (429) on purpose.
// (A two-element array would read as a fixture tuple: wrap the list.)
test.use({
  expectedFailures: [
    [
      { path: '/api/v1/session', status: 401 },
      { path: '/api/v1/session', status: 429 },
    ],
    { scope: 'test' },
  ],
});

/** Signs in over real HTTP from another loopback address: another client, as the server sees it. */
function signInFrom(localAddress: string, body: unknown): Promise<number> {
  const target = new URL('/api/v1/session', process.env.E2E_BASE_URL);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

test('sign-in throttling: guesses make this client wait, but never lock the account for its owner elsewhere', async ({ page, shot }) => {
  const lou = USERS.lou;
  await page.goto('/sign-in');
  const attempt = async (password: string) => {
    await page.getByLabel('User name').fill(lou.UserName);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  // Five wrong passwords are answered as wrong passwords.
  for (let i = 0; i < 5; i++) {
    await attempt(`wrong-${i}`);
    await expect(page.getByRole('alert')).toHaveText(/The user name or password is incorrect/);
    await page.getByLabel('Password').clear();
  }
  // Then this client waits: the page says so instead of "wrong password". (The first wait is 2 s after the last
  // failure; on a slow machine an attempt may land after it and simply count as one more failure, doubling the wait.)
  await expect(async () => {
    await attempt('wrong-again');
    await expect(page.getByRole('alert')).toHaveText(/Too many failed sign-ins from here/, { timeout: 3000 });
  }).toPass({ timeout: 60_000 });
  await shot('sign-in-throttled');

  // The owner, on another client (another address as the server sees it), signs in at once.
  expect(await signInFrom('127.0.0.2', { UserName: lou.UserName, Password: lou.Password })).toBe(200);
  // Someone else's account from this browser is not held up by the guesses at lou's (the wait is per user and client).
  await page.getByLabel('User name').fill(USERS.guest.UserName);
  await page.getByLabel('Password').fill(USERS.guest.Password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Code Configuration' })).toBeVisible();
});
