import { useEffect, useRef } from 'react';

/** How long a page may take to show its heading (it may be loading) before focus is left alone. */
const WAIT_FOR_HEADING_MS = 5000;

/**
 * After a navigation to another page (not on the first load, not when only the query changes, so
 * typing in a filter keeps its focus), moves focus to the new page's heading, as a screen reader
 * user expects of a page change. A page still loading gets its heading focused when it appears.
 */
export function useFocusHeadingOnNavigation(pathname: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    if (!main) return;
    const focusHeading = (): boolean => {
      const heading = main.querySelector<HTMLElement>('h1');
      if (!heading) return false;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus();
      return true;
    };
    if (focusHeading()) return;
    const observer = new MutationObserver(() => {
      if (focusHeading()) stop();
    });
    const timer = setTimeout(() => stop(), WAIT_FOR_HEADING_MS);
    const stop = () => {
      observer.disconnect();
      clearTimeout(timer);
    };
    observer.observe(main, { childList: true, subtree: true });
    return stop;
  }, [pathname]);
}
