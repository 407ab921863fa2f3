import type { Clock } from './clock.js';
import { ConflictError, InvalidParameterError, LimitExceededError, NotFoundError } from './errors.js';
import type { ChangeListener, ChangeReason, ServiceChange } from './events.js';
import { checkInstanceHost } from './instance-host.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { checkNameLengths } from './name-lengths.js';
import {
  EMPTY_METADATA,
  PreservedKeys,
  freezeMetadata,
  resolveTimings,
  sameMetadata,
  type Metadata,
} from './metadata.js';
import { defaultClusterSettings, type Cluster, type ClusterSettings } from './model/cluster.js';
import { Instance, instanceKey } from './model/instance.js';
import { NO_SELECTOR, Service, type Selector } from './model/service.js';
import { checkClusterName, checkGroupedName, checkServiceNameChars, PUBLIC_NAMESPACE } from './names.js';
import { addressKey, type InstanceAddress, type NamespaceRecord, type Store } from './store.js';
import { defaultSwitches, type Switches } from './switches.js';

export interface RegisterCommand {
  namespaceId: string;
  /** Grouped name, `group@@name`. */
  serviceName: string;
  clusterName: string;
  ip: string;
  port: number;
  weight: number;
  enabled: boolean;
  healthy: boolean;
  ephemeral: boolean;
  metadata: Metadata;
  app: string | undefined;
}

export interface PatchCommand {
  namespaceId: string;
  serviceName: string;
  clusterName: string;
  ip: string;
  port: number;
  metadata?: Metadata;
  app?: string;
  weight?: number;
  healthy?: boolean;
  enabled?: boolean;
}

export interface DeregisterCommand {
  namespaceId: string;
  serviceName: string;
  clusterName: string;
  ip: string;
  port: number;
  ephemeral: boolean;
}

export interface ServiceCommand {
  namespaceId: string;
  serviceName: string;
  protectThreshold: number;
  metadata: Metadata;
  selector: Selector;
}

/** Hooks the expiry and health-check schedulers attach to, so the registry never imports them. */
export interface InstanceTracker {
  track(instance: Instance): void;
  untrack(instance: Instance): void;
}

class Namespace {
  readonly services = new Map<string, Service>();
  instanceCount = 0;
  constructor(readonly id: string) {}
}

export interface RegistryOptions {
  clock: Clock;
  store: Store;
  limits?: Partial<Limits>;
  /** Where a failing change listener is reported; listeners must not break a mutation. */
  reportError?: (error: unknown) => void;
}

/**
 * The registry: namespaces -> services -> clusters -> instances, and every rule that changes them.
 * Durable state is written to the store before memory changes, so a refused or failed write
 * changes nothing. Every mutation bumps the revision and emits exactly one change.
 */
export class Registry {
  readonly clock: Clock;
  readonly limits: Limits;
  switches: Switches = defaultSwitches();
  private readonly store: Store;
  private readonly namespaces = new Map<string, Namespace>();
  private readonly namespaceRecords = new Map<string, NamespaceRecord>();
  private readonly overrides = new Map<string, Metadata>();
  private readonly listeners: ChangeListener[] = [];
  private readonly trackers: InstanceTracker[] = [];
  private revision: number;
  private readonly reportError: (error: unknown) => void;

  constructor(options: RegistryOptions) {
    this.clock = options.clock;
    this.store = options.store;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.reportError = options.reportError ?? (() => undefined);
    // Revisions start from the clock (x1000), so a restarted server's revisions are above every
    // revision it handed out before; a watcher resuming across a restart gets a snapshot, not a gap.
    // Stays below 2^53 for centuries.
    this.revision = this.clock.now() * 1000;
    this.restore();
  }

