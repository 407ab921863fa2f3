/**
 * Refusals told to the log at a bounded pace: the first one at once, the rest summed up at most
 * once per interval, so a flood of refused connections is visible without flooding the log.
 */
export class RefusalLog {
  private readonly pending = new Map<string, number>();
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One refusal: `what` says why and from where, e.g. `per-ip cap (127.0.0.1)`. */
  add(what: string): void {
    this.pending.set(what, (this.pending.get(what) ?? 0) + 1);
    const wait = this.lastWrittenAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait).unref();
  }

  /** Writes what is pending (also at shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const parts = [...this.pending].map(([what, n]) => `${n} x ${what}`);
    this.pending.clear();
    this.lastWrittenAt = this.now();
    this.write(parts.join(', '));
  }
}
