/**
 * The console's responsiveness while typing a search at 10,000 rows: Playwright drives Debian's Chromium (as the
 * journeys do) signed in with the bench admin's session cookie, types `SEARCH_TYPING_SCRIPT` key by key and reads
 * each keystroke's interaction latency from the Event Timing API (`src/testing/typing-inp.ts`).
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from '@/testing/chromium';
import { measureTypingInp, SEARCH_TYPING_SCRIPT, TYPED_TARGET, typedText, type TypingInp } from '@/testing/typing-inp';

/** `cookie` is the `name=value` pair of a signed-in session on `base`. */
export async function typingInp(base: string, cookie: string, workspaceId: string): Promise<TypingInp> {
  const [name = '', ...rest] = cookie.split('=');
  const browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await context.addCookies([{ name, value: rest.join('='), url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/code-sources?workspace=${workspaceId}`);
    const links = page.getByRole('table').getByRole('link');
    await links.first().waitFor();
    const box = page.getByRole('searchbox', { name: 'Search by name' });
    const result = await measureTypingInp(page, box, SEARCH_TYPING_SCRIPT, async () => {
      const deadline = Date.now() + 30_000;
      while ((await links.allTextContents()).join() !== TYPED_TARGET) {
        if (Date.now() > deadline) throw new Error(`the list did not settle on ${TYPED_TARGET}`);
        await page.waitForTimeout(50);
      }
    });
    const kept = await box.inputValue();
    if (kept !== typedText(SEARCH_TYPING_SCRIPT)) throw new Error(`the search box holds "${kept}", not what was typed`);
    return result;
  } finally {
    await browser.close();
  }
}
