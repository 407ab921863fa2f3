import type { Registry, Service } from '@beacon/core';
import { HealthRing, type HealthPoint } from './health-ring.js';

/** 10 s resolution, 361 points: at least one hour of history per service, at most about 6 KB each. */
export const HISTORY_RESOLUTION_MS = 10_000;
export const HISTORY_CAPACITY = 361;
export const HISTORY_KEPT_MS = (HISTORY_CAPACITY - 1) * HISTORY_RESOLUTION_MS;

/**
 * Healthy/unhealthy counts of every service over the last hour, for the console's chart. Fed by the
 * registry's change events (each costs the size of one service, never a scan of the registry);
 * a deleted service takes its history with it.
 */
export class HealthHistory {
  private readonly rings = new Map<string, HealthRing>();
  private readonly unsubscribe: () => void;

  constructor(private readonly registry: Registry) {
    this.unsubscribe = registry.onChange((change) => {
      const key = keyOf(change.service.namespaceId, change.service.name);
      if (change.reason === 'service.deleted') {
        this.rings.delete(key);
        return;
      }
      let ring = this.rings.get(key);
      if (!ring) this.rings.set(key, (ring = new HealthRing(HISTORY_CAPACITY, HISTORY_RESOLUTION_MS)));
      ring.record(change.at, change.service.healthyCount(), change.service.instanceCount());
    });
  }

  /** The service's points since `from`, ending with its state now. */
  of(service: Service, from: number): HealthPoint[] {
    const now = this.registry.clock.now();
    const points = this.rings.get(keyOf(service.namespaceId, service.name))?.since(from) ?? [];
    const healthy = service.healthyCount();
    points.push({ at: now, healthy, unhealthy: service.instanceCount() - healthy });
    return points;
  }

  /** Stops listening (the registry outlives a test's history). */
  close(): void {
    this.unsubscribe();
  }
}

function keyOf(namespaceId: string, serviceName: string): string {
  return `${namespaceId}##${serviceName}`;
}
