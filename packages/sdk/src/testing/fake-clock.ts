// The same fake clock as @beacon/core/testing's, kept here on purpose: the published SDK depends on
// no other Beacon package, so applications can test with it without installing the server's core.
import type { Clock, TimerHandle } from '../naming/clock.js';

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock for tests of code that awaits between timers. Time moves only when `advance` says so;
 * timers fire in due order, and after each one the pending promise chains are let run (a few
 * macrotask turns), so a beat that awaits its HTTP reply has rescheduled itself before the next
 * timer is considered.
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
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.nextTimer(target);
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = Math.max(this.current, next.at);
      next.callback();
      await settle();
    }
    this.current = target;
  }

  /** Advances to the next timer and fires it (and whatever else is due at that instant). */
  async advanceToNext(): Promise<number> {
    await settle();
    const next = this.nextTimer(Number.POSITIVE_INFINITY);
    if (!next) throw new Error('FakeClock: no timer pending');
    const step = Math.max(0, next.at - this.current);
    await this.advance(step);
    return step;
  }

  /** Milliseconds until the earliest pending timer, or undefined when none is pending. */
  get nextDelay(): number | undefined {
    const next = this.nextTimer(Number.POSITIVE_INFINITY);
    return next ? Math.max(0, next.at - this.current) : undefined;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  private nextTimer(limit: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
    }
    return next;
  }
}

/** Lets promise chains that are already resolvable run to completion. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
