import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BeatProcessor, Registry } from '@beacon/core';
import { ConnectionPusher } from '../push/connection-pusher.js';
import { ConnectionSubscribers } from '../push/connection-subscribers.js';
import { PushMetrics } from '../push/push-metrics.js';
import { PushModule } from '../push/push.module.js';
import { Subscriptions } from '../push/subscriptions.js';
import { RegistryModule } from '../registry/registry.module.js';
import { BeatService } from './beat-service.js';
import { ConnectionDiscovery } from './connection-discovery.js';
import { ConnectionRegistrations } from './connection-registrations.js';
import { DiscoveryService } from './discovery-service.js';
import { InstanceService } from './instance-service.js';
import { NamespaceService } from './namespace-service.js';
import { OperatorService } from './operator-service.js';
import { ServerStatusHolder } from './server-status.js';
import { ServiceCatalog } from './service-catalog.js';

/** UP once every module is ready (the registry restored, the schedulers started); DOWN on shutdown. */
@Injectable()
class ServerStatusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ServerStatusHolder) private readonly status: ServerStatusHolder) {}

  onApplicationBootstrap(): void {
    this.status.markUp();
  }

  onApplicationShutdown(): void {
    this.status.markDown();
  }
}

/**
 * The application layer for Nest: each use-case service is a plain class built here from its
 * explicit dependencies, so a face outside Nest (gRPC) can be handed the same instances.
 */
@Module({
  imports: [RegistryModule, PushModule],
  providers: [
    { provide: ServerStatusHolder, useFactory: () => new ServerStatusHolder() },
    ServerStatusLifecycle,
    { provide: InstanceService, inject: [Registry], useFactory: (r: Registry) => new InstanceService(r) },
    {
      provide: DiscoveryService,
      inject: [Registry, Subscriptions],
      useFactory: (r: Registry, s: Subscriptions) => new DiscoveryService(r, s),
    },
    { provide: ServiceCatalog, inject: [Registry], useFactory: (r: Registry) => new ServiceCatalog(r) },
    { provide: NamespaceService, inject: [Registry], useFactory: (r: Registry) => new NamespaceService(r) },
    {
      provide: OperatorService,
      inject: [Registry, ServerStatusHolder, PushMetrics],
      useFactory: (r: Registry, status: ServerStatusHolder, push: PushMetrics) => new OperatorService(r, status, push),
    },
    { provide: BeatService, inject: [BeatProcessor], useFactory: (p: BeatProcessor) => new BeatService(p) },
    {
      provide: ConnectionRegistrations,
      inject: [Registry],
      useFactory: (r: Registry) => new ConnectionRegistrations(r),
    },
    {
      provide: ConnectionDiscovery,
      inject: [ConnectionSubscribers, ConnectionPusher],
      useFactory: (s: ConnectionSubscribers, p: ConnectionPusher) => new ConnectionDiscovery(s, p),
    },
  ],
  exports: [
    ServerStatusHolder,
    InstanceService,
    DiscoveryService,
    ServiceCatalog,
    NamespaceService,
    OperatorService,
    BeatService,
    ConnectionRegistrations,
    ConnectionDiscovery,
  ],
})
export class ApplicationModule {}
