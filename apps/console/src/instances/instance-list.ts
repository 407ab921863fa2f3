import type { InstanceDto } from '@beacon/sdk/admin';

export type InstanceHealthFilter = 'all' | 'healthy' | 'unhealthy';

export interface InstanceListFilters {
  /** Substring of `ip:port`. */
  readonly address: string;
  readonly health: InstanceHealthFilter;
  /** '' for every cluster. */
  readonly cluster: string;
  readonly page: number;
  readonly pageSize: number;
}

export interface InstanceListPage {
  readonly items: readonly InstanceDto[];
  readonly total: number;
  /** Clamped to the last page when the filters shrank the list. */
  readonly page: number;
  readonly pages: number;
}

/** IPv4 addresses as numbers, so .9 < .10 < .100; anything else sorts after them, as text. */
export function compareIps(a: string, b: string): number {
  const x = ipv4Value(a);
  const y = ipv4Value(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ipv4Value(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Unhealthy first (what an operator looks for), then by address, numerically. */
export function compareInstances(a: InstanceDto, b: InstanceDto): number {
  if (a.healthy !== b.healthy) return a.healthy ? 1 : -1;
  return compareIps(a.ip, b.ip) || a.port - b.port || (a.clusterName < b.clusterName ? -1 : 1);
}

export function instancePage(all: readonly InstanceDto[], filters: InstanceListFilters): InstanceListPage {
  const needle = filters.address.trim();
  const matches = all.filter(
    (i) =>
      (filters.cluster === '' || i.clusterName === filters.cluster) &&
      (filters.health === 'all' || i.healthy === (filters.health === 'healthy')) &&
      (needle === '' || `${i.ip}:${i.port}`.includes(needle)),
  );
  matches.sort(compareInstances);
  const pages = Math.max(1, Math.ceil(matches.length / filters.pageSize));
  const page = Math.min(Math.max(1, filters.page), pages);
  return {
    items: matches.slice((page - 1) * filters.pageSize, page * filters.pageSize),
    total: matches.length,
    page,
    pages,
  };
}
