import { describeTypingInp, measureTypingInp, SEARCH_TYPING_SCRIPT, TYPED_TARGET, typedText } from '@/testing/typing-inp';
import { expect, openWorkspace, signIn, test } from './fixtures';
import { TYPING } from './e2e-seed';

// Recording a trace snapshots the page at every key press, in the page's main thread: it would be measured too.
test.use({ trace: 'off' });

test('typing a search at 10,000 rows: every key is kept and answered; the latency of each keystroke is reported', async ({
  page,
  shot,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'admin');
  await openWorkspace(page, TYPING.id);
  // Counts are written as numbers are in the language shown ("10,000", not "10000").
  await expect(page.getByText(`${TYPING.rows.toLocaleString('en-US')} in total`)).toBeVisible();
  const box = page.getByRole('searchbox', { name: 'Search by name' });
  const text = typedText(SEARCH_TYPING_SCRIPT);
  const links = page.getByRole('table').getByRole('link');

  const result = await measureTypingInp(page, box, SEARCH_TYPING_SCRIPT, async () => {
    await expect(page.getByText('1 in total')).toBeVisible();
    await expect.poll(() => links.allTextContents()).toEqual([TYPED_TARGET]);
  });
  await shot('typed-search-10k');

  const line = describeTypingInp(result);
  console.log(`INP while typing, ${TYPING.rows} rows: ${line}`);
  test.info().annotations.push({ type: 'INP while typing (10,000 rows)', description: line });

  // The box kept every character, the URL holds the search, the list shows what it finds.
  await expect(box).toHaveValue(text);
  expect(new URL(page.url()).searchParams.get('q')).toBe(text);
  // The browser counted one interaction per key, and each key's keydown is matched to one of them.
  expect(result.interactionCount).toBe(SEARCH_TYPING_SCRIPT.length);
  const matched = result.keystrokes.flatMap((k) => (k.interactionId === undefined ? [] : [k.interactionId]));
  expect(new Set(matched).size).toBe(matched.length);
  // A bound against a page that hangs only: the figure is reported (and measured by the bench), not asserted against
  // the 100 ms target. 2 s was too tight on a shared 2-core machine (2.3 s once while other suites ran beside it).
  expect(result.max).toBeLessThan(10_000);
});
