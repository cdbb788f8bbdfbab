import type { LaunchOptions } from '@playwright/test';

/**
 * Debian's Chromium as Playwright drives it here (Playwright's own browser cannot be downloaded); without the
 * background-networking flags it keeps trying to reach the outside. The journeys and the bench's INP run use it.
 */
export const CHROMIUM_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
