import type { Registry, Service } from '@beacon/core';

/**
 * Services that had instances and lost them all, with when, for `visibleMs` after: a total outage
 * must not be less visible than a partial one (an empty service is otherwise hidden by default).
 * Fed by the registry's change events (each costs one service, never a scan); a service that gets
 * an instance back, or is deleted, is no longer in outage.
 */
export class ServiceOutages {
  private readonly lostAt = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: Registry,
    /** BEACON_OUTAGE_VISIBLE_MS. */
    private readonly visibleMs: number,
  ) {
    this.unsubscribe = registry.onChange((change) => {
      const key = keyOf(change.service);
      const removed = change.reason === 'instance.deregistered' || change.reason === 'instance.expired';
      if (removed && change.service.instanceCount() === 0) this.lostAt.set(key, change.at);
      else if (change.reason === 'service.deleted' || change.service.instanceCount() > 0) this.lostAt.delete(key);
    });
  }

  /** When the service lost its last instance, while that is recent enough to show; else undefined. */
  since(service: Service): number | undefined {
    const key = keyOf(service);
    const at = this.lostAt.get(key);
    if (at === undefined) return undefined;
    if (this.registry.clock.now() - at < this.visibleMs) return at;
    this.lostAt.delete(key);
    return undefined;
  }

  /** Stops listening (the registry outlives a test's tracker). */
  close(): void {
    this.unsubscribe();
  }
}

function keyOf(service: Service): string {
  return `${service.namespaceId}##${service.name}`;
}
