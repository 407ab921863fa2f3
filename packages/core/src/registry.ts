import type { Clock } from './clock.js';
import { InvalidParameterError, LimitExceededError, NotFoundError } from './errors.js';
import type { ChangeListener, ChangeReason } from './events.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { PreservedKeys, type Metadata, type MetadataChanges } from './metadata.js';
import type { Cluster, ClusterSettings } from './model/cluster.js';
import { Instance, instanceKey } from './model/instance.js';
import type { InstanceAddress } from './model/instance-address.js';
import type { InstanceOverride, InstanceOverrideView, OperatorEdit } from './model/instance-override.js';
import type { Service } from './model/service.js';
import { checkGroupedName, PUBLIC_NAMESPACE } from './names.js';
import { ChangeFeed } from './registry/change-feed.js';
import type { DeregisterCommand, PatchCommand, RegisterCommand, ServiceCommand } from './registry/commands.js';
import { InstanceOverrides } from './registry/instance-overrides.js';
import { checkInstanceCommand, checkMetadataSize } from './registry/instance-rules.js';
import { InstanceSync, type InstanceTracker } from './registry/instance-sync.js';
import { NamespaceTree } from './registry/namespace-tree.js';
import { OperatorEdits, type BatchTargets } from './registry/operator-edits.js';
import { ServiceEdits } from './registry/service-edits.js';
import { loadStoredState } from './registry/state-loader.js';
import type { NamespaceRecord, Store } from './store.js';
import { defaultSwitches, type Switches } from './switches.js';

export type { DeregisterCommand, PatchCommand, RegisterCommand, ServiceCommand } from './registry/commands.js';
export type { InstanceTracker } from './registry/instance-sync.js';
export type { BatchTargets } from './registry/operator-edits.js';
export { checkPort, checkWeight } from './registry/instance-rules.js';

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
 *
 * This class holds the lifecycle (register, deregister, health, expiry) and the services; operator
 * edits live in OperatorEdits, overrides in InstanceOverrides, the restart in loadStoredState.
 */
export class Registry {
  readonly clock: Clock;
  readonly limits: Limits;
  switches: Switches = defaultSwitches();
  private readonly store: Store;
  private readonly tree = new NamespaceTree();
  private readonly namespaceRecords = new Map<string, NamespaceRecord>();
  private readonly feed: ChangeFeed;
  private readonly overrides: InstanceOverrides;
  private readonly sync: InstanceSync;
  private readonly edits: OperatorEdits;
  private readonly serviceEdits: ServiceEdits;

  constructor(options: RegistryOptions) {
    this.clock = options.clock;
    this.store = options.store;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.feed = new ChangeFeed(this.clock, options.reportError ?? (() => undefined));
    this.overrides = new InstanceOverrides(this.store);
    this.sync = new InstanceSync(this.store, this.overrides);
    const parts = {
      clock: this.clock,
      store: this.store,
      limits: this.limits,
      tree: this.tree,
      namespaceRecords: this.namespaceRecords,
      feed: this.feed,
      overrides: this.overrides,
      sync: this.sync,
    };
    this.serviceEdits = new ServiceEdits(parts);
    this.edits = new OperatorEdits({ ...parts, register: (cmd) => this.registerInstance(cmd) });
    const state = this.store.load();
    if (state.switches) this.switches = { ...this.switches, ...state.switches };
    loadStoredState(
      state,
      { tree: this.tree, overrides: this.overrides, namespaceRecords: this.namespaceRecords },
      this.clock.now(),
    );
  }

  get currentRevision(): number {
    return this.feed.revision;
  }

  onChange(listener: ChangeListener): () => void {
    return this.feed.subscribe(listener);
  }

  addTracker(tracker: InstanceTracker): void {
    this.sync.addTracker(tracker);
    for (const ns of this.tree.all()) {
      for (const service of ns.services.values()) for (const i of service.instances()) tracker.track(i);
    }
  }

  // ---- lookups -------------------------------------------------------------------------------

  findService(namespaceId: string, serviceName: string): Service | undefined {
    return this.tree.findService(namespaceId, serviceName);
  }

  /** The hot-path lookup used by beats: no allocation beyond the key string. */
  findInstance(address: InstanceAddress): Instance | undefined {
    return this.tree.findInstance(address);
  }

  services(namespaceId: string): IterableIterator<Service> {
    return (this.tree.get(namespaceId)?.services ?? new Map<string, Service>()).values();
  }

  /**
   * Every namespace: public first, then the records in the order they were made. A namespace that
   * holds services has a record (a first service makes one), so the tree adds only what a peer of
   * an older version made; an emptied tree entry is no namespace.
   */
  namespaceIds(): string[] {
    const ids = new Set<string>([PUBLIC_NAMESPACE, ...this.namespaceRecords.keys()]);
    for (const ns of this.tree.all()) if (ns.services.size > 0) ids.add(ns.id);
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
    for (const ns of this.tree.all()) n += ns.services.size;
    return n;
  }

