import type { Registry, Service } from '@beacon/core';
import type { Subscriber, Subscriptions } from '../push/subscriptions.js';
import type { ClientInfo } from '../wire/client-info.js';
import { canReceivePush, isPushAddress } from './push-eligibility.js';

export type { Subscriber };

/** A client's query for the hosts of a service, with where it would like pushes to go. */
export interface HostQuery {
  readonly namespaceId: string;
  readonly serviceName: string;
  /** The `clusters` parameter exactly as sent: push targets are keyed on it. */
  readonly clusters: string;
  readonly clientIP: string;
  /** 0 when the client does not listen for pushes. */
  readonly udpPort: number;
  readonly app: string;
}

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
 * (push switch, client version, a pushable address) and the cache time that follows from it.
 */
export class DiscoveryService {
  constructor(
    private readonly registry: Registry,
    private readonly subscriptions: Subscriptions,
  ) {}

  queryHosts(query: HostQuery, caller: ClientInfo): HostAnswer {
    const switches = this.registry.switches;
    const pushed =
      isPushAddress(query.clientIP, query.udpPort) &&
      switches.pushEnabled &&
      canReceivePush(caller) &&
      this.subscriptions.onListQuery({ ...query, client: caller });
    const service = this.registry.findService(query.namespaceId, query.serviceName);
    return {
      service,
      cacheMillis: pushed && service ? switches.defaultPushCacheMillis : switches.defaultCacheMillis,
      now: this.registry.clock.now(),
    };
  }

  /** Live UDP push targets and watch streams of a service. */
  subscribers(namespaceId: string, serviceName: string): Subscriber[] {
    return this.subscriptions.subscribers(namespaceId, serviceName);
  }
}
