import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { Registry, ServiceChange } from '@beacon/core';
import { bareName, groupOf } from '@beacon/core';
import { buildServiceInfoV2, type ServiceInfoV2 } from '../wire/nacos-service-info-v2.js';
import { Coalescer } from './coalescer.js';
import {
  serviceKeyOf,
  type ConnectionSubscriber,
  type ConnectionSubscribers,
  type ConnectionSubscription,
} from './connection-subscribers.js';
import type { PushMetrics } from './push-metrics.js';

export interface ConnectionPusherOptions {
  /** The same window as UDP and watch pushes, so every face hears a change at the same moment. */
  readonly coalesceMs: number;
  readonly ackTimeoutMs: number;
}

interface Pending {
  readonly namespaceId: string;
  readonly serviceName: string;
  /** performance.now() of the change, for the latency histogram. */
  readonly at: number;
}

/**
 * Pushes a changed service to the connections subscribed to it: a NotifySubscriberRequest down
 * each, which the client acknowledges with a NotifySubscriberResponse. Changes are coalesced per
 * service; each subscriber gets the ServiceInfo for the clusters it asked for.
 */
export class ConnectionPusher {
  private readonly logger = new Logger('ConnectionPush');
  private readonly coalescer: Coalescer<string, Pending>;
  private unsubscribe: (() => void) | undefined;
  /** Per subscriber, the services pushed and not yet acknowledged; true when changed again since. */
  private readonly inFlight = new Map<ConnectionSubscriber, Map<string, boolean>>();

  constructor(
    private readonly registry: Registry,
    private readonly subscribers: ConnectionSubscribers,
    private readonly metrics: PushMetrics,
    private readonly options: ConnectionPusherOptions,
  ) {
    this.coalescer = new Coalescer(
      options.coalesceMs,
      (_key, changes) => this.push(changes),
      (error) => this.logger.error(`push failed: ${String(error)}`),
    );
  }

  start(): void {
    this.unsubscribe ??= this.registry.onChange((change) => this.onChange(change));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.coalescer.clear();
  }

  /** The ServiceInfo a subscriber of these clusters is sent (and answered when it subscribes). */
  serviceInfo(namespaceId: string, serviceName: string, clusters: string, healthyOnly: boolean): ServiceInfoV2 {
    const service = this.registry.findService(namespaceId, serviceName);
    const cacheMillis = this.registry.switches.defaultPushCacheMillis;
    return buildServiceInfoV2(service, serviceName, clusters, healthyOnly, cacheMillis, this.registry.clock.now());
  }

  /** Runs inside the registry mutation: O(1), nothing built here. */
  private onChange(change: ServiceChange): void {
    const { namespaceId, name } = change.service;
    const key = serviceKeyOf(namespaceId, name);
    if (!this.subscribers.has(key)) return;
    this.coalescer.add(key, { namespaceId, serviceName: name, at: performance.now() });
  }

  private push(changes: Pending[]): void {
    const first = changes[0];
    if (!first) return;
    const { namespaceId, serviceName } = first;
    const key = serviceKeyOf(namespaceId, serviceName);
    const infos = new Map<string, ServiceInfoV2>();
    let sent = 0;
    for (const [subscriber, subscription] of this.subscribers.of(key)) {
      // Rights end with a token's expiry too, which no access change announces: checked here.
      if (!subscriber.mayReceive(namespaceId, serviceName)) {
        this.subscribers.unsubscribe(subscriber, namespaceId, serviceName);
        continue;
      }
      if (this.send(subscriber, subscription, key, infos)) sent++;
    }
    if (sent > 0) this.metrics.observeLatency('grpc', performance.now() - first.at);
  }

  /**
   * One push of a service in flight per subscriber: while the client has not acknowledged it, a
   * newer change only marks the service dirty, and its state then is sent when the ack (or the
   * timeout) comes. A client that acks keeps up however fast a large service churns; what it
   * holds unsent stays one service large. False when it only marked the service dirty.
   */
  private send(
    subscriber: ConnectionSubscriber,
    subscription: ConnectionSubscription,
    key: string,
    infos: Map<string, ServiceInfoV2>,
  ): boolean {
    let flights = this.inFlight.get(subscriber);
    if (flights?.has(key)) {
      flights.set(key, true);
      return false;
    }
    if (!flights) {
      flights = new Map();
      this.inFlight.set(subscriber, flights);
    }
    flights.set(key, false);
    const { namespaceId, serviceName, clusters } = subscription;
    let serviceInfo = infos.get(clusters);
    if (!serviceInfo) {
      serviceInfo = this.serviceInfo(namespaceId, serviceName, clusters, false);
      infos.set(clusters, serviceInfo);
    }
    const body = {
      namespace: namespaceId,
      serviceName: bareName(serviceName),
      groupName: groupOf(serviceName),
      serviceInfo,
      module: 'naming',
    };
    void subscriber.request('NotifySubscriberRequest', body, this.options.ackTimeoutMs).then((acked) => {
      if (!acked && !subscriber.isClosed) {
        this.logger.warn(
          `push of ${serviceName} to ${subscriber.describe.ip}:${subscriber.describe.port} not acknowledged`,
        );
      }
      const dirty = flights.get(key) === true;
      flights.delete(key);
      if (flights.size === 0 && this.inFlight.get(subscriber) === flights) this.inFlight.delete(subscriber);
      if (!dirty || subscriber.isClosed) return;
      const current = this.subscribers.of(key).get(subscriber);
      if (current && subscriber.mayReceive(namespaceId, serviceName)) this.send(subscriber, current, key, new Map());
    });
    return true;
  }
}
