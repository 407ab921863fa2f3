import type { Registry, Service } from '@beacon/core';
import type { HostQuery, Subscriber, Subscriptions } from '../push/subscriptions.js';
import type { ClientInfo } from '../wire/client-info.js';
import { canReceivePush } from './push-eligibility.js';
import { boundedPage, pageOf, type PageRequest } from './service-catalog.js';

export type { HostQuery, Subscriber };

/** What a host query resolves to; the face renders it (ServiceInfo for Nacos 1.x). */
export interface HostAnswer {
  /** Undefined when the service does not exist (an empty host list, not an error). */
  readonly service: Service | undefined;
  /** How long the client may cache the answer: longer when it now receives pushes. */
  readonly cacheMillis: number;
  readonly now: number;
}

/**
 * Discovery: answering host queries and keeping track of who listens. Owns push eligibility
 * (push switch, client version; the address rules are the subscriptions') and the cache time that
 * follows from it.
 */
export class DiscoveryService {
  constructor(
    private readonly registry: Registry,
    private readonly subscriptions: Subscriptions,
  ) {}

  queryHosts(query: HostQuery, caller: ClientInfo): HostAnswer {
    const switches = this.registry.switches;
    const pushed = switches.pushEnabled && canReceivePush(caller) && this.subscriptions.onListQuery(query, caller);
    const service = this.registry.findService(query.namespaceId, query.serviceName);
    return {
      service,
      // Nacos sets the push value before it looks the service up: a service that does not exist
      // yet is pushed when it comes, so the client need not poll for it sooner.
      cacheMillis: pushed ? switches.defaultPushCacheMillis : switches.defaultCacheMillis,
      now: this.registry.clock.now(),
    };
  }

  /** Live UDP push targets and watch streams of a service. */
  subscribers(namespaceId: string, serviceName: string): Subscriber[] {
    return this.subscriptions.subscribers(namespaceId, serviceName);
  }

  /** One page of them (pageNo and pageSize at least 1), with how many there are in all. */
  subscriberPage(
    namespaceId: string,
    serviceName: string,
    page: PageRequest,
  ): { subscribers: Subscriber[]; count: number } {
    const all = this.subscribers(namespaceId, serviceName);
    return { subscribers: pageOf(all, boundedPage(page.pageNo, page.pageSize, 1)), count: all.length };
  }
}
