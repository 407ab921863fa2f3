import type { WatchSnapshot } from '../admin/watch.js';
import { metadataOf } from './service-info.js';
import type { Instance } from './types.js';

export type ServiceDetail = WatchSnapshot['services'][number];

/**
 * The host list `/instance/list?clusters=...` would answer, computed from the watch stream's
 * service detail, so watched and polled lists agree: instances of the requested clusters (all when
 * none), the protect threshold over those (when healthy/total <= threshold, every instance is
 * served as healthy), then disabled instances dropped.
 */
export function hostsFromDetail(detail: ServiceDetail | null, clusters: readonly string[]): Instance[] {
  if (detail === null) return [];
  const grouped = `${detail.groupName}@@${detail.name}`;
  const chosen = clusters.length === 0 ? detail.clusters : detail.clusters.filter((c) => clusters.includes(c.name));
  const instances = chosen.flatMap((c) => c.instances.map((i) => ({ ...i, clusterName: i.clusterName || c.name })));
  const total = instances.length;
  const healthyCount = instances.filter((i) => i.healthy).length;
  const protect = total > 0 && healthyCount / total <= detail.protectThreshold;
  const hosts: Instance[] = [];
  // Healthy first, as the server orders them.
  for (const pass of [true, false]) {
    for (const i of instances) {
      if (i.healthy !== pass || !i.enabled) continue;
      hosts.push({
        instanceId: i.instanceId,
        ip: i.ip,
        port: i.port,
        weight: i.weight,
        healthy: i.healthy || protect,
        enabled: i.enabled,
        ephemeral: i.ephemeral,
        clusterName: i.clusterName,
        serviceName: grouped,
        metadata: metadataOf(i.metadata),
      });
    }
  }
  return hosts;
}
