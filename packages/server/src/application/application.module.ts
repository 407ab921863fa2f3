import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from '@beacon/core';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { ConnectionPusher } from '../push/connection-pusher.js';
import { ConnectionSubscribers } from '../push/connection-subscribers.js';
import { PushMetrics } from '../push/push-metrics.js';
import { PushModule } from '../push/push.module.js';
import { Subscriptions } from '../push/subscriptions.js';
import { StateBackendModule } from '../state-backend/state-backend.module.js';
import { BeatService } from './beat-service.js';
import { ClientViews } from './client-views.js';
import { ConnectionDiscovery } from './connection-discovery.js';
import { ConnectionRegistrations } from './connection-registrations.js';
import { DiscoveryService } from './discovery-service.js';
import { HealthHistory } from './health-history.js';
import { InstanceService } from './instance-service.js';
import { NamespaceService } from './namespace-service.js';
import { OperatorService } from './operator-service.js';
import { ServerStatusHolder } from './server-status.js';
import { ServiceCatalog } from './service-catalog.js';
import { ServiceInsights } from './service-insights.js';
import { ServiceOutages } from './service-outages.js';
import { ServicesDown } from './services-down.js';
import { registerServicesDownMetrics } from './services-down-metrics.js';
import { STATE_BACKEND, type StateBackend } from './state-backend.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuditedWrites } from './audited-writes.js';
import { AuditLog } from './audit-log.js';

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
  imports: [StateBackendModule, PushModule, MetricsModule],
  providers: [
    { provide: ServerStatusHolder, useFactory: () => new ServerStatusHolder() },
    ServerStatusLifecycle,
    {
      provide: AuditedWrites,
      inject: [STATE_BACKEND, AuditTrail],
      useFactory: (b: StateBackend, t: AuditTrail) => new AuditedWrites(b, t),
    },
    { provide: AuditLog, inject: [AuditTrail], useFactory: (t: AuditTrail) => new AuditLog(t) },
    {
      provide: InstanceService,
      inject: [STATE_BACKEND, AuditedWrites],
      useFactory: (b: StateBackend, w: AuditedWrites) => new InstanceService(b, w),
    },
    {
      provide: DiscoveryService,
      inject: [STATE_BACKEND, Subscriptions],
      useFactory: (b: StateBackend, s: Subscriptions) => new DiscoveryService(b.registry, s),
    },
    {
      provide: ServiceOutages,
      inject: [Registry, CONFIG],
      useFactory: (r: Registry, c: BeaconConfig) => new ServiceOutages(r, c.outageVisibleMs),
    },
    {
      provide: ServicesDown,
      inject: [Registry, ServiceOutages, MetricsRegistry],
      useFactory: (r: Registry, o: ServiceOutages, m: MetricsRegistry) => {
        const down = new ServicesDown(r, o);
        registerServicesDownMetrics(m, down);
        return down;
      },
    },
    {
      provide: ServiceCatalog,
      inject: [STATE_BACKEND, AuditedWrites, ServiceOutages],
      useFactory: (b: StateBackend, w: AuditedWrites, o: ServiceOutages) => new ServiceCatalog(b, w, o),
    },
    {
      provide: NamespaceService,
      inject: [STATE_BACKEND, AuditedWrites],
      useFactory: (b: StateBackend, w: AuditedWrites) => new NamespaceService(b, w),
    },
    {
      provide: OperatorService,
      inject: [STATE_BACKEND, ServerStatusHolder, PushMetrics, AuditedWrites],
      useFactory: (b: StateBackend, status: ServerStatusHolder, push: PushMetrics, w: AuditedWrites) =>
        new OperatorService(b, status, push, w),
    },
    { provide: BeatService, inject: [STATE_BACKEND], useFactory: (b: StateBackend) => new BeatService(b.beats) },
    {
      provide: ConnectionRegistrations,
      inject: [STATE_BACKEND],
      useFactory: (b: StateBackend) => new ConnectionRegistrations(b),
    },
    {
      provide: ConnectionDiscovery,
      inject: [ConnectionSubscribers, ConnectionPusher],
      useFactory: (s: ConnectionSubscribers, p: ConnectionPusher) => new ConnectionDiscovery(s, p),
    },
    {
      provide: ClientViews,
      inject: [STATE_BACKEND, Subscriptions],
      useFactory: (b: StateBackend, s: Subscriptions) => new ClientViews(b, s),
    },
    { provide: HealthHistory, inject: [Registry], useFactory: (r: Registry) => new HealthHistory(r) },
    {
      provide: ServiceInsights,
      inject: [Registry, ServiceCatalog, Subscriptions, HealthHistory],
      useFactory: (r: Registry, c: ServiceCatalog, s: Subscriptions, h: HealthHistory) =>
        new ServiceInsights(r, c, s, h),
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
    ServiceInsights,
    ClientViews,
    AuditLog,
  ],
})
export class ApplicationModule {}