  instanceCount(): number {
    let n = 0;
    for (const ns of this.tree.all()) n += ns.instanceCount;
    return n;
  }

  /** The operator's override of the instance at `address`, if any. */
  overrideFor(address: InstanceAddress): InstanceOverride | undefined {
    return this.overrides.get(address);
  }

  /** Effective values, the client's own values, and which fields the operator overrides. */
  overrideView(instance: Instance): InstanceOverrideView {
    return this.overrides.view(instance);
  }

  isAttached(instance: Instance): boolean {
    return this.tree.isAttached(instance);
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

  // ---- services (ServiceEdits) --------------------------------------------------------------

  createService(cmd: ServiceCommand): Service {
    return this.serviceEdits.create(cmd);
  }

  updateService(cmd: ServiceCommand): Service {
    return this.serviceEdits.update(cmd);
  }

  deleteService(namespaceId: string, serviceName: string): void {
    this.serviceEdits.delete(namespaceId, serviceName, (instance) => this.detach(instance));
  }

  /** Service detail; 404 with Nacos's message when missing. */
  getService(namespaceId: string, serviceName: string): Service {
    return this.serviceEdits.get(namespaceId, serviceName);
  }

  updateCluster(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    patch: Partial<ClusterSettings>,
  ): Cluster {
    return this.serviceEdits.updateCluster(namespaceId, serviceName, clusterName, patch);
  }

  // ---- instance lifecycle --------------------------------------------------------------------

  /** POST /instance: creates service and cluster as needed, then adds or replaces the instance. */
  registerInstance(cmd: RegisterCommand): Instance {
    checkInstanceCommand(cmd, this.limits);
    checkMetadataSize(cmd.metadata, this.limits);
    const ns = this.tree.namespace(cmd.namespaceId);
    const existingService = ns.services.get(cmd.serviceName);
    const existing = this.tree.findOfKind(cmd, cmd.ephemeral);
    if (!existing && ns.instanceCount >= this.limits.maxInstancesPerNamespace) {
      throw new LimitExceededError(
        `too many instances in namespace ${cmd.namespaceId}: the limit is ${this.limits.maxInstancesPerNamespace}`,
      );
    }

    const clusterExists = existingService?.cluster(cmd.clusterName) !== undefined;
    const hadNamespaceRecord = this.namespaceRecords.has(cmd.namespaceId);
    const work = () => {
      const service = existingService ?? this.serviceEdits.newService(cmd.namespaceId, cmd.serviceName);
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
      instance.app = cmd.app ?? instance.app;
      // The latest registration decides who holds an ephemeral instance: a connection or beats.
      if (instance.ephemeral) instance.connectionId = cmd.connectionId;
      // An unmarked instance keeps its health on re-register: beats and checks win over the parameter.
      // A connection's registration is itself the proof of life (a cluster node taken for dead
      // left the instance unhealthy; its client registering again elsewhere makes it healthy).
      if (!existing || instance.marked || cmd.connectionId !== undefined) instance.healthy = cmd.healthy;
      this.overrides.applyRegistered(instance, cmd);
      if (!existing) {
        instance.instanceId = this.generateInstanceId(service, instance);
        instance.registeredAt = now;
      }
      instance.lastBeat = now;
      this.sync.persist(instance);
      if (!existing) this.tree.attach(instance);
      this.sync.retrack(instance);
      this.emit(service, 'instance.registered', instance);
      return instance;
    };
    // The common case, an ephemeral instance of a known cluster, touches no storage at all.
    if (cmd.ephemeral && clusterExists) return work();
    try {
      return existing ? this.sync.atomically(existing, work) : this.store.transaction(work);
    } catch (error) {
      // The store rolled back: forget what this call added to memory, so memory matches it.
      if (!existingService) {
        ns.services.delete(cmd.serviceName);
        if (!hadNamespaceRecord) this.namespaceRecords.delete(cmd.namespaceId);
      } else if (!clusterExists) existingService.clusters.delete(cmd.clusterName);
      throw error;
    }
  }

  /** DELETE /instance: always succeeds, whether or not anything was there. */
  deregisterInstance(cmd: DeregisterCommand): boolean {
    checkGroupedName(cmd.serviceName);
    const instance = this.tree.findOfKind(cmd, cmd.ephemeral);
    if (!instance) return false;
    this.removeInstance(instance, 'instance.deregistered');
    return true;
  }

  /** Detail lookup with Nacos's three 404 messages. */
  getInstance(address: InstanceAddress): Instance {
    const { serviceName, clusterName } = address;
    checkGroupedName(serviceName);
    const service = this.findService(address.namespaceId, serviceName);
    if (!service) throw new NotFoundError(`no service ${serviceName} found!`);
    const cluster = service.cluster(clusterName);
    if (!cluster || cluster.size === 0) {
      throw new NotFoundError(`no ips found for cluster ${clusterName} in service ${serviceName}`);
    }
    const instance = cluster.find(instanceKey(address.ip, address.port));
    if (!instance) throw new NotFoundError('no matched ip found!');
    return instance;
  }

  /** PUT /health/instance: only for clusters whose checker is NONE. */
  setHealthManually(address: InstanceAddress, healthy: boolean): void {
    const { namespaceId, serviceName, clusterName } = address;
    checkGroupedName(serviceName);
    const service = this.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service not found: ${serviceName}@${namespaceId}`);
    const cluster = service.cluster(clusterName);
    if (!cluster) throw new NotFoundError(`cluster not found: ${clusterName}`);
    if (cluster.settings.healthChecker.type !== 'NONE') {
      throw new InvalidParameterError(`health check is still working, service: ${serviceName}`);
    }
    const instance = cluster.find(instanceKey(address.ip, address.port));
    if (instance && instance.healthy !== healthy) this.setHealth(instance, healthy);
  }

  /** Flips health (beats, expiry, active checks); persists it for persistent instances. */
  setHealth(instance: Instance, healthy: boolean): void {
    if (instance.healthy === healthy) return;
    instance.healthy = healthy;
    try {
      this.sync.persist(instance);
    } catch (error) {
      instance.healthy = !healthy;
      throw error;
    }
    // The next expiry deadline depends on health (timeout when healthy, delete timeout when not).
    this.sync.retrack(instance);
    this.emit(instance.service, healthy ? 'instance.healthy' : 'instance.unhealthy', instance);
  }

  /**
   * What an active check decided about a persistent instance, by address: in cluster mode the
   * probing node shares it with every node as a mutation. Refused for an instance that is gone.
   */
  setCheckedHealth(address: InstanceAddress, healthy: boolean): void {
    const instance = this.findInstance(address);
    if (!instance || instance.ephemeral) throw new NotFoundError('no matched ip found!');
    this.setHealth(instance, healthy);
  }

  /** Removal by beat expiry. */
  expireInstance(instance: Instance): void {
    if (this.isAttached(instance)) this.removeInstance(instance, 'instance.expired');
  }

  // ---- operator edits (OperatorEdits) --------------------------------------------------------

  /**
   * PUT /instance. `strict` (Java clients >= 1.0) refuses unknown services and instances; otherwise
   * it is a register. Otherwise it is an operator edit: weight, enabled and metadata keys that
   * differ from what the client registered become overrides; those equal to it clear theirs.
   */
  updateInstance(cmd: RegisterCommand, strict: boolean): Instance {
    return this.edits.update(cmd, strict);
  }

  /** PATCH /instance: only the fields given change; weight, enabled and metadata as in `updateInstance`. */
  patchInstance(cmd: PatchCommand): Instance {
    return this.edits.patch(cmd);
  }

  /**
   * An operator's edit of one instance (the native API, the console): weight, enabled and metadata
   * keys together, atomically, one revision and one change. A value becomes an override that
   * survives re-registration and restarts; `null` removes it and the client's value shows again.
   * Timing keys are refused outside 1 s..1 h (see checkTimingOverrides).
   */
  editInstance(address: InstanceAddress, edit: OperatorEdit): Instance {
    return this.edits.edit(address, edit);
  }

  /** `editInstance` with metadata keys only. */
  editInstanceMetadata(address: InstanceAddress, changes: MetadataChanges): Instance {
    return this.editInstance(address, { metadata: changes });
  }

  /** PUT/DELETE /instance/metadata/batch: merges or removes keys on the chosen instances. */
  batchMetadata(
    namespaceId: string,
    serviceName: string,
    targets: BatchTargets,
    metadata: Metadata,
    mode: 'merge' | 'remove',
  ): string[] {
    return this.edits.batchMetadata(namespaceId, serviceName, targets, metadata, mode);
  }

  updateSwitches(patch: Partial<Switches>): Switches {
    const next = { ...this.switches, ...patch };
    this.store.putSwitches(next);
    this.switches = next;
    return next;
  }

  // ---- internals -----------------------------------------------------------------------------

  private removeInstance(instance: Instance, reason: ChangeReason): void {
    if (!instance.ephemeral) this.store.deleteInstance(instance.address);
    this.detach(instance);
    this.emit(instance.service, reason, instance);
  }

  private detach(instance: Instance): void {
    this.tree.detach(instance);
    this.sync.untrack(instance);
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

  private emit(service: Service, reason: ChangeReason, instance?: Instance): void {
    this.feed.publish(service, reason, instance);
  }
}
