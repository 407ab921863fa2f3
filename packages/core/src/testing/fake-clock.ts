import type { Clock, TimerHandle } from '../clock.js';

interface FakeTimer {
  readonly id: number;
  at: number;
  readonly callback: () => void;
}

/**
 * A clock for tests: time moves only when `advance` says so, and timers fire in order of their
 * due time as it passes. Lets expiry be asserted at "timeout + 1 ms" exactly, with no sleeps.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward by `ms`, firing every timer that comes due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers)
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      // An overdue timer (after `jump`) fires late, at the current time: time never runs backwards.
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    this.current = target;
  }

  /** Jumps time without firing timers in between: what a paused process sees on resume. */
  jump(ms: number): void {
    this.current += ms;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
