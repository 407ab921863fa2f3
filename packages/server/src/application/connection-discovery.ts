import type { Registry } from '@beacon/core';
import { bareName, groupOf } from '@beacon/core';
import type { ConnectionPusher } from '../push/connection-pusher.js';
import type {
  ConnectionSubscriber,
  ConnectionSubscribers,
  ConnectionSubscription,
} from '../push/connection-subscribers.js';
import type { ServiceInfoV2 } from '../wire/nacos-service-info-v2.js';

export type { ConnectionSubscriber, ConnectionSubscription };

/**
 * Discovery for clients that hold a connection (Nacos 2.x over gRPC): the ServiceInfo they query,
 * the services they subscribe to (pushed down their connection), and the service list.
 */
export class ConnectionDiscovery {
  constructor(
    private readonly registry: Registry,
    private readonly subscribers: ConnectionSubscribers,
    private readonly pusher: ConnectionPusher,
  ) {}

  serviceInfo(namespaceId: string, serviceName: string, clusters: string, healthyOnly: boolean): ServiceInfoV2 {
    return this.pusher.serviceInfo(namespaceId, serviceName, clusters, healthyOnly);
  }

  subscribe(subscriber: ConnectionSubscriber, subscription: ConnectionSubscription): void {
    this.subscribers.subscribe(subscriber, subscription);
  }

  unsubscribe(subscriber: ConnectionSubscriber, namespaceId: string, serviceName: string): void {
    this.subscribers.unsubscribe(subscriber, namespaceId, serviceName);
  }

  /** The connection is gone: it hears nothing more. */
  forget(subscriber: ConnectionSubscriber): void {
    this.subscribers.dropAll(subscriber);
  }

  /** ServiceListRequest: bare names of one group (every group when none is named), a 1-based page. */
  serviceNames(
    namespaceId: string,
    groupName: string | undefined,
    pageNo: number,
    pageSize: number,
  ): { count: number; serviceNames: string[] } {
    const names: string[] = [];
    for (const service of this.registry.services(namespaceId)) {
      if (groupName === undefined || groupOf(service.name) === groupName) names.push(bareName(service.name));
    }
    names.sort();
    const start = Math.max(0, (pageNo - 1) * pageSize);
    return { count: names.length, serviceNames: names.slice(start, start + pageSize) };
  }

  get switches(): Registry['switches'] {
    return this.registry.switches;
  }
}