  get currentRevision(): number {
    return this.revision;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  addTracker(tracker: InstanceTracker): void {
    this.trackers.push(tracker);
    for (const ns of this.namespaces.values()) {
      for (const service of ns.services.values()) for (const i of service.instances()) tracker.track(i);
    }
  }

  // ---- lookups -------------------------------------------------------------------------------

  findService(namespaceId: string, serviceName: string): Service | undefined {
    return this.namespaces.get(namespaceId)?.services.get(serviceName);
  }

  /** The hot-path lookup used by beats: no allocation beyond the key string. */
  findInstance(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    ip: string,
    port: number,
  ): Instance | undefined {
    const cluster = this.findService(namespaceId, serviceName)?.clusters.get(clusterName);
    if (cluster === undefined) return undefined;
    const key = instanceKey(ip, port);
    return cluster.ephemeral.get(key) ?? cluster.persistent.get(key);
  }

  services(namespaceId: string): IterableIterator<Service> {
    return (this.namespaces.get(namespaceId)?.services ?? new Map<string, Service>()).values();
  }

  namespaceIds(): string[] {
    const ids = new Set<string>([PUBLIC_NAMESPACE, ...this.namespaceRecords.keys(), ...this.namespaces.keys()]);
    return [...ids];
  }

  namespaceRecord(id: string): NamespaceRecord | undefined {
    return this.namespaceRecords.get(id);
  }

  namespaceRecordList(): NamespaceRecord[] {
    return [...this.namespaceRecords.values()];
  }

  serviceCount(): number {
    let n = 0;
    for (const ns of this.namespaces.values()) n += ns.services.size;
    return n;
  }

  instanceCount(): number {
    let n = 0;
    for (const ns of this.namespaces.values()) n += ns.instanceCount;
    return n;
  }

  overrideFor(address: InstanceAddress): Metadata | undefined {
    return this.overrides.get(addressKey(address));
  }

  // ---- namespaces ----------------------------------------------------------------------------

  putNamespace(record: NamespaceRecord): void {
    this.store.putNamespace(record);
    this.namespaceRecords.set(record.id, record);
  }

  deleteNamespace(id: string): void {
    this.store.deleteNamespace(id);
    this.namespaceRecords.delete(id);
  }

  // ---- services ------------------------------------------------------------------------------

  createService(cmd: ServiceCommand): Service {
    checkGroupedName(cmd.serviceName);
    checkNameLengths(this.limits.nameLengths, { namespaceId: cmd.namespaceId, serviceName: cmd.serviceName });
    checkServiceNameChars(cmd.serviceName);
    this.checkMetadataSize(cmd.metadata);
    if (this.findService(cmd.namespaceId, cmd.serviceName)) {
      throw new ConflictError(`specified service already exists, serviceName : ${cmd.serviceName}`);
    }
    const service = this.newService(cmd.namespaceId, cmd.serviceName, {
      protectThreshold: cmd.protectThreshold,
      metadata: cmd.metadata,
      selector: cmd.selector,
    });
    this.emit(service, 'service.created');
    return service;
  }

  updateService(cmd: ServiceCommand): Service {
    checkGroupedName(cmd.serviceName);
    const service = this.findService(cmd.namespaceId, cmd.serviceName);
    if (!service) throw new InvalidParameterError(`service ${cmd.serviceName} not found!`);
    this.checkMetadataSize(cmd.metadata);
    const settings = { protectThreshold: cmd.protectThreshold, metadata: cmd.metadata, selector: cmd.selector };
    this.store.putService({ namespaceId: service.namespaceId, name: service.name, ...settings });
    service.settings = settings;
    this.emit(service, 'service.updated');
    return service;
  }

  deleteService(namespaceId: string, serviceName: string): void {
    checkGroupedName(serviceName);
    const ns = this.namespaces.get(namespaceId);
    const service = ns?.services.get(serviceName);
    if (!ns || !service) throw new InvalidParameterError(`specified service not exist, serviceName : ${serviceName}`);
    this.store.deleteService(namespaceId, serviceName);
    for (const key of this.overrides.keys()) {
      if (key.startsWith(`${namespaceId}\u0000${serviceName}\u0000`)) this.overrides.delete(key);
    }
    for (const instance of [...service.instances()]) this.detach(ns, instance);
    ns.services.delete(serviceName);
    this.emit(service, 'service.deleted');
  }

  /** Service detail; 404 with Nacos's message when missing. */
  getService(namespaceId: string, serviceName: string): Service {
    checkGroupedName(serviceName);
    const service = this.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service ${serviceName} is not found!`);
    return service;
  }

  updateCluster(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    patch: Partial<ClusterSettings>,
  ): Cluster {
    checkGroupedName(serviceName);
    checkNameLengths(this.limits.nameLengths, { clusterName });
    checkClusterName(clusterName);
    const service = this.findService(namespaceId, serviceName);
    if (!service) throw new InvalidParameterError(`service not found:${serviceName}`);
    const existing = service.cluster(clusterName);
    const settings = { ...(existing?.settings ?? defaultClusterSettings()), ...patch };
    this.store.putCluster({ namespaceId, serviceName, name: clusterName, settings });
    const { cluster } = service.clusterOrCreate(clusterName);
    cluster.settings = settings;
    for (const instance of cluster.persistent.values()) this.retrack(instance);
    this.emit(service, 'cluster.updated');
    return cluster;
  }

  // ---- instances -----------------------------------------------------------------------------

  /** POST /instance: creates service and cluster as needed, then adds or replaces the instance. */
  registerInstance(cmd: RegisterCommand): Instance {
    this.checkInstanceCommand(cmd);
    this.checkMetadataSize(cmd.metadata);
    const ns = this.namespace(cmd.namespaceId);
    const existingService = ns.services.get(cmd.serviceName);
    const existing = existingService
      ?.cluster(cmd.clusterName)
      ?.[cmd.ephemeral ? 'ephemeral' : 'persistent'].get(instanceKey(cmd.ip, cmd.port));
    if (!existing && ns.instanceCount >= this.limits.maxInstancesPerNamespace) {
      throw new LimitExceededError(
        `too many instances in namespace ${cmd.namespaceId}: the limit is ${this.limits.maxInstancesPerNamespace}`,
      );
    }

    const clusterExists = existingService?.cluster(cmd.clusterName) !== undefined;
    const work = () => {
      const service = existingService ?? this.newService(cmd.namespaceId, cmd.serviceName);
      const { cluster, created } = service.clusterOrCreate(cmd.clusterName);
      if (created) {
        this.store.putCluster({
          namespaceId: service.namespaceId,
          serviceName: service.name,
          name: cluster.name,
          settings: cluster.settings,
        });
      }
      const now = this.clock.now();
      const instance = existing ?? new Instance(service, cmd.ip, cmd.port, cmd.clusterName, cmd.ephemeral);
      instance.weight = cmd.weight;
      instance.enabled = cmd.enabled;
      instance.app = cmd.app ?? instance.app;
      // An unmarked instance keeps its health on re-register: beats and checks win over the parameter.
      if (!existing || instance.marked) instance.healthy = cmd.healthy;
      this.applyRegisteredMetadata(instance, cmd.metadata);
      if (!existing) {
        instance.instanceId = this.generateInstanceId(service, instance);
        instance.registeredAt = now;
      }
      instance.lastBeat = now;
      if (!instance.ephemeral) this.persistInstance(instance);
      if (!existing) {
        cluster[cmd.ephemeral ? 'ephemeral' : 'persistent'].set(instance.key, instance);
        ns.instanceCount++;
      }
      this.retrack(instance);
      this.emit(service, 'instance.registered', instance);
      return instance;
    };
    // The common case, an ephemeral instance of a known cluster, touches no storage at all.
    if (cmd.ephemeral && clusterExists) return work();
    try {
      return existing ? this.atomically(existing, work) : this.store.transaction(work);
    } catch (error) {
      // The store rolled back: forget what this call added to memory, so memory matches it.
      if (!existingService) ns.services.delete(cmd.serviceName);
      else if (!clusterExists) existingService.clusters.delete(cmd.clusterName);
      throw error;
    }
  }

  /** DELETE /instance: always succeeds, whether or not anything was there. */
  deregisterInstance(cmd: DeregisterCommand): boolean {
    checkGroupedName(cmd.serviceName);
    const ns = this.namespaces.get(cmd.namespaceId);
    const service = ns?.services.get(cmd.serviceName);
    const cluster = service?.cluster(cmd.clusterName);
    const instance = cluster?.[cmd.ephemeral ? 'ephemeral' : 'persistent'].get(instanceKey(cmd.ip, cmd.port));
    if (!ns || !service || !instance) return false;
    this.removeInstance(ns, instance, 'instance.deregistered');
    return true;
  }

  /**
   * PUT /instance. `strict` (Java clients >= 1.0) refuses unknown services and instances; otherwise
   * it is a register. Either way it is an operator edit: metadata it changes becomes an override.
   */
  updateInstance(cmd: RegisterCommand, strict: boolean): Instance {
    this.checkInstanceCommand(cmd);
    const service = this.findService(cmd.namespaceId, cmd.serviceName);
    if (strict && !service) {
      throw new InvalidParameterError(`service not found, namespace: ${cmd.namespaceId}, service: ${cmd.serviceName}`);
    }
    const existing = service
      ?.cluster(cmd.clusterName)
      ?.[cmd.ephemeral ? 'ephemeral' : 'persistent'].get(instanceKey(cmd.ip, cmd.port));
    if (!existing) {
      if (strict) throw new InvalidParameterError(`instance not exist: ${describe(cmd)}`);
      return this.registerInstance(cmd);
    }
    this.checkMetadataSize(cmd.metadata);
    return this.atomically(existing, () => {
      existing.weight = cmd.weight;
      existing.enabled = cmd.enabled;
      existing.app = cmd.app ?? existing.app;
      existing.lastBeat = this.clock.now();
      if (existing.marked) existing.healthy = cmd.healthy;
      this.applyOperatorMetadata(existing, cmd.metadata);
      if (!existing.ephemeral) this.persistInstance(existing);
      this.retrack(existing);
      this.emit(existing.service, 'instance.updated', existing);
      return existing;
    });
  }

  /** PATCH /instance: only the fields given change; metadata given is an operator edit. */
  patchInstance(cmd: PatchCommand): Instance {
    checkGroupedName(cmd.serviceName);
    if (cmd.weight !== undefined) checkWeight(cmd.weight);
    const instance = this.findInstance(cmd.namespaceId, cmd.serviceName, cmd.clusterName, cmd.ip, cmd.port);
    if (!instance) throw new InvalidParameterError('instance not found');
    checkNameLengths(this.limits.nameLengths, { app: cmd.app });
    if (cmd.metadata !== undefined) this.checkMetadataSize(cmd.metadata);
    return this.atomically(instance, () => {
      if (cmd.metadata !== undefined) this.applyOperatorMetadata(instance, cmd.metadata);
      if (cmd.app !== undefined) instance.app = cmd.app;
      if (cmd.weight !== undefined) instance.weight = cmd.weight;
      if (cmd.healthy !== undefined) instance.healthy = cmd.healthy;
      if (cmd.enabled !== undefined) instance.enabled = cmd.enabled;
      instance.lastBeat = this.clock.now();
      if (!instance.ephemeral) this.persistInstance(instance);
      this.retrack(instance);
      this.emit(instance.service, 'instance.updated', instance);
      return instance;
    });
  }

  /**
   * Sets operator overrides on one instance: `null` removes a key's override. Used by the native
   * API; values are merged into the instance's current metadata.
   */
  editInstanceMetadata(address: InstanceAddress, changes: Readonly<Record<string, string | null>>): Instance {
    const instance = this.findInstance(
      address.namespaceId,
      address.serviceName,
      address.clusterName,
      address.ip,
      address.port,
    );
    if (!instance) throw new NotFoundError(`instance ${address.ip}:${address.port} not found`);
    const next: Record<string, string> = { ...instance.metadata };
    const key = addressKey(address);
    const override: Record<string, string> = { ...this.overrides.get(key) };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) {
        delete override[k];
        if (instance.registeredMetadata[k] !== undefined) next[k] = instance.registeredMetadata[k];
        else delete next[k];
      } else {
        override[k] = v;
        next[k] = v;
      }
    }
    this.checkMetadataSize(next);
    return this.atomically(instance, () => {
      this.saveOverride(instance, override);
      this.setMetadata(instance, freezeMetadata(next));
      if (!instance.ephemeral) this.persistInstance(instance);
      this.retrack(instance);
      this.emit(instance.service, 'instance.updated', instance);
      return instance;
    });
  }

  /** Detail lookup with Nacos's three 404 messages. */
  getInstance(namespaceId: string, serviceName: string, clusterName: string, ip: string, port: number): Instance {
    checkGroupedName(serviceName);
    const service = this.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`no service ${serviceName} found!`);
    const cluster = service.cluster(clusterName);
    if (!cluster || cluster.size === 0) {
      throw new NotFoundError(`no ips found for cluster ${clusterName} in service ${serviceName}`);
    }
    const key = instanceKey(ip, port);
    const instance = cluster.ephemeral.get(key) ?? cluster.persistent.get(key);
    if (!instance) throw new NotFoundError('no matched ip found!');
    return instance;
  }

  /** PUT /health/instance: only for clusters whose checker is NONE. */
  setHealthManually(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    ip: string,
    port: number,
    healthy: boolean,
  ): void {
    checkGroupedName(serviceName);
    const service = this.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service not found: ${serviceName}@${namespaceId}`);
    const cluster = service.cluster(clusterName);
    if (!cluster) throw new NotFoundError(`cluster not found: ${clusterName}`);
    if (cluster.settings.healthChecker.type !== 'NONE') {
      throw new InvalidParameterError(`health check is still working, service: ${serviceName}`);
    }
    const instance = cluster.ephemeral.get(instanceKey(ip, port)) ?? cluster.persistent.get(instanceKey(ip, port));
    if (instance && instance.healthy !== healthy) this.setHealth(instance, healthy);
  }

