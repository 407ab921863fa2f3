import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Registry } from '@beacon/core';
import { AccessDirectory } from '../auth/access-directory.js';
import { AuthModule } from '../auth/auth.module.js';
import { Authenticator } from '../auth/authenticator.js';
import type { BeaconConfig } from '../config/config.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { PushMetrics } from '../push/push-metrics.js';
import { Subscriptions } from '../push/subscriptions.js';
import { CONFIG } from '../registry/tokens.js';
import { GrpcAccess } from './access.js';
import { ClientDetector } from './client-detector.js';
import { Connections } from './connections.js';
import { NacosGrpcServer } from './grpc-server.js';
import { GrpcNaming, serviceKey } from './naming-operations.js';
import { GrpcNotifier } from './notifier.js';
import { namingHandlers } from './request-handlers.js';
import { GrpcSubscribers } from './subscribers.js';

/** Listens once the app is ready (BEACON_GRPC_PORT), and says goodbye to every client on shutdown. */
@Injectable()
class GrpcLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Grpc');

  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(NacosGrpcServer) private readonly server: NacosGrpcServer,
    @Inject(GrpcNotifier) private readonly notifier: GrpcNotifier,
    @Inject(ClientDetector) private readonly detector: ClientDetector,
    @Inject(Connections) connections: Connections,
    @Inject(GrpcSubscribers) subscribers: GrpcSubscribers,
    @Inject(GrpcNaming) naming: GrpcNaming,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
    @Inject(Subscriptions) subscriptions: Subscriptions,
  ) {
    // `/service/subscribers` lists gRPC subscribers beside UDP targets and watch streams.
    subscriptions.addSource((namespaceId, serviceName) =>
      [...subscribers.of(serviceKey(namespaceId, serviceName)).keys()].map((c) => ({
        addrStr: `${c.remoteIp}:${c.remotePort}`,
        agent: c.setup.clientVersion,
        app: c.setup.appName,
        ip: c.remoteIp,
        port: c.remotePort,
        namespaceId,
        serviceName,
      })),
    );
    // A closed connection takes its instances and subscriptions with it, at once.
    connections.onClose((connection) => {
      subscribers.dropAll(connection);
      naming.releaseAll(connection);
    });
    metrics.gauge('beacon_grpc_connections', 'Open Nacos 2.x gRPC connections', () => connections.size);
    metrics.gauge('beacon_grpc_subscriptions', 'Services subscribed over gRPC, per connection', () =>
      subscribers.count(),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.grpcPort === 'off') return;
    this.notifier.start();
    this.detector.start();
    const port = await this.server.start();
    this.logger.log(`Nacos 2.x gRPC on ${this.config.host}:${port}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.detector.stop();
    this.notifier.stop();
    await this.server.stop();
  }
}

/** The Nacos 2.x face: gRPC on PORT + 1000, instances that live as long as their connection. */
@Module({
  imports: [AuthModule],
  providers: [
    {
      provide: Connections,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => new Connections(config.grpcMaxConnectionsPerIp),
    },
    { provide: GrpcSubscribers, useFactory: () => new GrpcSubscribers() },
    { provide: GrpcNaming, inject: [Registry], useFactory: (registry: Registry) => new GrpcNaming(registry) },
    {
      provide: GrpcNotifier,
      inject: [Registry, GrpcSubscribers, GrpcNaming, PushMetrics, CONFIG],
      useFactory: (
        registry: Registry,
        subscribers: GrpcSubscribers,
        naming: GrpcNaming,
        metrics: PushMetrics,
        config: BeaconConfig,
      ) =>
        new GrpcNotifier(registry, subscribers, naming, metrics, {
          coalesceMs: config.pushCoalesceMs,
          ackTimeoutMs: config.pushAckTimeoutMs,
        }),
    },
    {
      provide: ClientDetector,
      inject: [Connections, Registry, CONFIG],
      useFactory: (connections: Connections, registry: Registry, config: BeaconConfig) =>
        new ClientDetector(connections, {
          idleMs: config.grpcIdleMs,
          answerTimeoutMs: config.grpcDetectTimeoutMs,
          now: () => registry.clock.now(),
        }),
    },
    {
      provide: GrpcAccess,
      inject: [CONFIG, Authenticator, AccessDirectory],
      useFactory: (config: BeaconConfig, authenticator: Authenticator, directory: AccessDirectory) =>
        new GrpcAccess(config.authEnabled, authenticator, directory),
    },
    {
      provide: NacosGrpcServer,
      inject: [CONFIG, Connections, GrpcNaming, GrpcSubscribers, GrpcAccess, Registry],
      useFactory: (
        config: BeaconConfig,
        connections: Connections,
        naming: GrpcNaming,
        subscribers: GrpcSubscribers,
        access: GrpcAccess,
        registry: Registry,
      ) =>
        new NacosGrpcServer(
          {
            host: config.host,
            port: config.grpcPort === 'off' ? 0 : config.grpcPort,
            maxMessageBytes: config.bodyLimitBytes,
            now: () => registry.clock.now(),
          },
          connections,
          namingHandlers(naming, subscribers),
          access,
        ),
    },
    GrpcLifecycle,
  ],
  exports: [NacosGrpcServer, Connections, GrpcSubscribers],
})
export class GrpcModule {}
