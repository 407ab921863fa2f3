import { bareName, groupOf, type Registry, type Service } from '@beacon/core';
import type { ServiceOutages } from './service-outages.js';

/**
 * Why a service serves nobody: its instances are all unhealthy or disabled, or it lost every
 * instance (within BEACON_OUTAGE_VISIBLE_MS; ServiceOutages).
 */
export type DownReason = 'no_healthy_instances' | 'lost_all_instances';

export interface DownService {
  readonly namespaceId: string;
  /** Grouped name: `group@@name`. */
  readonly serviceName: string;
  readonly group: string;
  readonly bareName: string;
  readonly reason: DownReason;
  /** When it went down (ms): the change that left it without a healthy instance, or took its last one. */
  readonly since: number;
}

/** A service marked by a change: the time of its latest change, or that it was deleted. */
const DELETED = -1;

/**
 * The services nobody can be sent to right now, for alerting (/metrics). Kept current from the
 * registry's change events: a change only marks its service, and a read judges the marked ones, so
 * a scrape costs what changed since the last one, never the registry (one scan at start).
 * Judging a service stops at its first healthy, enabled instance.
 */
export class ServicesDown {
  private readonly marked = new Map<Service, number>();
  private readonly withoutHealthy = new Map<Service, DownService>();
  private readonly unsubscribe: () => void;

  constructor(
    registry: Registry,
    private readonly outages: ServiceOutages,
  ) {
    for (const namespaceId of registry.namespaceIds()) {
      for (const service of registry.services(namespaceId)) this.judge(service, service.changedAt);
    }
    this.unsubscribe = registry.onChange(({ service, reason, at }) => {
      this.marked.set(service, reason === 'service.deleted' ? DELETED : at);
    });
  }

  /** Every service down now: those without a healthy instance, then those that lost every instance. */
  current(): DownService[] {
    for (const [service, at] of this.marked) {
      if (at === DELETED) this.withoutHealthy.delete(service);
      else this.judge(service, at);
    }
    this.marked.clear();
    const lost = this.outages
      .current()
      .map((o) => downService(o.namespaceId, o.serviceName, 'lost_all_instances', o.at));
    return [...this.withoutHealthy.values(), ...lost];
  }

  close(): void {
    this.unsubscribe();
  }

  private judge(service: Service, at: number): void {
    if (!hasNoHealthyInstance(service)) {
      this.withoutHealthy.delete(service);
    } else if (!this.withoutHealthy.has(service)) {
      this.withoutHealthy.set(service, downService(service.namespaceId, service.name, 'no_healthy_instances', at));
    }
  }
}

/**
 * Instances, but none a client would be sent as healthy: each is unhealthy or disabled. (A service
 * without instances is not judged here: it is empty, or in outage if it lost them.)
 */
export function hasNoHealthyInstance(service: Service): boolean {
  let any = false;
  for (const instance of service.instances()) {
    if (instance.healthy && instance.enabled) return false;
    any = true;
  }
  return any;
}

function downService(namespaceId: string, serviceName: string, reason: DownReason, since: number): DownService {
  return { namespaceId, serviceName, group: groupOf(serviceName), bareName: bareName(serviceName), reason, since };
}