  /** Flips health (beats, expiry, active checks); persists it for persistent instances. */
  setHealth(instance: Instance, healthy: boolean): void {
    if (instance.healthy === healthy) return;
    instance.healthy = healthy;
    if (!instance.ephemeral) {
      try {
        this.persistInstance(instance);
      } catch (error) {
        instance.healthy = !healthy;
        throw error;
      }
    }
    // The next expiry deadline depends on health (timeout when healthy, delete timeout when not).
    this.retrack(instance);
    this.emit(instance.service, healthy ? 'instance.healthy' : 'instance.unhealthy', instance);
  }

  /** Removal by beat expiry. */
  expireInstance(instance: Instance): void {
    const ns = this.namespaces.get(instance.service.namespaceId);
    if (ns && this.isAttached(instance)) this.removeInstance(ns, instance, 'instance.expired');
  }

  isAttached(instance: Instance): boolean {
    const cluster = this.findService(instance.service.namespaceId, instance.service.name)?.cluster(
      instance.clusterName,
    );
    return cluster?.[instance.ephemeral ? 'ephemeral' : 'persistent'].get(instance.key) === instance;
  }

  /** PUT/DELETE /instance/metadata/batch: merges or removes keys on the chosen instances. */
  batchMetadata(
    namespaceId: string,
    serviceName: string,
    targets: 'ephemeral' | 'persist' | readonly { ip: string; port: number; ephemeral: boolean; clusterName: string }[],
    metadata: Metadata,
    mode: 'merge' | 'remove',
  ): string[] {
    checkGroupedName(serviceName);
    const service = this.findService(namespaceId, serviceName);
    if (!service)
      throw new InvalidParameterError(`service not found, namespace: ${namespaceId}, service: ${serviceName}`);
    const chosen: Instance[] = [];
    if (typeof targets === 'string') {
      for (const i of service.instances()) if (i.ephemeral === (targets === 'ephemeral')) chosen.push(i);
    } else {
      for (const t of targets) {
        const i = service
          .cluster(t.clusterName)
          ?.[t.ephemeral ? 'ephemeral' : 'persistent'].get(instanceKey(t.ip, t.port));
        if (i) chosen.push(i);
      }
    }
    return this.store.transaction(() => {
      const updated: string[] = [];
      for (const instance of chosen) {
        const next: Record<string, string> = { ...instance.metadata };
        for (const [k, v] of Object.entries(metadata)) {
          if (mode === 'merge') next[k] = v;
          else delete next[k];
        }
        this.applyOperatorMetadata(instance, freezeMetadata(next));
        if (!instance.ephemeral) this.persistInstance(instance);
        this.retrack(instance);
        updated.push(`${instance.datumKey}:${instance.ephemeral ? 'ephemeral' : 'persist'}`);
      }
      if (chosen.length > 0) this.emit(service, 'instance.updated');
      return updated;
    });
  }

