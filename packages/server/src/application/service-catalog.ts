import {
  NotFoundError,
  byName,
  compareNames,
  type Cluster,
  type ClusterSettings,
  type Instance,
  type Metadata,
  type Registry,
  type Service,
  type ServiceCommand,
} from '@beacon/core';
import type { StateBackend } from './state-backend.js';

/** Which services a listing keeps; every criterion left out keeps everything. */
export interface ServiceFilter {
  /** Substring of the bare service name. */
  readonly nameContains?: string;
  /** Compare `nameContains` without regard to case. */
  readonly ignoreCase?: boolean;
  readonly group?: { readonly equals: string } | { readonly contains: string };
  /** Only services that have at least one instance. */
  readonly withInstances?: boolean;
  /** Only services with an instance at this `ip` or `ip:port`. */
  readonly hostedAt?: string;
}

/** A 1-based page. */
export interface PageRequest {
  readonly pageNo: number;
  readonly pageSize: number;
  /** Nacos console quirk: a page at least as large as the result is the whole result, whatever pageNo. */
  readonly wholeWhenItFits?: boolean;
}

export interface ServicePage {
  readonly services: Service[];
  /** Matches before paging. */
  readonly total: number;
}

/** A partial edit of a service's settings; what is left out keeps its current value. */
export interface ServiceEdit {
  readonly protectThreshold?: number;
  readonly metadata?: Metadata;
}

/**
 * Services and clusters: the one filtered, sorted, paged listing every face uses, plus create,
 * edit, delete and the per-namespace summaries (names, groups).
 */
export class ServiceCatalog {
  constructor(private readonly state: StateBackend) {}

  /** Reads are local: the registry (or, in cluster mode, this node's view of it). */
  private get registry(): Registry {
    return this.state.registry;
  }

  list(namespaceId: string, filter: ServiceFilter, page: PageRequest): ServicePage {
    const matches = this.find(namespaceId, filter);
    return { services: pageOf(matches, page), total: matches.length };
  }

  /** Every matching service, sorted by grouped name. */
  find(namespaceId: string, filter: ServiceFilter): Service[] {
    const keep = matcherOf(filter);
    const matches: Service[] = [];
    for (const service of this.registry.services(namespaceId)) if (keep(service)) matches.push(service);
    return matches.sort(byName);
  }

  /** 404 with Nacos's message when missing. */
  get(namespaceId: string, serviceName: string): Service {
    return this.registry.getService(namespaceId, serviceName);
  }

  /** 404 naming the namespace when missing. */
  require(namespaceId: string, serviceName: string): Service {
    const service = this.registry.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service ${serviceName} not found in namespace ${namespaceId}`);
    return service;
  }

  create(cmd: ServiceCommand): Promise<Service> {
    return this.state.apply('createService', cmd);
  }

  /** Replaces all settings: what the command leaves empty is reset, as Nacos's PUT does. */
  replace(cmd: ServiceCommand): Promise<Service> {
    return this.state.apply('updateService', cmd);
  }

  /** Changes only the settings the edit names. */
  edit(namespaceId: string, serviceName: string, edit: ServiceEdit): Promise<Service> {
    const service = this.require(namespaceId, serviceName);
    return this.state.apply('updateService', {
      namespaceId,
      serviceName,
      protectThreshold: edit.protectThreshold ?? service.settings.protectThreshold,
      metadata: edit.metadata ?? service.settings.metadata,
      selector: service.settings.selector,
    });
  }

  /** Deletes a service with its instances; 400 with Nacos's message when missing. */
  delete(namespaceId: string, serviceName: string): Promise<void> {
    return this.state.apply('deleteService', namespaceId, serviceName);
  }

  /** Deletes a service with its instances; 404 naming the namespace when missing. */
  deleteExisting(namespaceId: string, serviceName: string): Promise<void> {
    this.require(namespaceId, serviceName);
    return this.state.apply('deleteService', namespaceId, serviceName);
  }

  updateCluster(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    patch: Partial<ClusterSettings>,
  ): Promise<Cluster> {
    return this.state.apply('updateCluster', namespaceId, serviceName, clusterName, patch);
  }

  /** The instances of one cluster; 404 with Nacos's messages when service or cluster is missing. */
  clusterInstances(namespaceId: string, serviceName: string, clusterName: string): Instance[] {
    const service = this.registry.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service ${serviceName} is not found!`);
    const cluster = service.cluster(clusterName);
    if (!cluster) throw new NotFoundError(`cluster ${clusterName} is not found!`);
    return [...cluster.instances()];
  }

  /** Grouped names per namespace (all namespaces, or the one given), keeping only those containing `expr`. */
  namesByNamespace(namespaceId: string | undefined, expr: string | undefined): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const ns of namespaceId === undefined ? this.registry.namespaceIds() : [namespaceId]) {
      const names = [...this.registry.services(ns)]
        .map((s) => s.name)
        .filter((n) => expr === undefined || n.includes(expr));
      if (names.length > 0) result[ns] = names;
    }
    return result;
  }

  /** The groups in use with their service counts, sorted by name; a group exists while it has services. */
  groups(namespaceId: string): { name: string; serviceCount: number }[] {
    const counts = new Map<string, number>();
    for (const s of this.registry.services(namespaceId)) counts.set(s.groupName, (counts.get(s.groupName) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => compareNames(a, b)).map(([name, serviceCount]) => ({ name, serviceCount }));
  }
}

function matcherOf(filter: ServiceFilter): (service: Service) => boolean {
  const needle = filter.ignoreCase ? filter.nameContains?.toLowerCase() : filter.nameContains;
  const group = filter.group;
  return (s) => {
    if (needle !== undefined && !(filter.ignoreCase ? s.bareName.toLowerCase() : s.bareName).includes(needle))
      return false;
    if (
      group !== undefined &&
      !('equals' in group ? s.groupName === group.equals : s.groupName.includes(group.contains))
    )
      return false;
    if (filter.withInstances && s.instanceCount() === 0) return false;
    if (filter.hostedAt !== undefined && !isHostedAt(s, filter.hostedAt)) return false;
    return true;
  };
}

function isHostedAt(service: Service, address: string): boolean {
  for (const i of service.instances()) if (i.ip === address || `${i.ip}:${i.port}` === address) return true;
  return false;
}

export function pageOf<T>(items: T[], page: PageRequest): T[] {
  if (page.wholeWhenItFits && page.pageSize >= items.length) return items;
  if (page.pageSize <= 0) return [];
  const start = Math.max(0, (page.pageNo - 1) * page.pageSize);
  return items.slice(start, start + page.pageSize);
}
