import { effectiveBeatInterval, type Instance, type Registry, type Service } from '@beacon/core';
import type { InstanceDto } from './dto/instance.dto.js';
import type { ServiceDetailDto, ServiceSummaryDto } from './dto/service.dto.js';

export function toInstanceDto(i: Instance, registry: Registry): InstanceDto {
  const override = registry.overrideFor(i.address);
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
    overrides: { ...override?.metadata },
    lastBeat: i.lastBeat,
    registeredAt: i.registeredAt,
    timings: {
      intervalMs: effectiveBeatInterval(i, registry.switches),
      timeoutMs: i.timings.timeoutMs,
      deleteTimeoutMs: i.timings.deleteTimeoutMs,
      intervalFromMetadata: i.timings.intervalFromMetadata !== undefined,
    },
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
    clusters: [...s.clusters.values()].map((c) => ({
      name: c.name,
      healthChecker:
        c.settings.healthChecker.type === 'HTTP'
          ? { type: 'HTTP', path: c.settings.healthChecker.path }
          : { type: c.settings.healthChecker.type },
      instances: [...c.instances()].map((i) => toInstanceDto(i, registry)),
    })),
  };
}