  updateSwitches(patch: Partial<Switches>): Switches {
    const next = { ...this.switches, ...patch };
    this.store.putSwitches(next);
    this.switches = next;
    return next;
  }

  // ---- internals -----------------------------------------------------------------------------

  private restore(): void {
    const state = this.store.load();
    if (state.switches) this.switches = { ...this.switches, ...state.switches };
    for (const ns of state.namespaces) this.namespaceRecords.set(ns.id, ns);
    for (const o of state.overrides) this.overrides.set(addressKey(o), o.metadata);
    for (const s of state.services) {
      const service = new Service(s.namespaceId, s.name);
      service.settings = { protectThreshold: s.protectThreshold, metadata: s.metadata, selector: s.selector };
      this.namespace(s.namespaceId).services.set(s.name, service);
    }
    for (const c of state.clusters) {
      const service = this.findService(c.namespaceId, c.serviceName);
      if (service) service.clusterOrCreate(c.name).cluster.settings = c.settings;
    }
    const now = this.clock.now();
    for (const r of state.instances) {
      const service = this.findService(r.namespaceId, r.serviceName);
      if (!service) continue;
      const { cluster } = service.clusterOrCreate(r.clusterName);
      const instance = new Instance(service, r.ip, r.port, r.clusterName, false);
      Object.assign(instance, {
        instanceId: r.instanceId,
        weight: r.weight,
        healthy: r.healthy,
        enabled: r.enabled,
        app: r.app,
        lastBeat: now,
        registeredAt: now,
      });
      this.applyRegisteredMetadata(instance, r.metadata);
      cluster.persistent.set(instance.key, instance);
      this.namespace(r.namespaceId).instanceCount++;
    }
  }

