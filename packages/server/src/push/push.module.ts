import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Registry } from '@beacon/core';
import type { BeaconConfig } from '../config/config.js';
import { AuthGuard } from '../auth/auth-guard.js';
import { AuthModule } from '../auth/auth.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { CONFIG } from '../config/tokens.js';
import { StateBackendModule } from '../state-backend/state-backend.module.js';
import { NativeViews } from '../wire/native-views.js';
import { WireModule } from '../wire/wire.module.js';
import { ConnectionPusher } from './connection-pusher.js';
import { ConnectionSubscribers } from './connection-subscribers.js';
import { PushAddressRule } from './push-address-rule.js';
import { PushMetrics } from './push-metrics.js';
import { PushTargets } from './push-targets.js';
import { Subscriptions } from './subscriptions.js';
import { UdpPusher } from './udp-pusher.js';
import { WatchController } from './watch.controller.js';
import { WatchHub } from './watch-hub.js';

/** Binds the UDP socket and starts the hub once the app is ready; ends streams before the HTTP server closes. */
@Injectable()
class PushLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(Registry) private readonly registry: Registry,
    @Inject(PushTargets) private readonly targets: PushTargets,
    @Inject(UdpPusher) private readonly pusher: UdpPusher,
    @Inject(WatchHub) private readonly hub: WatchHub,
    @Inject(ConnectionPusher) private readonly connectionPusher: ConnectionPusher,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
    @Inject(ConnectionSubscribers) private readonly connectionSubscribers: ConnectionSubscribers,
    @Inject(AuthGuard) private readonly guard: AuthGuard,
  ) {
    const now = () => registry.clock.now();
    metrics.gauge('beacon_push_udp_targets', 'Live UDP push targets (polled within the target TTL)', () =>
      targets.liveCount(now()),
    );
    metrics.gauge('beacon_watch_streams', 'Open watch streams', () => hub.streamCount());
    metrics.gauge('beacon_grpc_subscriptions', 'Services subscribed over gRPC, counted per connection', () =>
      connectionSubscribers.count(),
    );
    metrics.gauge('beacon_watch_backlog_bytes', 'Bytes written to watch streams but not yet sent', () =>
      hub.backlogBytes(),
    );
    metrics.gauge('beacon_watch_history_bytes', 'Bytes of change history kept for Last-Event-ID replay', () =>
      hub.historyBytes(),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.pusher.start();
    this.hub.start();
    this.connectionPusher.start();
    // Streams, UDP targets and gRPC subscriptions outlive their requests: when access changes,
    // each is checked again, and those no longer allowed get nothing more.
    this.guard.onAccessChange(() => {
      this.hub.revalidate();
      this.targets.revalidate();
      this.connectionSubscribers.revalidate();
    });
    this.sweepTimer = setInterval(() => {
      const now = this.registry.clock.now();
      this.targets.sweep(now);
      this.pusher.pruneRates(now);
    }, this.config.pushTargetTtlMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
    this.hub.stop();
    this.connectionPusher.stop();
    this.pusher.stop();
  }
}

/**
 * Push: UDP to Nacos 1.x clients, NotifySubscriberRequest down gRPC connections to 2.x clients, the
 * watch stream for everyone else, and who subscribes to what.
 */
@Module({
  imports: [StateBackendModule, MetricsModule, WireModule, AuthModule],
  controllers: [WatchController],
  providers: [
    { provide: PushMetrics, inject: [MetricsRegistry], useFactory: (m: MetricsRegistry) => new PushMetrics(m) },
    {
      provide: PushTargets,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => new PushTargets(config.pushTargetTtlMs, config.pushTargetsPerSource),
    },
    {
      provide: PushAddressRule,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => new PushAddressRule(config.trustedProxies),
    },
    {
      provide: UdpPusher,
      inject: [Registry, PushTargets, PushMetrics, CONFIG],
      useFactory: (registry: Registry, targets: PushTargets, metrics: PushMetrics, config: BeaconConfig) =>
        new UdpPusher(registry, targets, metrics, {
          coalesceMs: config.pushCoalesceMs,
          ackTimeoutMs: config.pushAckTimeoutMs,
          bytesPerSecond: config.pushBytesPerSecond,
          bindAddress: config.host,
        }),
    },
    {
      provide: WatchHub,
      inject: [Registry, NativeViews, PushMetrics, CONFIG],
      useFactory: (registry: Registry, views: NativeViews, metrics: PushMetrics, config: BeaconConfig) =>
        new WatchHub(registry, views, metrics, {
          coalesceMs: config.pushCoalesceMs,
          keepAliveMs: config.watchKeepAliveMs,
          backlogBytes: config.watchBacklogBytes,
          historyBytes: config.watchHistoryBytes,
          maxStreams: config.maxWatchStreams,
          maxStreamsPerOwner: config.maxWatchStreamsPerUser,
        }),
    },
    {
      provide: ConnectionSubscribers,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => new ConnectionSubscribers(config.grpcMaxSubscriptionsPerConnection),
    },
    {
      provide: ConnectionPusher,
      inject: [Registry, ConnectionSubscribers, PushMetrics, CONFIG],
      useFactory: (
        registry: Registry,
        subscribers: ConnectionSubscribers,
        metrics: PushMetrics,
        config: BeaconConfig,
      ) =>
        new ConnectionPusher(registry, subscribers, metrics, {
          coalesceMs: config.pushCoalesceMs,
          ackTimeoutMs: config.pushAckTimeoutMs,
        }),
    },
    Subscriptions,
    PushLifecycle,
  ],
  exports: [Subscriptions, PushMetrics, PushTargets, UdpPusher, WatchHub, ConnectionSubscribers, ConnectionPusher],
})
export class PushModule {}
