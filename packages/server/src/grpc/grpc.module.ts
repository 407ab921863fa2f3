import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ApplicationModule } from '../application/application.module.js';
import { ConnectionDiscovery } from '../application/connection-discovery.js';
import { ConnectionRegistrations } from '../application/connection-registrations.js';
import { ServiceCatalog } from '../application/service-catalog.js';
import { AccessDirectory } from '../auth/access-directory.js';
import { AuthModule } from '../auth/auth.module.js';
import { Authenticator } from '../auth/authenticator.js';
import type { BeaconConfig } from '../config/config.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { CONFIG } from '../config/tokens.js';
import { RefusalLog } from '../net/refusal-log.js';
import { GrpcAccess } from './access.js';
import { ClientDetector } from './client-detector.js';
import { Connections } from './connections.js';
import { NacosGrpcServer } from './grpc-server.js';
import { namingHandlers } from './request-handlers.js';

/** Listens once the app is ready (BEACON_GRPC_PORT), and says goodbye to every client on shutdown. */
@Injectable()
class GrpcLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Grpc');
  /** Releases of closed connections' instances still in flight (awaited at shutdown). */
  private readonly releasing = new Set<Promise<void>>();

  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(NacosGrpcServer) private readonly server: NacosGrpcServer,
    @Inject(ClientDetector) private readonly detector: ClientDetector,
    @Inject(Connections) connections: Connections,
    @Inject(ConnectionRegistrations) private readonly registrations: ConnectionRegistrations,
    @Inject(ConnectionDiscovery) discovery: ConnectionDiscovery,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
  ) {
    // A closed connection takes its instances and subscriptions with it, at once.
    connections.onClose((connection) => {
      discovery.forget(connection);
      const released = registrations
        .releaseAll(connection.id)
        .catch((error: unknown) => this.logger.warn(`instances of ${connection.id} not released: ${String(error)}`));
      this.releasing.add(released);
      void released.finally(() => this.releasing.delete(released));
    });
    // In a cluster: instances deleted while their connection lives come back when the client reconnects.
    registrations.onLost((connectionId) => {
      this.logger.warn(`the cluster deleted instances of connection ${connectionId}: resetting it`);
      this.server.reset(connectionId);
    });
    metrics.gauge('beacon_grpc_connections', 'Open Nacos 2.x gRPC connections', () => connections.size);
    metrics.gauge(
      'beacon_grpc_sockets',
      'Open TCP connections on the gRPC port, set up or not',
      () => server.socketCount,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.grpcPort === 'off') return;
    this.detector.start();
    const port = await this.server.start();
    this.logger.log(`Nacos 2.x gRPC on ${this.config.host}:${port}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.detector.stop();
    // In a cluster the clients, told to reconnect, register again on another node before what
    // they held here is released (BEACON_CLUSTER_DRAIN_MS at most), so a rolling restart shows no gap.
    const drainMs = this.config.cluster?.drainMs ?? 0;
    const started = Date.now();
    await this.registrations.handOver(drainMs, () => this.server.stop());
    if (drainMs > 0) this.logger.log(`handed the gRPC clients over in ${Date.now() - started} ms`);
    // The closed connections' instances leave before storage closes (in a cluster: Redis, where
    // they would otherwise stay until a lease holder sees this node's key gone, or none is left).
    await Promise.all(this.releasing);
  }
}

/** The Nacos 2.x face: gRPC on PORT + 1000, instances that live as long as their connection. */
@Module({
  imports: [ApplicationModule, AuthModule, MetricsModule],
  providers: [
    {
      provide: Connections,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => new Connections(config.grpcMaxConnectionsPerIp),
    },
    {
      provide: ClientDetector,
      inject: [Connections, CONFIG],
      useFactory: (connections: Connections, config: BeaconConfig) =>
        new ClientDetector(connections, {
          idleMs: config.grpcIdleMs,
          answerTimeoutMs: config.grpcDetectTimeoutMs,
          now: Date.now,
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
      inject: [
        CONFIG,
        Connections,
        ConnectionRegistrations,
        ConnectionDiscovery,
        ServiceCatalog,
        GrpcAccess,
        MetricsRegistry,
      ],
      useFactory: (
        config: BeaconConfig,
        connections: Connections,
        registrations: ConnectionRegistrations,
        discovery: ConnectionDiscovery,
        catalog: ServiceCatalog,
        access: GrpcAccess,
        metrics: MetricsRegistry,
      ) => {
        const refused = metrics.counter(
          'beacon_grpc_connections_refused_total',
          'gRPC connections closed by the guard: over a cap (total, per-ip) or not set up in time (setup-timeout)',
        );
        const cutOffs = metrics.counter(
          'beacon_grpc_cutoffs_total',
          'gRPC connections cut off because they left more than 8 MiB unsent (a client that stopped reading)',
        );
        const logger = new Logger('Grpc');
        const log = new RefusalLog((line) => logger.warn(`closed gRPC connections: ${line}`), 10_000);
        return new NacosGrpcServer(
          {
            host: config.host,
            port: config.grpcPort === 'off' ? 0 : config.grpcPort,
            maxMessageBytes: config.bodyLimitBytes,
            limits: {
              maxConnections: config.grpcMaxConnections,
              maxConnectionsPerIp: config.grpcMaxConnectionsPerIp,
              setupTimeoutMs: config.grpcSetupTimeoutMs,
            },
            maxConcurrentStreams: config.grpcMaxConcurrentStreams,
            guardEvents: {
              refused: (reason, ip) => {
                refused.inc({ reason });
                log.add(`${reason} (${ip})`);
              },
              cutOff: () => cutOffs.inc(),
            },
            now: Date.now,
          },
          connections,
          namingHandlers(registrations, discovery, catalog),
          access,
        );
      },
    },
    GrpcLifecycle,
  ],
  exports: [NacosGrpcServer, Connections],
})
export class GrpcModule {}
