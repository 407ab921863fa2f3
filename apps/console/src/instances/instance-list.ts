import type { InstanceDto } from '@beacon/sdk/admin';

export type InstanceHealthFilter = 'all' | 'healthy' | 'unhealthy';

/** The orders an operator may choose; `health` (unhealthy first) is the default. */
export const INSTANCE_ORDERS = {
  health: 'Unhealthy first',
  address: 'Address',
  silence: 'Longest since last beat',
  weight: 'Weight, highest first',
  registered: 'Newest first',
} as const;

export type InstanceOrder = keyof typeof INSTANCE_ORDERS;

export interface InstanceListFilters {
  /** Substring of `ip:port`. */
  readonly address: string;
  readonly health: InstanceHealthFilter;
  /** '' for every cluster. */
  readonly cluster: string;
  /** `key=value` (that exact value), `key` alone (the key is set), or '' for any metadata. */
  readonly metadata?: string;
  readonly sort?: InstanceOrder;
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

const ORDERS: Record<InstanceOrder, (a: InstanceDto, b: InstanceDto) => number> = {
  health: compareInstances,
  address: (a, b) => compareIps(a.ip, b.ip) || a.port - b.port || (a.clusterName < b.clusterName ? -1 : 1),
  silence: (a, b) => a.lastBeat - b.lastBeat || compareInstances(a, b),
  weight: (a, b) => b.weight - a.weight || compareInstances(a, b),
  registered: (a, b) => b.registeredAt - a.registeredAt || compareInstances(a, b),
};

/** `zone=a` → has zone set to exactly "a"; `zone` → has a zone; '' → anything. */
export function metadataMatcher(text: string | undefined): (instance: InstanceDto) => boolean {
  const filter = (text ?? '').trim();
  if (filter === '') return () => true;
  const eq = filter.indexOf('=');
  if (eq < 0) return (i) => i.metadata[filter] !== undefined;
  const key = filter.slice(0, eq).trim();
  const value = filter.slice(eq + 1).trim();
  return (i) => i.metadata[key] === value;
}

/** Every instance the filters keep, in the chosen order: what "all that match" selects. */
export function matchingInstances(all: readonly InstanceDto[], filters: InstanceListFilters): InstanceDto[] {
  const needle = filters.address.trim();
  const metadata = metadataMatcher(filters.metadata);
  const matches = all.filter(
    (i) =>
      (filters.cluster === '' || i.clusterName === filters.cluster) &&
      (filters.health === 'all' || i.healthy === (filters.health === 'healthy')) &&
      (needle === '' || `${i.ip}:${i.port}`.includes(needle)) &&
      metadata(i),
  );
  return matches.sort(ORDERS[filters.sort ?? 'health']);
}

export function instancePage(all: readonly InstanceDto[], filters: InstanceListFilters): InstanceListPage {
  const matches = matchingInstances(all, filters);
  const pages = Math.max(1, Math.ceil(matches.length / filters.pageSize));
  const page = Math.min(Math.max(1, filters.page), pages);
  return {
    items: matches.slice((page - 1) * filters.pageSize, page * filters.pageSize),
    total: matches.length,
    page,
    pages,
  };
}

/** How a bulk edit names an instance; also the key of a selection. */
export function instanceKey(i: { clusterName: string; ip: string; port: number }): string {
  return `${i.clusterName}/${i.ip}:${i.port}`;
}

/** Healthy and enabled: what clients are actually given. A disabled instance is healthy but not serving. */
export function servingCounts(instances: readonly InstanceDto[]): { serving: number; disabled: number } {
  let serving = 0;
  let disabled = 0;
  for (const i of instances) {
    if (!i.enabled) disabled++;
    else if (i.healthy) serving++;
  }
  return { serving, disabled };
}
