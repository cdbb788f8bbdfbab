import type { Locator, Page } from '@playwright/test';
import { generatedName } from './generated-names';

/** One key of a typing script and how long the person waits before the next one. */
export interface TypedKey {
  key: string;
  pauseMs: number;
}

/** What one typed key cost: its interaction's latency, or `undefined` when it stayed under the observer's threshold. */
export interface KeystrokeLatency {
  key: string;
  interactionId: number | undefined;
  ms: number | undefined;
}

export interface TypingInp {
  keystrokes: KeystrokeLatency[];
  /** Interactions the browser counted while typing (`performance.interactionCount`); one per key when none was lost. */
  interactionCount: number;
  /** Keys whose interaction stayed under `DURATION_THRESHOLD_MS` (the Event Timing API reports none for them). */
  underThreshold: number;
  p50: number;
  p98: number;
  max: number;
  /** What web-vitals' `onINP` would report for these interactions: the longest, ignoring one in every 50. */
  inp: number;
}

/** The lowest threshold the Event Timing API accepts; web-vitals' `onINP` takes 40 by default. */
export const DURATION_THRESHOLD_MS = 16;
/** A person typing steadily: between two keys. */
export const HUMAN_KEY_DELAY_MS = 120;

/** `nlp-bert-finetune-4230`: one code source of a generated workspace (e2e seed, bench) whose name this script types. */
export const TYPED_TARGET = generatedName(4230);

const keys = (text: string, lastPauseMs = HUMAN_KEY_DELAY_MS): TypedKey[] =>
  [...text].map((key, i, all) => ({ key, pauseMs: i === all.length - 1 ? lastPauseMs : HUMAN_KEY_DELAY_MS }));

/**
 * A realistic search for {@link TYPED_TARGET} in a 10,000-row workspace, typed at 120 ms a key, with pauses
 * just over the console's 300 ms search debounce (so a search starts and its results render while the next keys
 * land), one just under it, a typo that finds nothing and a Backspace. Ends as `bert-finetune-4230`.
 */
export const SEARCH_TYPING_SCRIPT: readonly TypedKey[] = [
  ...keys('bert', 320), // search "bert" (667 names), answered while "-fin" is typed
  ...keys('-fin', 280), // just under the debounce: no search
  ...keys('etune', 350), // search "bert-finetune" (334)
  ...keys('-424', 330), // a typo: search "bert-finetune-424" finds nothing
  { key: 'Backspace', pauseMs: HUMAN_KEY_DELAY_MS },
  ...keys('30', HUMAN_KEY_DELAY_MS), // "bert-finetune-4230": one
];

