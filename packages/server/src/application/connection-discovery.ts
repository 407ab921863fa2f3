import type { ConnectionPusher } from '../push/connection-pusher.js';
import type {
  ConnectionSubscriber,
  ConnectionSubscribers,
  ConnectionSubscription,
} from '../push/connection-subscribers.js';
import type { ServiceInfoV2 } from '../wire/nacos-service-info-v2.js';

export type { ConnectionSubscriber, ConnectionSubscription };

/**
 * Discovery for clients that hold a connection (Nacos 2.x over gRPC): the ServiceInfo they query
 * and the services they subscribe to (pushed down their connection).
 */
export class ConnectionDiscovery {
  constructor(
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
}
