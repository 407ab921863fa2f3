import { Module } from '@nestjs/common';
import { Registry } from '@beacon/core';
import { MetricsController } from './metrics.controller.js';
import {
  SKIPPED_STREAM_ENTRIES,
  StateBackendModule,
  type SkippedStreamEntries,
} from '../state-backend/state-backend.module.js';
import { MetricsRegistry } from './metrics-registry.js';

/** One MetricsRegistry for the whole server; any module registers its series on it. */
@Module({
  imports: [StateBackendModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: MetricsRegistry,
      inject: [Registry, SKIPPED_STREAM_ENTRIES],
      useFactory: (registry: Registry, skipped: SkippedStreamEntries) => {
        const metrics = new MetricsRegistry();
        metrics.gauge('beacon_services', 'Services in the registry, all namespaces', () => registry.serviceCount());
        metrics.gauge('beacon_instances', 'Instances in the registry, all namespaces', () => registry.instanceCount());
        metrics.gauge(
          'beacon_registry_revision',
          'Revision of the last registry change',
          () => registry.currentRevision,
        );
        metrics.counterRead(
          'beacon_cluster_stream_entries_skipped_total',
          "Cluster change stream entries of a newer node's kind or format version, skipped (the view is reloaded instead)",
          () => [...skipped()].map(([what, n]) => [{ what }, n] as const),
        );
        return metrics;
      },
    },
  ],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