/** The text a script leaves in an empty box. */
export function typedText(script: readonly TypedKey[]): string {
  return script.reduce((text, { key }) => (key === 'Backspace' ? text.slice(0, -1) : text + key), '');
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

interface PageRecord {
  entries: { name: string; interactionId: number; startTime: number; duration: number }[];
  keydowns: { key: string; timeStamp: number }[];
  interactionCount: number;
}

/** What the page keeps between installing the observer and reading it. */
interface InPage extends Omit<PageRecord, 'interactionCount'> {
  since: number;
  count0: number;
  observer: PerformanceObserver | undefined;
}

/**
 * Types `script` into `box` key by key as a person does and measures each keystroke's interaction latency with the
 * Event Timing API, the way web-vitals measures INP: a PerformanceObserver for `event` entries (threshold 16 ms,
 * buffered) installed before the first key; entries grouped by `interactionId`, an interaction's latency being its
 * longest entry. Each key is matched to its interaction by its `keydown` (same timestamp). `settle` waits until the
 * page shows the final result; the observer is read after it.
 */
export async function measureTypingInp(
  page: Page,
  box: Locator,
  script: readonly TypedKey[],
  settle: () => Promise<void>,
): Promise<TypingInp> {
  await box.click();
  await box.fill('');
  // The click and fill are interactions too; let their frames pass so only the typing is counted.
  await page.waitForTimeout(500);
  // No named functions inside the page functions: tsx (esbuild keepNames) would wrap them in a `__name` helper that
  // exists only in Node.
  await page.evaluate((threshold) => {
    const since = performance.now();
    const count0 = (performance as unknown as { interactionCount?: number }).interactionCount ?? 0;
    const state: InPage = { since, count0, entries: [], keydowns: [], observer: undefined };
    state.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries() as PerformanceEventTiming[])
        if (e.startTime >= since)
          state.entries.push({ name: e.name, interactionId: e.interactionId, startTime: e.startTime, duration: e.duration });
    });
    state.observer.observe({ type: 'event', durationThreshold: threshold, buffered: true } as PerformanceObserverInit);
    // Capturing, before the console's handlers: the keydown's timeStamp is its Event Timing entry's startTime.
    document.addEventListener('keydown', (e) => state.keydowns.push({ key: e.key, timeStamp: e.timeStamp }), { capture: true });
    (window as unknown as { __typingInp: InPage }).__typingInp = state;
  }, DURATION_THRESHOLD_MS);

  for (const { key, pauseMs } of script) {
    await page.keyboard.press(key);
    await page.waitForTimeout(pauseMs);
  }
  await settle();
  // Event Timing entries are delivered after the frame that ends them: give the last ones two frames and a margin.
  await page.waitForTimeout(300);
  const recorded = await page.evaluate((): PageRecord => {
    const state = (window as unknown as { __typingInp: InPage }).__typingInp;
    for (const e of (state.observer?.takeRecords() ?? []) as PerformanceEventTiming[])
      if (e.startTime >= state.since)
        state.entries.push({ name: e.name, interactionId: e.interactionId, startTime: e.startTime, duration: e.duration });
    state.observer?.disconnect();
    const count = (performance as unknown as { interactionCount?: number }).interactionCount ?? 0;
    return { entries: state.entries, keydowns: state.keydowns, interactionCount: count - state.count0 };
  });
  return summarize(script, recorded);
}

function summarize(script: readonly TypedKey[], recorded: PageRecord): TypingInp {
  const latency = new Map<number, number>();
  for (const e of recorded.entries)
    if (e.interactionId) latency.set(e.interactionId, Math.max(latency.get(e.interactionId) ?? 0, e.duration));
  const keystrokes = script.map(({ key }, i): KeystrokeLatency => {
    const down = recorded.keydowns[i];
    const entry =
      down && recorded.entries.find((e) => e.name === 'keydown' && e.interactionId && Math.abs(e.startTime - down.timeStamp) < 1);
    const interactionId = entry ? entry.interactionId : undefined;
    return { key, interactionId, ms: interactionId === undefined ? undefined : latency.get(interactionId) };
  });
  // A key the observer did not report took less than the threshold: counted at the threshold, an upper bound.
  const values = keystrokes.map((k) => k.ms ?? DURATION_THRESHOLD_MS).sort((a, b) => a - b);
  const longestFirst = [...values].reverse();
  return {
    keystrokes,
    interactionCount: recorded.interactionCount,
    underThreshold: keystrokes.filter((k) => k.ms === undefined).length,
    p50: percentile(values, 50),
    p98: percentile(values, 98),
    max: values.at(-1) ?? 0,
    inp: longestFirst[Math.min(longestFirst.length - 1, Math.floor(recorded.interactionCount / 50))] ?? 0,
  };
}

/** One line for a report: `p50 / p98 / max, INP` and every key's latency. */
export function describeTypingInp(r: TypingInp): string {
  const perKey = r.keystrokes.map((k) => `${k.key === 'Backspace' ? '⌫' : k.key}:${k.ms ?? `<${DURATION_THRESHOLD_MS}`}`).join(' ');
  return `p50 ${r.p50} ms, p98 ${r.p98} ms, max ${r.max} ms, INP (web-vitals) ${r.inp} ms over ${r.keystrokes.length} keys (${r.interactionCount} interactions, ${r.underThreshold} under ${DURATION_THRESHOLD_MS} ms); per key ${perKey}`;
}