  private namespace(id: string): Namespace {
    let ns = this.namespaces.get(id);
    if (!ns) {
      ns = new Namespace(id);
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  private newService(
    namespaceId: string,
    serviceName: string,
    settings = { protectThreshold: 0, metadata: EMPTY_METADATA, selector: NO_SELECTOR as Selector },
  ): Service {
    checkGroupedName(serviceName);
    checkNameLengths(this.limits.nameLengths, { namespaceId, serviceName });
    checkServiceNameChars(serviceName);
    const ns = this.namespace(namespaceId);
    if (ns.services.size >= this.limits.maxServicesPerNamespace) {
      throw new LimitExceededError(
        `too many services in namespace ${namespaceId}: the limit is ${this.limits.maxServicesPerNamespace}`,
      );
    }
    this.store.putService({ namespaceId, name: serviceName, ...settings });
    const service = new Service(namespaceId, serviceName);
    service.settings = settings;
    ns.services.set(serviceName, service);
    return service;
  }

  private checkInstanceCommand(cmd: RegisterCommand): void {
    checkGroupedName(cmd.serviceName);
    checkNameLengths(this.limits.nameLengths, {
      namespaceId: cmd.namespaceId,
      serviceName: cmd.serviceName,
      clusterName: cmd.clusterName,
      ip: cmd.ip,
      app: cmd.app,
    });
    checkServiceNameChars(cmd.serviceName);
    checkClusterName(cmd.clusterName);
    checkInstanceHost(cmd.ip);
    checkWeight(cmd.weight);
  }

  private checkMetadataSize(metadata: Metadata): void {
    let bytes = 0;
    for (const k in metadata) bytes += k.length + (metadata[k]?.length ?? 0) + 6;
    if (bytes > this.limits.maxMetadataBytes) {
      throw new LimitExceededError(`metadata too large: ${bytes} bytes, the limit is ${this.limits.maxMetadataBytes}`);
    }
  }

  /** Client-registered metadata, with the operator's overrides kept on top. */
  private applyRegisteredMetadata(instance: Instance, registered: Metadata): void {
    instance.registeredMetadata = registered;
    const override = this.overrides.get(addressOf(instance));
    this.setMetadata(instance, override ? freezeMetadata({ ...registered, ...override }) : registered);
  }

  /**
   * An operator's full-map edit: keys whose value differs from what the client registered become
   * overrides, which survive re-registration and restarts.
   */
  private applyOperatorMetadata(instance: Instance, metadata: Metadata): void {
    const override: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) {
      if (instance.registeredMetadata[k] !== v) override[k] = v;
    }
    this.saveOverride(instance, override);
    this.setMetadata(instance, metadata);
  }

