import {
  EMPTY_METADATA,
  InvalidParameterError,
  NO_SELECTOR,
  PreservedKeys,
  checkServiceBeatInterval,
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
import type { ServiceOutages } from './service-outages.js';
import type { StateBackend } from './state-backend.js';
import type { Actor } from '../wire/actor.js';
import type { AuditedWrites } from './audited-writes.js';

/** Which services a listing keeps; every criterion left out keeps everything. */
export interface ServiceFilter {
  /** Substring of the bare service name. */
  readonly nameContains?: string;
  /** Compare `nameContains` without regard to case. */
  readonly ignoreCase?: boolean;
  readonly group?: { readonly equals: string } | { readonly contains: string };
  /** Only services that have at least one instance. */
  readonly withInstances?: boolean;
  /** With `withInstances`: also keep services that lost every instance recently (an outage). */
  readonly orInOutage?: boolean;
  /** Only services with an instance at this `ip` or `ip:port`. */
  readonly hostedAt?: string;
  /** Only services in this state of health. */
  readonly health?: HealthState;
  /** Nacos 1.4's label selector: a metadata key of the service, or of any of its instances, equal to a value. */
  readonly label?: LabelMatch;
}

export interface LabelMatch {
  readonly on: 'SERVICE' | 'INSTANCE';
  readonly key: string;
  readonly value: string;
}

/**
 * A service's health at a glance: `protection` (its protect threshold is reached), `unhealthy`
 * (at least one unhealthy instance), `healthy` (instances, all healthy) or `empty` (no instances).
 */
export const HEALTH_STATES = ['unhealthy', 'protection', 'healthy', 'empty'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** `name`: by grouped name. `health`: protection reached, then most unhealthy instances, then the rest. */
export const SERVICE_ORDERS = ['name', 'health'] as const;
export type ServiceOrder = (typeof SERVICE_ORDERS)[number];

/** How many of the matching services are in each state, for a summary line above a listing. */
export interface HealthSummary {
  readonly services: number;
  readonly withUnhealthy: number;
  /** Services with instances and none of them healthy: every one is down. */
  readonly allDown: number;
  /** Services whose protect threshold is reached while some instance is still healthy. */
  readonly protectionReached: number;
  readonly empty: number;
  /** Of the empty ones, those that had instances and lost them all recently. */
  readonly outages: number;
}

/** What the native API's service listing filters by. */
export interface ServiceSearch {
  /** Substring of the service name, any case. */
  readonly search: string | undefined;
  /** Exact group name. */
  readonly group: string | undefined;
  readonly health: HealthState | 'all';
  /** Leave out services without instances. */
  readonly hideEmpty: boolean;
}

/** What the Nacos console searches services by; each criterion left out keeps everything. */
export interface ConsoleServiceQuery {
  readonly nameContains: string | undefined;
  readonly groupContains: string | undefined;
  /** An `ip` or `ip:port` one of the service's instances has. */
  readonly hostedAt: string | undefined;
  /** Only services that have at least one instance. */
  readonly withInstances: boolean;
}

/** A 1-based page. */
export interface PageRequest {
  readonly pageNo: number;
  readonly pageSize: number;
  /** Nacos console quirk: a page at least as large as the result is the whole result, whatever pageNo. */
  readonly wholeWhenItFits?: boolean;
  /** A page past the end is served as the last page (and `pageNo` of the answer says which). */
  readonly clampToLastPage?: boolean;
  readonly order?: ServiceOrder;
}

export interface ServicePage {
  readonly services: Service[];
  /** Matches before paging. */
  readonly total: number;
  /** The page served: the one asked for, or the last one when clamped. */
  readonly pageNo: number;
}

/** A partial edit of a service's settings; what is left out keeps its current value. */
export interface ServiceEdit {
  readonly protectThreshold?: number;
  readonly metadata?: Metadata;
  /**
   * The default beat interval of instances without their own, kept in the service's metadata as
   * `preserved.heart.beat.interval` (a Beacon extension); `null` removes it.
   */
  readonly defaultBeatIntervalMs?: number | null;
}

/**
 * Services and clusters: the one filtered, sorted, paged listing every face uses, plus create,
 * edit, delete and the per-namespace summaries (names, groups).
 */
export class ServiceCatalog {
  constructor(
    private readonly state: StateBackend,
    private readonly writes: AuditedWrites,
    private readonly outages?: ServiceOutages,
  ) {}

  /** When the service lost its last instance, while that outage is shown; else undefined. */
  lostAllInstancesAt(service: Service): number | undefined {
    return this.outages?.since(service);
  }

  /** Reads are local: the registry (or, in cluster mode, this node's view of it). */
  private get registry(): Registry {
    return this.state.registry;
  }

  list(namespaceId: string, filter: ServiceFilter, page: PageRequest): ServicePage {
    const matches = this.find(namespaceId, filter);
    if (page.order === 'health') sortByHealth(matches, (s) => this.lostAllInstancesAt(s) !== undefined);
    const lastPage = Math.max(1, Math.ceil(matches.length / Math.max(1, page.pageSize)));
    const pageNo = page.clampToLastPage ? Math.min(page.pageNo, lastPage) : page.pageNo;
    return { services: pageOf(matches, { ...page, pageNo }), total: matches.length, pageNo };
  }

  /**
   * Nacos's `/service/list`: the names of one group, bare; `*` lists every group, then grouped
   * names (the group is part of what tells them apart).
   */
  groupNames(
    namespaceId: string,
    group: string,
    label: LabelMatch | undefined,
    page: PageRequest,
  ): { names: string[]; total: number } {
    const allGroups = group === '*';
    const filter = { ...(allGroups ? {} : { group: { equals: group } }), ...(label ? { label } : {}) };
    const { services, total } = this.list(namespaceId, filter, page);
    return { names: services.map((s) => (allGroups ? s.name : s.bareName)), total };
  }

  /**
   * The Nacos console's service search (by name and group substrings, by host, only non-empty).
   * A page at least as large as the result is the whole result; and when the hosts are listed
   * too, Nacos pages with pageNo unshifted (0-based).
   */
  browse(namespaceId: string, query: ConsoleServiceQuery, page: PageRequest, hostsListed: boolean): ServicePage {
    const filter: ServiceFilter = {
      nameContains: query.nameContains,
      group: query.groupContains === undefined ? undefined : { contains: query.groupContains },
      hostedAt: query.hostedAt,
      withInstances: query.withInstances,
    };
    const pageNo = hostsListed ? page.pageNo + 1 : page.pageNo;
    return this.list(namespaceId, filter, { pageNo, pageSize: page.pageSize, wholeWhenItFits: true });
  }

  /**
   * The native API's listing: one page (a page past the end is the last one) and the health
   * counts over every match. The name search ignores case; hiding empty services gives way to
   * asking for the empty ones.
   */
  search(namespaceId: string, search: ServiceSearch, page: PageRequest): ServicePage & { summary: HealthSummary } {
    const needle = search.search?.trim();
    const group = search.group?.trim();
    const { health } = search;
    const filter: ServiceFilter = {
      ...(needle ? { nameContains: needle, ignoreCase: true } : {}),
      ...(group ? { group: { equals: group } } : {}),
      ...(health !== 'all' ? { health } : {}),
      ...(search.hideEmpty && health !== 'empty' ? { withInstances: true, orInOutage: true } : {}),
    };
    const listed = this.list(namespaceId, filter, { ...page, clampToLastPage: true });
    return { ...listed, summary: this.summarize(namespaceId, filter) };
  }

  /** Counts by health over the services the filter keeps (its own `health` and `withInstances` aside). */
  summarize(namespaceId: string, filter: ServiceFilter): HealthSummary {
    const { health: _health, withInstances: _withInstances, ...rest } = filter;
    const { orInOutage: _orInOutage, ...counted } = rest;
    const keep = this.matcherOf(counted);
    const summary = { services: 0, withUnhealthy: 0, allDown: 0, protectionReached: 0, empty: 0, outages: 0 };
    for (const service of this.registry.services(namespaceId)) {
      if (!keep(service)) continue;
      const state = healthOf(service);
      summary.services++;
      if (state === 'empty') summary.empty++;
      if (state === 'empty' && this.lostAllInstancesAt(service) !== undefined) summary.outages++;
      // All down reads as such, not as the protection it also trips (issue 24, item 9).
      if (state !== 'empty' && service.healthyCount() === 0) summary.allDown++;
      else if (state === 'protection') summary.protectionReached++;
      if (service.healthyCount() < service.instanceCount()) summary.withUnhealthy++;
    }
    return summary;
  }

  /**
   * Several namespaces at a glance: each one's health counts, and the worst services across them
   * (lost every instance, protection reached, unhealthy), worst first, at most `worstLimit`.
   */
  overview(
    namespaceIds: readonly string[],
    worstLimit: number,
  ): { namespaces: { namespaceId: string; summary: HealthSummary }[]; worst: Service[] } {
    const inOutage = (s: Service) => this.lostAllInstancesAt(s) !== undefined;
    const worst: Service[] = [];
    for (const ns of namespaceIds) {
      for (const s of this.find(ns, {})) if (inOutage(s) || s.healthyCount() < s.instanceCount()) worst.push(s);
    }
    sortByHealth(worst, inOutage);
    return {
      namespaces: namespaceIds.map((namespaceId) => ({ namespaceId, summary: this.summarize(namespaceId, {}) })),
      worst: worst.slice(0, worstLimit),
    };
  }

  /** Every matching service, sorted by grouped name. */
  find(namespaceId: string, filter: ServiceFilter): Service[] {
    const keep = this.matcherOf(filter);
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
    if (!service) {
      throw new NotFoundError(`service ${serviceName} not found in namespace ${namespaceId}`, 'service-missing');
    }
    return service;
  }

  create(cmd: ServiceCommand, actor: Actor): Promise<Service> {
    return this.writes.apply(actor, 'createService', cmd);
  }

  /** Creates a service with no selector; threshold 0 and no metadata unless given. */
  define(namespaceId: string, serviceName: string, settings: ServiceEdit, actor: Actor): Promise<Service> {
    return this.create(
      {
        namespaceId,
        serviceName,
        protectThreshold: settings.protectThreshold ?? 0,
        metadata: checkedMetadata(undefined, EMPTY_METADATA, settings),
        selector: NO_SELECTOR,
      },
      actor,
    );
  }

  /** Replaces all settings: what the command leaves empty is reset, as Nacos's PUT does. */
  replace(cmd: ServiceCommand, actor: Actor): Promise<Service> {
    return this.writes.apply(actor, 'updateService', cmd);
  }

  /** Changes only the settings the edit names. */
  edit(namespaceId: string, serviceName: string, edit: ServiceEdit, actor: Actor): Promise<Service> {
    const service = this.require(namespaceId, serviceName);
    return this.writes.apply(actor, 'updateService', {
      namespaceId,
      serviceName,
      protectThreshold: edit.protectThreshold ?? service.settings.protectThreshold,
      metadata: checkedMetadata(service, service.settings.metadata, edit),
      selector: service.settings.selector,
    });
  }

  /** Deletes a service with its instances; 400 with Nacos's message when missing. */
  delete(namespaceId: string, serviceName: string, actor: Actor): Promise<void> {
    return this.writes.apply(actor, 'deleteService', namespaceId, serviceName);
  }

  /** Deletes a service with its instances; 404 naming the namespace when missing. */
  deleteExisting(namespaceId: string, serviceName: string, actor: Actor): Promise<void> {
    this.require(namespaceId, serviceName);
    return this.writes.apply(actor, 'deleteService', namespaceId, serviceName);
  }

  /** Deletes a service only while it has no instances (the Nacos 2.x API refuses the others). */
  deleteEmpty(namespaceId: string, serviceName: string, actor: Actor): Promise<void> {
    const service = this.require(namespaceId, serviceName);
    if (service.instanceCount() > 0) {
      throw new InvalidParameterError(
        `Service ${serviceName} is not empty, can't be delete. Please unregister instance first`,
        'service-not-empty',
      );
    }
    return this.writes.apply(actor, 'deleteService', namespaceId, serviceName);
  }

  /**
   * What Prometheus scrapes: the services of one namespace (or of every namespace), those whose
   * bare name is `bareName` in any group when given, sorted by name.
   */
  scrapeable(namespaceId: string | undefined, bareName?: string): Service[] {
    const namespaces = namespaceId === undefined ? this.registry.namespaceIds() : [namespaceId];
    const filter: ServiceFilter = { withInstances: true };
    return namespaces.flatMap((ns) =>
      this.find(ns, filter).filter((s) => bareName === undefined || s.bareName === bareName),
    );
  }

  updateCluster(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    patch: Partial<ClusterSettings>,
    actor: Actor,
  ): Promise<Cluster> {
    return this.writes.apply(actor, 'updateCluster', namespaceId, serviceName, clusterName, patch);
  }

  /** The instances of one cluster; 404 with Nacos's messages when service or cluster is missing. */
  clusterInstances(namespaceId: string, serviceName: string, clusterName: string): Instance[] {
    const service = this.registry.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service ${serviceName} is not found!`);
    const cluster = service.cluster(clusterName);
    if (!cluster) throw new NotFoundError(`cluster ${clusterName} is not found!`);
    return [...cluster.instances()];
  }

  /**
   * Nacos 1.4's searchService: bare names per namespace, of the namespace given (listed even when
   * nothing matches) or of every namespace that has services. `matches` is tried on the grouped name.
   */
  namesByNamespace(
    namespaceId: string | undefined,
    matches: (groupedName: string) => boolean,
  ): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    const namespaces =
      namespaceId === undefined
        ? this.registry.namespaceIds().filter((ns) => !this.registry.services(ns).next().done)
        : [namespaceId];
    for (const ns of namespaces) {
      const names = new Set<string>();
      for (const s of this.registry.services(ns)) if (matches(s.name)) names.add(s.bareName);
      result[ns] = [...names].sort(compareNames);
    }
    return result;
  }

  private matcherOf(filter: ServiceFilter): (service: Service) => boolean {
    return matcherOf(filter, (s) => this.lostAllInstancesAt(s) !== undefined);
  }

  /** The groups in use with their service counts, sorted by name; a group exists while it has services. */
  groups(namespaceId: string): { name: string; serviceCount: number }[] {
    const counts = new Map<string, number>();
    for (const s of this.registry.services(namespaceId)) counts.set(s.groupName, (counts.get(s.groupName) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => compareNames(a, b)).map(([name, serviceCount]) => ({ name, serviceCount }));
  }
}

function matcherOf(filter: ServiceFilter, inOutage: (service: Service) => boolean): (service: Service) => boolean {
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
    if (filter.withInstances && s.instanceCount() === 0 && !(filter.orInOutage && inOutage(s))) return false;
    if (filter.hostedAt !== undefined && !isHostedAt(s, filter.hostedAt)) return false;
    if (filter.label !== undefined && !hasLabel(s, filter.label)) return false;
    if (filter.health !== undefined && !hasHealth(s, filter.health)) return false;
    return true;
  };
}

function hasLabel(service: Service, label: LabelMatch): boolean {
  if (label.on === 'SERVICE') return service.settings.metadata[label.key] === label.value;
  for (const i of service.instances()) if (i.metadata[label.key] === label.value) return true;
  return false;
}

export function healthOf(service: Service): HealthState {
  const total = service.instanceCount();
  if (total === 0) return 'empty';
  if (service.protectionReached()) return 'protection';
  return service.healthyCount() < total ? 'unhealthy' : 'healthy';
}

/** `unhealthy` also keeps services whose protection is reached: they have unhealthy instances too. */
function hasHealth(service: Service, wanted: HealthState): boolean {
  const state = healthOf(service);
  return state === wanted || (wanted === 'unhealthy' && state === 'protection');
}

const HEALTH_RANK: Record<HealthState, number> = { protection: 0, unhealthy: 1, healthy: 2, empty: 3 };

/**
 * Worst first: services that lost every instance recently, then by health; each service's counts
 * read once; ties keep the name order `find` gave.
 */
function sortByHealth(services: Service[], inOutage: (service: Service) => boolean): void {
  const keys = new Map(
    services.map((s) => [
      s,
      { rank: inOutage(s) ? -1 : HEALTH_RANK[healthOf(s)], unhealthy: s.instanceCount() - s.healthyCount() },
    ]),
  );
  services.sort((a, b) => {
    const x = keys.get(a)!;
    const y = keys.get(b)!;
    return x.rank - y.rank || y.unhealthy - x.unhealthy;
  });
}

function isHostedAt(service: Service, address: string): boolean {
  for (const i of service.instances()) if (i.ip === address || `${i.ip}:${i.port}` === address) return true;
  return false;
}

/**
 * A page from numbers clients send freely: pageNo below 1 is the first page, pageSize is held
 * within [minSize, maxSize].
 */
export function boundedPage(pageNo: number, pageSize: number, minSize: number, maxSize = Infinity): PageRequest {
  return { pageNo: Math.max(1, pageNo), pageSize: Math.min(maxSize, Math.max(minSize, pageSize)) };
}

export function pageOf<T>(items: T[], page: PageRequest): T[] {
  if (page.wholeWhenItFits && page.pageSize >= items.length) return items;
  if (page.pageSize <= 0) return [];
  const start = Math.max(0, (page.pageNo - 1) * page.pageSize);
  return items.slice(start, start + page.pageSize);
}

/**
 * The metadata a native create or edit leaves, with the default beat interval set or removed; a
 * default interval it sets or changes (either way) is checked, so the console and the API are held
 * to the bounds of an instance's interval. The Nacos faces store what they are given, as Nacos does.
 */
function checkedMetadata(service: Service | undefined, current: Metadata, edit: ServiceEdit): Metadata {
  const key = PreservedKeys.beatInterval;
  const next: Record<string, string> = { ...(edit.metadata ?? current) };
  if (edit.defaultBeatIntervalMs === null) delete next[key];
  else if (edit.defaultBeatIntervalMs !== undefined) next[key] = String(edit.defaultBeatIntervalMs);
  const value = next[key];
  if (value !== undefined && value !== current[key]) checkServiceBeatInterval(value, service?.instances() ?? []);
  return next;
}
