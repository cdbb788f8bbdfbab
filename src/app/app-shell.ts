import { useLayoutEffect } from 'react';

/** The id of the static frame the server may put into the page (scripts/app-shell.ts). */
const SHELL_ID = 'app-shell';

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
  useLayoutEffect(() => {
    if (ready) document.getElementById(SHELL_ID)?.remove();
  }, [ready]);
  return !ready && appShellShown();
}
