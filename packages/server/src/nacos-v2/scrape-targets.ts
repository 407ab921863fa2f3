import type { Instance, Metadata, Service } from '@beacon/core';
import type { ScrapeTargetGroup } from './responses.js';

/**
 * One target group per instance, as Nacos's PrometheusUtils builds them: `ip:port`, the cluster
 * as `__meta_clusterName`, and the metadata as labels. Beacon adds the service's own metadata
 * under the instance's (a service-wide label set once, e.g. `metrics_path` or `team`), and the
 * instance's namespace, group and service as `__meta_beacon_*` for relabelling.
 *
 * Prometheus refuses a whole response that has one label name outside `[a-zA-Z_][a-zA-Z0-9_]*`,
 * so every other character becomes `_` (Nacos only rewrites `.` and `-`), and a leading digit gets
 * a `_` before it.
 */
export function scrapeTargetGroups(services: Iterable<Service>): ScrapeTargetGroup[] {
  const groups: ScrapeTargetGroup[] = [];
  for (const service of services) {
    for (const instance of service.instances()) groups.push(targetGroupOf(service, instance));
  }
  return groups;
}

function targetGroupOf(service: Service, instance: Instance): ScrapeTargetGroup {
  return {
    targets: [`${instance.ip}:${instance.port}`],
    labels: {
      ...labelsOf(service.settings.metadata),
      ...labelsOf(instance.metadata),
      __meta_clusterName: instance.clusterName,
      __meta_beacon_namespace: service.namespaceId,
      __meta_beacon_group: service.groupName,
      __meta_beacon_service: service.bareName,
    },
  };
}

function labelsOf(metadata: Metadata): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) labels[labelName(key)] = value;
  return labels;
}

export function labelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
