import { splitGrouped, DEFAULT_CLUSTER, GROUP_SEPARATOR } from './names.js';
import type { Instance, Metadata } from './types.js';

/** A service's host list as the client keeps it: a Nacos ServiceInfo, reduced to what applications use. */
export interface ServiceInfo {
  /** Grouped name. */
  readonly name: string;
  /** The `clusters` string exactly as queried (the cache key with the name). */
  readonly clusters: string;
  readonly hosts: readonly Instance[];
  /** The server's suggested polling period, when it gave one. */
  readonly cacheMillis: number | undefined;
  /** The server's time of the list, when it gave one. */
  readonly lastRefTime: number | undefined;
}

/**
 * Reads a ServiceInfo JSON of `/instance/list` or of a UDP push, from Nacos 1.4, 2.x or Beacon:
 * `name` is grouped on all of them; `dom` and `hosts[].serviceName` may be bare, so they are
 * grouped here from `name`. Hosts without an ip or a port are dropped, missing flags take
 * Nacos's defaults.
 */
export function parseServiceInfo(json: unknown): ServiceInfo {
  const o = (json ?? {}) as Record<string, unknown>;
  const rawName = str(o['name']) ?? str(o['dom']) ?? '';
  const groupName = str(o['groupName']);
  const name = rawName.includes(GROUP_SEPARATOR) || !groupName ? rawName : `${groupName}${GROUP_SEPARATOR}${rawName}`;
  const hosts: Instance[] = [];
  if (Array.isArray(o['hosts'])) {
    for (const raw of o['hosts'] as unknown[]) {
      const host = parseHost(raw, name);
      if (host) hosts.push(host);
    }
  }
  return {
    name,
    clusters: str(o['clusters']) ?? '',
    hosts,
    cacheMillis: positive(o['cacheMillis']),
    lastRefTime: positive(o['lastRefTime']),
  };
}

function parseHost(raw: unknown, serviceName: string): Instance | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const h = raw as Record<string, unknown>;
  const ip = str(h['ip']);
  const port = Number(h['port']);
  if (!ip || !Number.isInteger(port)) return undefined;
  const clusterName = str(h['clusterName']) || DEFAULT_CLUSTER;
  const hostService = str(h['serviceName']);
  const grouped =
    hostService && hostService.includes(GROUP_SEPARATOR)
      ? hostService
      : `${splitGrouped(serviceName).groupName}${GROUP_SEPARATOR}${hostService || splitGrouped(serviceName).name}`;
  return {
    instanceId: str(h['instanceId']) || `${ip}#${port}#${clusterName}#${grouped}`,
    ip,
    port,
    weight: typeof h['weight'] === 'number' ? h['weight'] : 1,
    healthy: h['healthy'] !== false,
    enabled: h['enabled'] !== false,
    ephemeral: h['ephemeral'] !== false,
    clusterName,
    serviceName: grouped,
    metadata: metadataOf(h['metadata']),
  };
}

export function metadataOf(raw: unknown): Metadata {
  const metadata: Metadata = {};
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (v !== null && v !== undefined) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  return metadata;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function positive(v: unknown): number | undefined {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
