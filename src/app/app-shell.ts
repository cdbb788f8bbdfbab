import { useDeferredValue, useLayoutEffect } from 'react';

/** The id of the static frame the server may put into the page (scripts/app-shell.ts). */
const SHELL_ID = 'app-shell';

/** Takes the server's static frame off the page (the sign-in page and errors have no use for it). */
export function removeAppShell(): void {
  if (typeof document !== 'undefined') document.getElementById(SHELL_ID)?.remove();
}

/** Whether the page still shows the server's static frame. */
export function appShellShown(): boolean {
  return typeof document !== 'undefined' && document.getElementById(SHELL_ID) !== null;
}

/**
 * Keeps the server's static frame on screen until `ready`, then removes it in the same commit as the console draws
 * its own (a layout effect: before the browser paints, so nothing flickers). Returns true while the caller should
 * draw nothing of its own, so the frame is never shown twice.
 */
export function useAppShellUntil(ready: boolean): boolean {
  // Readiness is taken as a transition: the render that replaces the frame (the whole screen at once) runs in slices
  // that give way to the browser, not as one long task, while the static frame stays on screen.
  const shown = useDeferredValue(ready, false);
  useLayoutEffect(() => {
    if (shown) removeAppShell();
  }, [shown]);
  return !shown && appShellShown();
}
