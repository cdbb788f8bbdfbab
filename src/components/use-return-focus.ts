import { useEffect, useRef } from 'react';

/**
 * While `open`, remembers what had focus when it opened (the button or link that opened a drawer); when it closes,
 * gives focus back to it — as a dialog should — instead of leaving keyboard users at the top of the page.
 */
export function useReturnFocus(open: boolean): void {
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (open) {
      opener.current =
        document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
      return;
    }
    const target = opener.current;
    opener.current = null;
    if (!target) return;
    // After the drawer's own close animation has released focus.
    const timer = window.setTimeout(() => {
      if (target.isConnected && (document.activeElement === document.body || document.activeElement === null)) target.focus();
    }, 350);
    return () => window.clearTimeout(timer);
  }, [open]);
}
