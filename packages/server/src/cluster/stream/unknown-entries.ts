import type { Clock, TimerHandle } from '@beacon/core';

/** Reloads of the view for entries this node cannot apply are at least this far apart. */
export const RESYNC_SPACING_MS = 1000;

/**
 * Change stream entries this node cannot apply: during a rolling upgrade, a newer node's new kind
 * or format version (stream-format.ts). Applying a guess could make the view wrong, and skipping
 * alone would leave it behind; so each is skipped, counted (the metric
 * `beacon_cluster_stream_entries_skipped_total`), logged once per kind, and the view is reloaded
 * from the engines, which hold what the newer node wrote (view-reconciler.ts). Reloads are spaced
 * `RESYNC_SPACING_MS` apart, so a flood of new entries costs one reload a second, not one each,
 * and the node is in step at most about that long after the last one.
 */
export class UnknownEntries {
  private readonly counts = new Map<string, number>();
  private pending: TimerHandle | undefined;
  private lastResyncAt = Number.NEGATIVE_INFINITY;
  private since: string[] = [];
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly resync: (why: string) => Promise<void>,
    private readonly warn: (message: string) => void,
  ) {}

  /** An entry of `what` (e.g. `kind drainInstance`) from node `origin` was not applied. */
  skipped(what: string, origin: string): void {
    const n = (this.counts.get(what) ?? 0) + 1;
    this.counts.set(what, n);
    if (n === 1) {
      this.warn(
        `skipped a change stream entry of ${what} from node ${origin}: a newer Beacon wrote it, this one does not ` +
          'know it; it reloads its view from the engines instead (logged once per kind; every one is counted in ' +
          'beacon_cluster_stream_entries_skipped_total)',
      );
    }
    if (!this.since.includes(what)) this.since.push(what);
    this.schedule();
  }

  /** Entries skipped so far, by what they were. */
  counted(): ReadonlyMap<string, number> {
    return this.counts;
  }

  stop(): void {
    this.stopped = true;
    if (this.pending !== undefined) this.clock.clearTimeout(this.pending);
    this.pending = undefined;
  }

  private schedule(): void {
    if (this.pending !== undefined || this.stopped) return;
    const wait = Math.max(0, this.lastResyncAt + RESYNC_SPACING_MS - this.clock.now());
    this.pending = this.clock.setTimeout(() => {
      this.pending = undefined;
      this.lastResyncAt = this.clock.now();
      const why = `it skipped change stream entries it does not know (${this.since.join(', ')})`;
      this.since = [];
      void this.resync(why);
    }, wait);
  }
}
