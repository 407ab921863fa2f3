import { createHash } from 'node:crypto';
import { selectHosts, type Service } from '@beacon/core';
import { bareName } from '@beacon/core';

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

/**
 * The ServiceInfo JSON of `/instance/list` and of UDP pushes, in Nacos 1.4's field order, plus
 * `groupName` (which Java 1.4 and Node read). Built by hand, like the original: no nulls.
 */
export function buildServiceInfo(service: Service | undefined, q: ServiceInfoQuery, now: number): object {
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
  const hostJson = hosts.map(({ instance: i, healthy }) => {
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
