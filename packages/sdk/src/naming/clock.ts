/**
 * Time as the SDK sees it: the beat reactor, pollers and retries only ever use this, so tests can
 * drive them with a fake clock instead of sleeping. Same shape as @beacon/core's Clock, without
 * depending on it (the SDK is published on its own).
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = unknown;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // The client's timers never keep a process alive on their own: an app that is done may exit.
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
