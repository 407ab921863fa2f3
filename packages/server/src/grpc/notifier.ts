import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { Registry, ServiceChange } from '@beacon/core';
import { bareName, groupOf } from '@beacon/core';
import { Coalescer } from '../push/coalescer.js';
import type { PushMetrics } from '../push/push-metrics.js';
import { serviceKey, type GrpcNaming } from './naming-operations.js';
import type { GrpcSubscribers } from './subscribers.js';

export interface NotifierOptions {
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
 * each stream, which the client acknowledges with a NotifySubscriberResponse. Changes are
 * coalesced per service; each subscriber gets the ServiceInfo for the clusters it asked for.
 */
export class GrpcNotifier {
  private readonly logger = new Logger('GrpcPush');
  private readonly coalescer: Coalescer<string, Pending>;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly subscribers: GrpcSubscribers,
    private readonly naming: GrpcNaming,
    private readonly metrics: PushMetrics,
    private readonly options: NotifierOptions,
  ) {
    this.coalescer = new Coalescer(
      options.coalesceMs,
      (key, changes) => this.push(key, changes),
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

  /** Runs inside the registry mutation: O(1), nothing built here. */
  private onChange(change: ServiceChange): void {
    const { namespaceId, name } = change.service;
    const key = serviceKey(namespaceId, name);
    if (!this.subscribers.has(key)) return;
    this.coalescer.add(key, { namespaceId, serviceName: name, at: performance.now() });
  }

  private push(key: string, changes: Pending[]): void {
    const first = changes[0];
    if (!first) return;
    const { namespaceId, serviceName } = first;
    const infos = new Map<string, Record<string, unknown>>();
    let sent = 0;
    for (const [connection, subscription] of this.subscribers.of(key)) {
      let serviceInfo = infos.get(subscription.clusters);
      if (!serviceInfo) {
        serviceInfo = this.naming.serviceInfo(namespaceId, serviceName, subscription.clusters, false);
        infos.set(subscription.clusters, serviceInfo);
      }
      sent++;
      void connection
        .request(
          'NotifySubscriberRequest',
          {
            namespace: namespaceId,
            serviceName: bareName(serviceName),
            groupName: groupOf(serviceName),
            serviceInfo,
            module: 'naming',
          },
          this.options.ackTimeoutMs,
        )
        .then((ack) => {
          if (!ack && !connection.isClosed) {
            this.logger.warn(`push of ${serviceName} to ${connection.id} was not acknowledged`);
          }
        });
    }
    if (sent > 0) this.metrics.observeLatency('grpc', performance.now() - first.at);
  }
}
