import { bareName, groupOf, type Service } from '@beacon/core';
import { buildServiceInfo, type ServiceInfoHost } from './nacos-service-info.js';

/**
 * The ServiceInfo of Nacos 2.x responses and pushes, field for field what Nacos 2.x's Jackson
 * writes (api/.../naming/pojo/ServiceInfo.java, 2.3.2): `name` is the BARE service name and
 * `groupName` the group — Java 2.3 and Go v2 key their listeners as `groupName@@name`, so a grouped
 * `name` would match no listener. `hosts[].serviceName` stays grouped, as Nacos's
 * InstanceUtil.parseToApiInstance writes it. Every field is present even for a service that does
 * not exist (the Rust decoder requires `reachProtectionThreshold`; pydantic models require strings).
 */
export interface ServiceInfoV2 {
  readonly name: string;
  readonly groupName: string;
  /** The clusters asked for, exactly as sent: clients key their caches on it. */
  readonly clusters: string;
  readonly cacheMillis: number;
  readonly hosts: readonly ServiceInfoHost[];
  readonly lastRefTime: number;
  readonly checksum: string;
  /** Jackson's name for `isAllIPs()` up to Nacos 2.x (3.x writes `allIps`; the Rust client reads both). */
  readonly allIPs: boolean;
  readonly reachProtectionThreshold: boolean;
  /** Jackson writes `isValid()` too: hosts != null, always true on the server. */
  readonly valid: boolean;
}

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
    name: bareName(serviceName),
    groupName: groupOf(serviceName),
    clusters,
    cacheMillis,
    hosts: v1.hosts,
    lastRefTime: now,
    checksum: 'checksum' in v1 ? v1.checksum : '',
    allIPs: false,
    reachProtectionThreshold: service?.protectionReached() ?? false,
    valid: true,
  };
}
