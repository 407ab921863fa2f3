/** Time as the core sees it. Injected so tests can drive expiry with a fake clock instead of sleeping. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Whatever the clock returns for a timer; never undefined, so `TimerHandle | undefined` can mean "no timer". */
export type TimerHandle = NonNullable<unknown>;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // Registry timers must never keep a process alive on their own: shutdown is explicit.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
