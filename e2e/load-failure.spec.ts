import { expect, signIn, test } from './fixtures';
import { MAIN } from './e2e-seed';

// The console's code is one chunk the entry loads after the first paint (src/main.tsx): here it is gone, as after a
// new version replaced the files an open page names.
const START_CHUNK = /\/assets\/start-[^/]+\.js$/;
test.use({ expectedFailures: [{ path: '/assets/start-', status: 404 }] });

test("when the console's code cannot be loaded, the page reloads once, then says so and offers Reload", async ({ page, shot }) => {
  await signIn(page, 'dev');
  let refused = 0;
  await page.route(START_CHUNK, (route) => {
    refused += 1;
    return route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' });
  });
  await page.goto(`/code-sources?workspace=${MAIN.id}`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The console could not load. Check the network and reload the page.');
  // Not the static frame for ever: it is gone, and the page was fetched again once before giving up.
  await expect(page.locator('#app-shell')).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.getItem('code-config.reloaded-at'))).not.toBeNull();
  expect(refused).toBeGreaterThanOrEqual(2);
  await shot('console-could-not-load');

  // Back on the network, Reload brings the console.
  await page.unroute(START_CHUNK);
  await alert.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Code Configuration' })).toBeVisible();
});
