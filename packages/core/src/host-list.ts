import type { Instance } from './model/instance.js';
import type { Service } from './model/service.js';

export interface HostQuery {
  /** Cluster names; empty means every cluster. */
  clusters: readonly string[];
  healthyOnly: boolean;
}

export interface SelectedHost {
  readonly instance: Instance;
  /** The group the instance ended up in, which is not always its raw health (protect threshold). */
  readonly healthy: boolean;
}

export interface HostSelection {
  readonly hosts: SelectedHost[];
  readonly protectionReached: boolean;
}

/**
 * The host list of `/instance/list` and of pushes (docs/nacos-protocol.md §2.2): split by health, apply
 * the protect threshold (disabled instances count in the ratio), then healthyOnly, then drop
 * disabled instances. Label selectors need a CMDB, which Beacon has not, so they select everything.
 */
export function selectHosts(service: Service, query: HostQuery): HostSelection {
  const healthy: Instance[] = [];
  const unhealthy: Instance[] = [];
  const clusters =
    query.clusters.length === 0
      ? service.clusters.values()
      : query.clusters.map((name) => service.cluster(name)).filter((c) => c !== undefined);
  for (const cluster of clusters) {
    for (const instance of cluster.instances()) (instance.healthy ? healthy : unhealthy).push(instance);
  }
  const total = healthy.length + unhealthy.length;
  const protectionReached = total > 0 && healthy.length / total <= service.settings.protectThreshold;

  const hosts: SelectedHost[] = [];
  for (const instance of healthy) if (instance.enabled) hosts.push({ instance, healthy: true });
  if (protectionReached) {
    for (const instance of unhealthy) if (instance.enabled) hosts.push({ instance, healthy: true });
  } else if (!query.healthyOnly) {
    for (const instance of unhealthy) if (instance.enabled) hosts.push({ instance, healthy: false });
  }
  return { hosts, protectionReached };
}
