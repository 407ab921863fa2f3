import type { Clock, TimerHandle } from '@beacon/core';
import type { ServiceName } from '../../storage/postgres-store.js';

/** Reloads of the view for entries this node cannot apply are at least this far apart. */
export const RESYNC_SPACING_MS = 1000;

/**
 * Change stream entries this node cannot apply: during a rolling upgrade, a newer node's new kind
 * or format version (stream-format.ts). Applying a guess could make the view wrong, and skipping
 * alone would leave it behind; so each is skipped, counted (the metric
 * `beacon_cluster_stream_entries_skipped_total`), logged once per kind, and the view is reloaded
 * from the engines, which hold what the newer node wrote (view-reconciler.ts): just the services
 * the entries name, or the whole view when one does not say (or its version is unknown). Reloads are spaced
 * `RESYNC_SPACING_MS` apart, so a flood of new entries costs one reload a second, not one each,
 * and the node is in step at most about that long after the last one.
 */
export class UnknownEntries {
  private readonly counts = new Map<string, number>();
  private pending: TimerHandle | undefined;
  private lastResyncAt = Number.NEGATIVE_INFINITY;
  private since: string[] = [];
  /** The services the entries since the last reload named, or 'all'. */
  private scope: Map<string, ServiceName> | 'all' = new Map();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    /** `only`: just these services; undefined: the whole view. */
    private readonly resync: (why: string, only: readonly ServiceName[] | undefined) => Promise<void>,
    private readonly warn: (message: string) => void,
  ) {}

  /** An entry of `what` (e.g. `kind drainInstance`) from node `origin`, of `service` if it says, was not applied. */
  skipped(what: string, origin: string, service?: ServiceName): void {
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
    if (service === undefined) this.scope = 'all';
    else if (this.scope !== 'all') this.scope.set(JSON.stringify([service.namespaceId, service.serviceName]), service);
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
      const only = this.scope === 'all' ? undefined : [...this.scope.values()];
      this.since = [];
      this.scope = new Map();
      void this.resync(why, only);
    }, wait);
  }
}
