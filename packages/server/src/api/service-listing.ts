import { InvalidParameterError, type Registry, type Service } from '@beacon/core';

/** Which services a listing keeps, by the health of their instances. */
export const HEALTH_FILTERS = ['all', 'unhealthy', 'protection', 'healthy', 'empty'] as const;
export type HealthFilter = (typeof HEALTH_FILTERS)[number];

/** `name`: by group and name. `health`: protection reached first, then most unhealthy, then the rest. */
export const SERVICE_SORTS = ['name', 'health'] as const;
export type ServiceSort = (typeof SERVICE_SORTS)[number];

export interface ServiceListingQuery {
  readonly namespaceId: string;
  readonly search?: string | undefined;
  readonly group?: string | undefined;
  readonly health: HealthFilter;
  /** Leave out services without instances (Nacos's "hide empty services"). */
  readonly hideEmpty: boolean;
  readonly sort: ServiceSort;
  readonly page: number;
  readonly pageSize: number;
}

/** Counts over the services that match search and group, before the health filter and paging. */
export interface ServiceListingSummary {
  readonly services: number;
  readonly withUnhealthy: number;
  readonly protectionReached: number;
  readonly empty: number;
}

interface Row {
  readonly service: Service;
  readonly total: number;
  readonly healthy: number;
  readonly protection: boolean;
}

export interface ServiceListing {
  readonly rows: readonly Service[];
  readonly total: number;
  /** The page served: a page past the end is clamped to the last one. */
  readonly page: number;
  readonly pageSize: number;
  readonly summary: ServiceListingSummary;
}

export function parseChoice<T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  const value = raw?.trim();
  if (value === undefined || value === '') return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new InvalidParameterError(`${name} must be one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** Filtering, health sorting and paging of a namespace's services, done once for every face that lists. */
export function listServices(registry: Registry, query: ServiceListingQuery): ServiceListing {
  const needle = query.search?.trim().toLowerCase();
  const wantedGroup = query.group?.trim();
  const summary = { services: 0, withUnhealthy: 0, protectionReached: 0, empty: 0 };
  const rows: Row[] = [];
  for (const service of registry.services(query.namespaceId)) {
    if (needle && !service.bareName.toLowerCase().includes(needle)) continue;
    if (wantedGroup && service.groupName !== wantedGroup) continue;
    const total = service.instanceCount();
    const healthy = service.healthyCount();
    const protection = service.protectionReached();
    summary.services++;
    if (healthy < total) summary.withUnhealthy++;
    if (protection) summary.protectionReached++;
    if (total === 0) summary.empty++;
    if (query.hideEmpty && total === 0 && query.health !== 'empty') continue;
    if (!keeps(query.health, total, healthy, protection)) continue;
    rows.push({ service, total, healthy, protection });
  }
  rows.sort(query.sort === 'health' ? byHealthThenName : byName);
  const pages = Math.max(1, Math.ceil(rows.length / query.pageSize));
  const page = Math.min(query.page, pages);
  return {
    rows: rows.slice((page - 1) * query.pageSize, page * query.pageSize).map((r) => r.service),
    total: rows.length,
    page,
    pageSize: query.pageSize,
    summary,
  };
}

function keeps(filter: HealthFilter, total: number, healthy: number, protection: boolean): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'unhealthy':
      return healthy < total;
    case 'protection':
      return protection;
    case 'healthy':
      return total > 0 && healthy === total;
    case 'empty':
      return total === 0;
  }
}

function byName(a: Row, b: Row): number {
  const x = a.service.name;
  const y = b.service.name;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Worst first: protection reached, then by unhealthy count (most first), then healthy, then empty. */
function byHealthThenName(a: Row, b: Row): number {
  return rank(a) - rank(b) || b.total - b.healthy - (a.total - a.healthy) || byName(a, b);
}

function rank(r: Row): number {
  if (r.protection) return 0;
  if (r.healthy < r.total) return 1;
  return r.total > 0 ? 2 : 3;
}
