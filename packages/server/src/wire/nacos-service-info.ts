import { createHash } from 'node:crypto';
import { bareName, selectHosts, type Metadata, type Service } from '@beacon/core';

export interface ServiceInfoQuery {
  readonly serviceName: string;
  /** The `clusters` parameter exactly as sent: clients key their caches on it. */
  readonly clusters: string;
  readonly healthyOnly: boolean;
  /** Grouped `dom` and `hosts[].serviceName` (Java clients from 1.0.0) or bare names. */
  readonly groupedNames: boolean;
  readonly cacheMillis: number;
  readonly env: string;
}

/** One host of a ServiceInfo. */
export interface ServiceInfoHost {
  readonly ip: string;
  readonly port: number;
  /** The health the client should act on (the protect threshold may turn an unhealthy host valid). */
  readonly valid: boolean;
  readonly healthy: boolean;
  readonly marked: boolean;
  readonly instanceId: string;
  readonly metadata: Metadata;
  readonly enabled: boolean;
  readonly weight: number;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly ephemeral: boolean;
}

/** The answer for a service that does not exist: no hosts, nothing else. */
export interface EmptyServiceInfo {
  readonly name: string;
  readonly clusters: string;
  readonly cacheMillis: number;
  readonly hosts: readonly [];
}

/** The ServiceInfo of Nacos 1.x, as `/instance/list` answers and UDP pushes carry it. */
export interface FullServiceInfo {
  readonly hosts: ServiceInfoHost[];
  readonly dom: string;
  readonly name: string;
  readonly groupName: string;
  readonly cacheMillis: number;
  readonly lastRefTime: number;
  readonly checksum: string;
  readonly useSpecifiedURL: false;
  readonly clusters: string;
  readonly env: string;
  readonly metadata: Metadata;
}

export type ServiceInfo = EmptyServiceInfo | FullServiceInfo;

/**
 * The ServiceInfo JSON of `/instance/list` and of UDP pushes, in Nacos 1.4's field order, plus
 * `groupName` (which Java 1.4 and Node read). Built by hand, like the original: no nulls.
 */
export function buildServiceInfo(service: Service | undefined, q: ServiceInfoQuery, now: number): ServiceInfo {
  if (service === undefined) {
    return { name: q.serviceName, clusters: q.clusters, cacheMillis: q.cacheMillis, hosts: [] };
  }
  const clusterNames =
    q.clusters === ''
      ? []
      : q.clusters
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '');
  const { hosts } = selectHosts(service, { clusters: clusterNames, healthyOnly: q.healthyOnly });
  const shownName = q.groupedNames ? service.name : bareName(service.name);
  const checksumParts: string[] = [];
  const hostJson = hosts.map(({ instance: i, healthy }): ServiceInfoHost => {
    checksumParts.push(`${i.ip}:${i.port}_${i.weight}_${healthy}_${i.clusterName}`);
    return {
      ip: i.ip,
      port: i.port,
      valid: healthy,
      healthy,
      marked: i.marked,
      instanceId: i.instanceId,
      metadata: i.metadata,
      enabled: i.enabled,
      weight: i.weight,
      clusterName: i.clusterName,
      serviceName: shownName,
      ephemeral: i.ephemeral,
    };
  });
  checksumParts.sort();
  return {
    hosts: hostJson,
    dom: shownName,
    name: service.name,
    groupName: service.groupName,
    cacheMillis: q.cacheMillis,
    lastRefTime: now,
    checksum: createHash('md5').update(service.name).update(checksumParts.join(',')).digest('hex'),
    useSpecifiedURL: false,
    clusters: q.clusters,
    env: q.env,
    metadata: service.settings.metadata,
  };
}
