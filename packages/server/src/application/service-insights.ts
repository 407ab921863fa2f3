import { NotFoundError, type Cluster, type Registry } from '@beacon/core';
import type { Listener, Subscriptions } from '../push/subscriptions.js';
import { clusterCheckPatch, type ClusterCheckEdit } from './cluster-check-edit.js';
import { HISTORY_KEPT_MS, HISTORY_RESOLUTION_MS, type HealthHistory } from './health-history.js';
import type { HealthPoint } from './health-ring.js';
import type { ServiceCatalog } from './service-catalog.js';
import type { Actor } from '../wire/actor.js';

export interface HealthHistoryView {
  readonly resolutionMs: number;
  readonly keptMs: number;
  readonly points: HealthPoint[];
}

/**
 * What an operator looks at around one service beyond its instances: who listens to it, how its
 * health went over the last hour, and how its clusters are actively checked.
 */
export class ServiceInsights {
  constructor(
    private readonly registry: Registry,
    private readonly catalog: ServiceCatalog,
    private readonly subscriptions: Subscriptions,
    private readonly history: HealthHistory,
  ) {}

  /** Live UDP push targets and open watch streams; 404 for an unknown service. */
  subscribers(namespaceId: string, serviceName: string): Listener[] {
    const service = this.catalog.require(namespaceId, serviceName);
    return this.subscriptions.listeners(service.namespaceId, service.name);
  }

  /** The service's health over the last `windowMs` (at most what is kept), ending now. */
  healthHistory(namespaceId: string, serviceName: string, windowMs: number): HealthHistoryView {
    const service = this.catalog.require(namespaceId, serviceName);
    const from = this.registry.clock.now() - Math.min(windowMs, HISTORY_KEPT_MS);
    return { resolutionMs: HISTORY_RESOLUTION_MS, keptMs: HISTORY_KEPT_MS, points: this.history.of(service, from) };
  }

  /** Changes how an existing cluster is checked; 404 for an unknown service or cluster. */
  async editClusterCheck(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    edit: ClusterCheckEdit,
    actor: Actor,
  ): Promise<Cluster> {
    const service = this.catalog.require(namespaceId, serviceName);
    if (!service.cluster(clusterName)) throw new NotFoundError(`cluster ${clusterName} not found in ${service.name}`);
    return this.catalog.updateCluster(service.namespaceId, service.name, clusterName, clusterCheckPatch(edit), actor);
  }
}