  private saveOverride(instance: Instance, override: Record<string, string>): void {
    const key = addressOf(instance);
    const address = toAddress(instance);
    if (Object.keys(override).length === 0) {
      if (this.overrides.delete(key)) this.store.deleteOverride(address);
      return;
    }
    const frozen = freezeMetadata(override);
    const previous = this.overrides.get(key);
    if (previous && sameMetadata(previous, frozen)) return;
    this.store.putOverride({ ...address, metadata: frozen });
    this.overrides.set(key, frozen);
  }

  private setMetadata(instance: Instance, metadata: Metadata): void {
    instance.metadata = metadata;
    instance.timings = resolveTimings(metadata);
  }

  /**
   * Runs an instance mutation in one store transaction; if the store fails, the instance and its
   * override are put back as they were, so memory never holds what storage refused.
   */
  private atomically<T>(instance: Instance, work: () => T): T {
    const { weight, enabled, app, healthy, lastBeat, metadata, registeredMetadata, timings } = instance;
    const key = addressOf(instance);
    const override = this.overrides.get(key);
    try {
      return this.store.transaction(work);
    } catch (error) {
      Object.assign(instance, { weight, enabled, app, healthy, lastBeat, metadata, registeredMetadata, timings });
      if (override) this.overrides.set(key, override);
      else this.overrides.delete(key);
      this.retrack(instance);
      throw error;
    }
  }

