import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from './src/testing/chromium';

/** Journeys in Debian's Chromium against the production build served by the real server (see e2e/global-setup.ts). */
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: CHROMIUM_LAUNCH_OPTIONS,
  },
  projects: [
    { name: 'sqlite', testIgnore: ['upstream.spec.ts'] },
    // The same journeys of listing (sort, search, paging) and of an edit conflict (If-Match), against a server on
    // PostgreSQL (e2e/global-setup.ts starts it on a throw-away cluster).
    {
      name: 'postgres',
      testMatch: ['list.spec.ts', 'edit-conflict.spec.ts', 'create.spec.ts'],
      use: { baseURL: process.env.E2E_PG_BASE_URL },
    },
    // The console in upstream mode (PAI_ENDPOINT), in front of the SQLite server, which plays PAI.
    { name: 'upstream', testMatch: ['upstream.spec.ts'], use: { baseURL: process.env.E2E_UPSTREAM_BASE_URL } },
  ],
});
