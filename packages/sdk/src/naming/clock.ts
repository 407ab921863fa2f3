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

/** Whatever the clock returns for a timer; never undefined, so `TimerHandle | undefined` can mean "no timer". */
export type TimerHandle = NonNullable<unknown>;

export const systemClock: Clock = {
  now: () => Date.now(),
  // Timers are not unref'd: like a socket or a pool, an open client keeps the process alive (a
  // watcher with nothing else to do must not exit) until close().
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
