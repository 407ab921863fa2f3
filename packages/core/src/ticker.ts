import type { Clock, TimerHandle } from './clock.js';

/**
 * Calls `tick` every `intervalMs` on a Clock until stopped: setInterval through the clock port, so
 * a fake clock drives it in tests. The next tick is planned before this one runs, so a tick that
 * throws or awaits does not stop or slow the rhythm.
 */
export class Ticker {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly tick: () => void,
  ) {}

  start(): void {
    if (this.timer === undefined) this.plan();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private plan(): void {
    this.timer = this.clock.setTimeout(() => {
      this.plan();
      this.tick();
    }, this.intervalMs);
  }
}
