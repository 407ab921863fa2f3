import type { Metadata } from './metadata.js';
import { addressKey, type InstanceAddress } from './model/instance-address.js';
import type { InstanceOverride } from './model/instance-override.js';
import type { ClusterSettings } from './model/cluster.js';
import type { Selector } from './model/service.js';
import type { Switches } from './switches.js';

export interface NamespaceRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

export interface ServiceRecord {
  readonly namespaceId: string;
  readonly name: string;
  readonly protectThreshold: number;
  readonly metadata: Metadata;
  readonly selector: Selector;
}

export interface ClusterRecord {
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly name: string;
  readonly settings: ClusterSettings;
}

/** A persistent instance as the client registered it (weight, enabled, metadata); overrides are stored apart. */
export interface PersistentInstanceRecord extends InstanceAddress {
  readonly instanceId: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly app: string;
  readonly metadata: Metadata;
}

/** An operator's override of one instance, ephemeral or persistent. */
export interface OverrideRecord extends InstanceAddress, InstanceOverride {}

export interface StoredState {
  readonly namespaces: readonly NamespaceRecord[];
  readonly services: readonly ServiceRecord[];
  readonly clusters: readonly ClusterRecord[];
  readonly instances: readonly PersistentInstanceRecord[];
  readonly overrides: readonly OverrideRecord[];
  readonly switches: Partial<Switches> | undefined;
}

/**
 * Durable state. Every call must be durable when it returns: the registry acknowledges a write only
 * after the store has it. Ephemeral instances never reach the store.
 */
export interface Store {
  load(): StoredState;
  putNamespace(record: NamespaceRecord): void;
  deleteNamespace(id: string): void;
  putService(record: ServiceRecord): void;
  /** Deletes the service with its clusters, persistent instances and overrides. */
  deleteService(namespaceId: string, serviceName: string): void;
  putCluster(record: ClusterRecord): void;
  putInstance(record: PersistentInstanceRecord): void;
  deleteInstance(address: InstanceAddress): void;
  putOverride(record: OverrideRecord): void;
  deleteOverride(address: InstanceAddress): void;
  putSwitches(switches: Switches): void;
  /** Runs `work` atomically: all of its writes land, or none. */
  transaction<T>(work: () => T): T;
}

/**
 * A store that keeps nothing across restarts: for tests, benchmarks and registries embedded without
 * persistence (the server's `BEACON_DATA_DIR=:memory:` is an in-memory SQLite database instead).
 */
export class MemoryStore implements Store {
  private readonly namespaces = new Map<string, NamespaceRecord>();
  private readonly services = new Map<string, ServiceRecord>();
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly instances = new Map<string, PersistentInstanceRecord>();
  private readonly overrides = new Map<string, OverrideRecord>();
  private switches: Switches | undefined;

  load(): StoredState {
    return {
      namespaces: [...this.namespaces.values()],
      services: [...this.services.values()],
      clusters: [...this.clusters.values()],
      instances: [...this.instances.values()],
      overrides: [...this.overrides.values()],
      switches: this.switches,
    };
  }
  putNamespace(record: NamespaceRecord): void {
    this.namespaces.set(record.id, record);
  }
  deleteNamespace(id: string): void {
    this.namespaces.delete(id);
  }
  putService(record: ServiceRecord): void {
    this.services.set(serviceKey(record.namespaceId, record.name), record);
  }
  deleteService(namespaceId: string, serviceName: string): void {
    const key = serviceKey(namespaceId, serviceName);
    this.services.delete(key);
    for (const map of [this.clusters, this.instances, this.overrides] as Map<string, unknown>[]) {
      for (const k of map.keys()) if (k.startsWith(key + '\u0000')) map.delete(k);
    }
  }
  putCluster(record: ClusterRecord): void {
    this.clusters.set(serviceKey(record.namespaceId, record.serviceName) + '\u0000' + record.name, record);
  }
  putInstance(record: PersistentInstanceRecord): void {
    this.instances.set(addressKey(record), record);
  }
  deleteInstance(address: InstanceAddress): void {
    this.instances.delete(addressKey(address));
  }
  putOverride(record: OverrideRecord): void {
    this.overrides.set(addressKey(record), record);
  }
  deleteOverride(address: InstanceAddress): void {
    this.overrides.delete(addressKey(address));
  }
  putSwitches(switches: Switches): void {
    this.switches = { ...switches };
  }
  transaction<T>(work: () => T): T {
    return work();
  }
}

function serviceKey(namespaceId: string, serviceName: string): string {
  return namespaceId + '\u0000' + serviceName;
}
