import { Ticker, type Clock } from '@beacon/core';
import type { AuditStore } from './audit-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often old entries are pruned (and once at start). */
export const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface AuditRetentionLimits {
  /** BEACON_AUDIT_RETENTION_DAYS: entries older than this go. */
  readonly days: number;
  /** BEACON_AUDIT_MAX_ENTRIES: only the newest this many stay. */
  readonly maxEntries: number;
}

/**
 * Keeps the trail within its bounds: at start and then every hour on core's clock, entries older
 * than the retention and beyond the row cap are deleted. In a cluster every node prunes the shared
 * table; the deletes are idempotent, so that costs nothing but a few queries an hour.
 */
export class AuditRetention {
  private readonly ticker: Ticker;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly limits: AuditRetentionLimits,
    private readonly reportError: (error: unknown) => void,
  ) {
    this.ticker = new Ticker(clock, AUDIT_PRUNE_INTERVAL_MS, () => void this.prune());
  }

  start(): void {
    void this.prune();
    this.ticker.start();
  }

  stop(): Promise<void> {
    this.ticker.stop();
    return this.running ?? Promise.resolve();
  }

  /** One pass; a pass still running makes this one a no-op. Resolves to the number of entries deleted. */
  async prune(): Promise<number> {
    if (this.running) return 0;
    let deleted = 0;
    this.running = (async () => {
      try {
        deleted = await this.store.prune(this.clock.now() - this.limits.days * DAY_MS, this.limits.maxEntries);
      } catch (error) {
        this.reportError(error);
      }
    })();
    await this.running;
    this.running = undefined;
    return deleted;
  }
}
