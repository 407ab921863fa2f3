import { groupOf, type Service } from '@beacon/core';
import { buildServiceInfo, type ServiceInfo } from './nacos-service-info.js';

/**
 * The ServiceInfo of Nacos 2.x responses and pushes: the 1.x list view (grouped names, which 2.x
 * clients key their caches on) plus the fields 2.x clients require even for a service that does not
 * exist (`reachProtectionThreshold` is not optional for the Rust client's decoder).
 */
export type ServiceInfoV2 = ServiceInfo & {
  readonly groupName: string;
  readonly lastRefTime: number;
  readonly checksum: string;
  readonly allIPs: boolean;
  readonly reachProtectionThreshold: boolean;
};

export function buildServiceInfoV2(
  service: Service | undefined,
  serviceName: string,
  clusters: string,
  healthyOnly: boolean,
  cacheMillis: number,
  now: number,
): ServiceInfoV2 {
  const v1 = buildServiceInfo(
    service,
    { serviceName, clusters, healthyOnly, groupedNames: true, cacheMillis, env: '' },
    now,
  );
  return {
    lastRefTime: now,
    checksum: '',
    ...v1,
    groupName: groupOf(serviceName),
    allIPs: false,
    reachProtectionThreshold: service?.protectionReached() ?? false,
  };
}