  private persistInstance(instance: Instance): void {
    this.store.putInstance({
      ...toAddress(instance),
      instanceId: instance.instanceId,
      weight: instance.weight,
      healthy: instance.healthy,
      enabled: instance.enabled,
      app: instance.app,
      metadata: instance.registeredMetadata,
    });
  }

  private removeInstance(ns: Namespace, instance: Instance, reason: ChangeReason): void {
    if (!instance.ephemeral) this.store.deleteInstance(toAddress(instance));
    this.detach(ns, instance);
    this.emit(instance.service, reason, instance);
  }

  private detach(ns: Namespace, instance: Instance): void {
    const cluster = instance.service.cluster(instance.clusterName);
    const map = cluster?.[instance.ephemeral ? 'ephemeral' : 'persistent'];
    if (map?.get(instance.key) === instance) {
      map.delete(instance.key);
      ns.instanceCount--;
    }
    for (const t of this.trackers) t.untrack(instance);
  }

  private retrack(instance: Instance): void {
    for (const t of this.trackers) t.track(instance);
  }

  private generateInstanceId(service: Service, instance: Instance): string {
    if (instance.metadata[PreservedKeys.idGenerator] === 'snowflake') {
      const used = new Set<string>();
      for (const i of service.instances()) used.add(i.instanceId);
      let n = 0;
      while (used.has(String(n))) n++;
      return String(n);
    }
    return `${instance.ip}#${instance.port}#${instance.clusterName}#${service.name}`;
  }

  emit(service: Service, reason: ChangeReason, instance?: Instance): void {
    const revision = ++this.revision;
    const at = this.clock.now();
    service.revision = revision;
    service.changedAt = at;
    const change: ServiceChange = {
      revision,
      reason,
      service,
      at,
      ...(instance ? { instance: instance.key } : {}),
    };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.reportError(error);
      }
    }
  }
}

export function checkWeight(weight: number): void {
  if (!(weight >= 0 && weight <= 10000)) {
    throw new InvalidParameterError('instance format invalid: The weights range from 0.0 to 10000.0');
  }
}

function toAddress(instance: Instance): InstanceAddress {
  return {
    namespaceId: instance.service.namespaceId,
    serviceName: instance.service.name,
    clusterName: instance.clusterName,
    ip: instance.ip,
    port: instance.port,
  };
}

function addressOf(instance: Instance): string {
  return addressKey(toAddress(instance));
}

function describe(cmd: RegisterCommand): string {
  return `Instance{ip='${cmd.ip}', port=${cmd.port}, clusterName='${cmd.clusterName}', ephemeral=${cmd.ephemeral}, serviceName='${cmd.serviceName}'}`;
}
