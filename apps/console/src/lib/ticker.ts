import { useSyncExternalStore } from 'react';

/**
 * One shared clock for everything that shows "time since": a single interval, however many
 * instances are on screen.
 */
/** Half a second: "3 s ago" is never more than half a second behind. */
const TICK_MS = 500;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The browser's time, updated every tick while someone is looking. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
