import type { Cluster, Instance, Registry, Service } from '@beacon/core';
import type { InstanceDto } from './dto/instance.dto.js';
import type { ClusterDto, ServiceDetailDto, ServiceSummaryDto } from './dto/service.dto.js';

export function toInstanceDto(i: Instance, registry: Registry): InstanceDto {
  const override = registry.overrideFor({
    namespaceId: i.service.namespaceId,
    serviceName: i.service.name,
    clusterName: i.clusterName,
    ip: i.ip,
    port: i.port,
  });
  return {
    instanceId: i.instanceId,
    ip: i.ip,
    port: i.port,
    clusterName: i.clusterName,
    healthy: i.healthy,
    enabled: i.enabled,
    ephemeral: i.ephemeral,
    weight: i.weight,
    metadata: { ...i.metadata },
    overrides: { ...override },
    clientMetadata: { ...i.registeredMetadata },
    lastBeat: i.lastBeat,
    registeredAt: i.registeredAt,
    timings: {
      intervalMs: i.timings.intervalFromMetadata ?? registry.switches.clientBeatInterval,
      timeoutMs: i.timings.timeoutMs,
      deleteTimeoutMs: i.timings.deleteTimeoutMs,
      intervalFromMetadata: i.timings.intervalFromMetadata !== undefined,
    },
    ...(i.lastCheck ? { lastCheck: { ...i.lastCheck } } : {}),
  };
}

export function toServiceSummary(s: Service): ServiceSummaryDto {
  return {
    namespaceId: s.namespaceId,
    name: s.bareName,
    groupName: s.groupName,
    clusterCount: s.clusters.size,
    instanceCount: s.instanceCount(),
    healthyCount: s.healthyCount(),
    protectThreshold: s.settings.protectThreshold,
    protectionReached: s.protectionReached(),
    revision: s.revision,
  };
}

export function toServiceDetail(s: Service, registry: Registry): ServiceDetailDto {
  return {
    ...toServiceSummary(s),
    metadata: { ...s.settings.metadata },
    selectorType: s.settings.selector.type,
    clusters: [...s.clusters.values()].map((c) => toClusterDto(c, registry)),
  };
}

export function toClusterDto(c: Cluster, registry: Registry): ClusterDto {
  const checker = c.settings.healthChecker;
  return {
    name: c.name,
    healthChecker:
      checker.type === 'HTTP'
        ? { type: 'HTTP', path: checker.path, ...(checker.headers ? { headers: checker.headers } : {}) }
        : { type: checker.type },
    checkPort: c.settings.defaultCheckPort,
    useInstancePort: c.settings.useIPPort4Check,
    instances: [...c.instances()].map((i) => toInstanceDto(i, registry)),
  };
}
