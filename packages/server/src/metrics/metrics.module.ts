import { Module } from '@nestjs/common';
import { Registry } from '@beacon/core';
import { MetricsController } from './metrics.controller.js';
import { StateBackendModule } from '../state-backend/state-backend.module.js';
import { MetricsRegistry } from './metrics-registry.js';

/** One MetricsRegistry for the whole server; any module registers its series on it. */
@Module({
  imports: [StateBackendModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: MetricsRegistry,
      inject: [Registry],
      useFactory: (registry: Registry) => {
        const metrics = new MetricsRegistry();
        metrics.gauge('beacon_services', 'Services in the registry, all namespaces', () => registry.serviceCount());
        metrics.gauge('beacon_instances', 'Instances in the registry, all namespaces', () => registry.instanceCount());
        metrics.gauge(
          'beacon_registry_revision',
          'Revision of the last registry change',
          () => registry.currentRevision,
        );
        return metrics;
      },
    },
  ],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
