import type { Registry, Service } from '@beacon/core';

/** A service in outage: it lost its last instance `at` (ms), within the visible time. */
export interface Outage {
  readonly namespaceId: string;
  /** Grouped name: `group@@name`. */
  readonly serviceName: string;
  readonly at: number;
}

/**
 * Services that had instances and lost them all, with when, for `visibleMs` after: a total outage
 * must not be less visible than a partial one (an empty service is otherwise hidden by default).
 * Fed by the registry's change events (each costs one service, never a scan); a service that gets
 * an instance back, or is deleted, is no longer in outage.
 */
export class ServiceOutages {
  private readonly lostAt = new Map<string, Outage>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: Registry,
    /** BEACON_OUTAGE_VISIBLE_MS. */
    private readonly visibleMs: number,
  ) {
    this.unsubscribe = registry.onChange((change) => {
      const key = keyOf(change.service);
      const removed = change.reason === 'instance.deregistered' || change.reason === 'instance.expired';
      const { namespaceId, name } = change.service;
      if (removed && change.service.instanceCount() === 0) {
        this.lostAt.set(key, { namespaceId, serviceName: name, at: change.at });
      } else if (change.reason === 'service.deleted' || change.service.instanceCount() > 0) this.lostAt.delete(key);
    });
  }

  /** When the service lost its last instance, while that is recent enough to show; else undefined. */
  since(service: Service): number | undefined {
    const key = keyOf(service);
    const outage = this.lostAt.get(key);
    if (outage === undefined) return undefined;
    if (this.registry.clock.now() - outage.at < this.visibleMs) return outage.at;
    this.lostAt.delete(key);
    return undefined;
  }

  /** Every service in outage now: costs the outages, not the registry. */
  current(): Outage[] {
    const now = this.registry.clock.now();
    const shown: Outage[] = [];
    for (const [key, outage] of this.lostAt) {
      if (now - outage.at < this.visibleMs) shown.push(outage);
      else this.lostAt.delete(key);
    }
    return shown;
  }

  /** Stops listening (the registry outlives a test's tracker). */
  close(): void {
    this.unsubscribe();
  }
}

function keyOf(service: Service): string {
  return `${service.namespaceId}##${service.name}`;
}
