import { useSyncExternalStore } from 'react';

/**
 * One shared clock for everything that shows "time since": a single interval, however many
 * instances are on screen.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The browser's time, updated every second while someone is looking. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
