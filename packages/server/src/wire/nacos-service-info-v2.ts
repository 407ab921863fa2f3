import { groupOf, type Service } from '@beacon/core';
import { buildServiceInfo } from '../nacos/service-info.js';

/**
 * The ServiceInfo of Nacos 2.x responses and pushes: the 1.x list view (grouped names, which 2.x
 * clients key their caches on) plus the two flags 2.x clients require (`reachProtectionThreshold`
 * is not optional for the Rust client's decoder).
 */
export function buildServiceInfoV2(
  service: Service | undefined,
  serviceName: string,
  clusters: string,
  healthyOnly: boolean,
  cacheMillis: number,
  now: number,
): Record<string, unknown> {
  const v1 = buildServiceInfo(
    service,
    { serviceName, clusters, healthyOnly, groupedNames: true, cacheMillis, env: '' },
    now,
  ) as Record<string, unknown>;
  return {
    ...v1,
    groupName: groupOf(serviceName),
    lastRefTime: v1['lastRefTime'] ?? now,
    checksum: v1['checksum'] ?? '',
    allIPs: false,
    reachProtectionThreshold: service?.protectionReached() ?? false,
  };
}
