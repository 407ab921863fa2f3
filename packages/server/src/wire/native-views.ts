import {
  beatIntervalSource,
  effectiveBeatInterval,
  livenessOf,
  type Cluster,
  type Instance,
  type Registry,
  type Service,
} from '@beacon/core';
import type { InstanceDto } from './dto/instance.dto.js';
import type { ClusterDto, ServiceDetailDto, ServiceSummaryDto } from './dto/service.dto.js';

/**
 * The native JSON shapes of services and instances, shared by /api/v1 and the watch stream, so
 * that a stream event and a GET answer never disagree. Reads the registry for what an instance
 * alone does not carry: its operator overrides and the server's default beat interval.
 */
export class NativeViews {
  constructor(private readonly registry: Registry) {}

  instance(i: Instance): InstanceDto {
    const { client, overridden } = this.registry.overrideView(i);
    return {
      instanceId: i.instanceId,
      ip: i.ip,
      port: i.port,
      clusterName: i.clusterName,
      healthy: i.healthy,
      enabled: i.enabled,
      ephemeral: i.ephemeral,
      liveness: livenessOf(i),
      weight: i.weight,
      metadata: { ...i.metadata },
      overrides: { ...this.registry.overrideFor(i.address)?.metadata },
      weightOverridden: overridden.weight,
      enabledOverridden: overridden.enabled,
      client: { weight: client.weight, enabled: client.enabled, metadata: { ...client.metadata } },
      lastBeat: i.lastBeat,
      registeredAt: i.registeredAt,
      timings: {
        intervalMs: effectiveBeatInterval(i, this.registry.switches),
        timeoutMs: i.timings.timeoutMs,
        deleteTimeoutMs: i.timings.deleteTimeoutMs,
        intervalFromMetadata: i.timings.intervalFromMetadata !== undefined,
        intervalSource: beatIntervalSource(i),
      },
      ...(i.lastCheck ? { lastCheck: { ...i.lastCheck } } : {}),
    };
  }

  serviceSummary(s: Service): ServiceSummaryDto {
    let servingCount = 0;
    let disabledCount = 0;
    for (const i of s.instances()) {
      if (!i.enabled) disabledCount++;
      else if (i.healthy) servingCount++;
    }
    return {
      namespaceId: s.namespaceId,
      name: s.bareName,
      groupName: s.groupName,
      clusterCount: s.clusters.size,
      instanceCount: s.instanceCount(),
      healthyCount: s.healthyCount(),
      servingCount,
      disabledCount,
      protectThreshold: s.settings.protectThreshold,
      protectionReached: s.protectionReached(),
      revision: s.revision,
    };
  }

  /** A service in a listing: its summary, and when it lost every instance while that outage is shown. */
  listedService(s: Service, lostAllInstancesAt: number | undefined): ServiceSummaryDto {
    const summary = this.serviceSummary(s);
    return lostAllInstancesAt === undefined ? summary : { ...summary, lostAllInstancesAt };
  }

  serviceDetail(s: Service): ServiceDetailDto {
    return {
      ...this.serviceSummary(s),
      metadata: { ...s.settings.metadata },
      selectorType: s.settings.selector.type,
      ...(s.defaultBeatIntervalMs !== undefined ? { defaultBeatIntervalMs: s.defaultBeatIntervalMs } : {}),
      clusters: [...s.clusters.values()].map((c) => this.cluster(c)),
    };
  }

  cluster(c: Cluster): ClusterDto {
    const checker = c.settings.healthChecker;
    return {
      name: c.name,
      healthChecker:
        checker.type === 'HTTP'
          ? { type: 'HTTP', path: checker.path, ...(checker.headers ? { headers: checker.headers } : {}) }
          : { type: checker.type },
      checkPort: c.settings.defaultCheckPort,
      useInstancePort: c.settings.useIPPort4Check,
      instances: [...c.instances()].map((i) => this.instance(i)),
    };
  }
}
