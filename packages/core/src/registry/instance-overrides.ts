import {
  freezeMetadata,
  mergeMetadataChanges,
  resolveTimings,
  sameMetadata,
  type Metadata,
  type MetadataChanges,
} from '../metadata.js';
import type { Instance } from '../model/instance.js';
import { addressKey, type InstanceAddress } from '../model/instance-address.js';
import type { OverrideRecord, Store } from '../store.js';

/** The override and effective metadata an operator's edit will leave, computed before anything changes. */
export interface MetadataEdit {
  readonly override: Metadata;
  readonly metadata: Metadata;
}

/**
 * Operator overrides, kept apart from what the client registered: the client's metadata is stored
 * as registered, the overrides on their own, and the instance shows the two merged. So an
 * operator's edit survives the client re-registering and the server restarting.
 */
export class InstanceOverrides {
  private readonly byAddress = new Map<string, Metadata>();

  constructor(private readonly store: Store) {}

  load(records: readonly OverrideRecord[]): void {
    for (const o of records) this.byAddress.set(addressKey(o), o.metadata);
  }

  get(address: InstanceAddress): Metadata | undefined {
    return this.byAddress.get(addressKey(address));
  }

  /** Forgets a deleted service's overrides (the store deletes them with the service). */
  forgetService(namespaceId: string, serviceName: string): void {
    const prefix = `${namespaceId}\u0000${serviceName}\u0000`;
    for (const key of this.byAddress.keys()) if (key.startsWith(prefix)) this.byAddress.delete(key);
  }

  /** Client-registered metadata, with the operator's overrides kept on top. */
  applyRegistered(instance: Instance, registered: Metadata): void {
    instance.registeredMetadata = registered;
    const override = this.get(instance.address);
    setMetadata(instance, override ? freezeMetadata({ ...registered, ...override }) : registered);
  }

  /**
   * An operator's full-map edit: keys whose value differs from what the client registered become
   * overrides, which survive re-registration and restarts.
   */
  applyOperatorMap(instance: Instance, metadata: Metadata): void {
    const override: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) {
      if (instance.registeredMetadata[k] !== v) override[k] = v;
    }
    this.save(instance, freezeMetadata(override));
    setMetadata(instance, metadata);
  }

  /** What an edit of some keys leaves: `null` removes a key's override, so the client's value shows again. */
  planChanges(instance: Instance, changes: MetadataChanges): MetadataEdit {
    const override = mergeMetadataChanges(this.get(instance.address) ?? {}, changes);
    const metadata = mergeMetadataChanges(instance.metadata, changes, instance.registeredMetadata);
    return { override: freezeMetadata(override), metadata: freezeMetadata(metadata) };
  }

  applyEdit(instance: Instance, edit: MetadataEdit): void {
    this.save(instance, edit.override);
    setMetadata(instance, edit.metadata);
  }

  /** Captures the instance's override, for putting it back when the store refuses a mutation. */
  snapshot(instance: Instance): () => void {
    const key = addressKey(instance.address);
    const override = this.byAddress.get(key);
    return () => {
      if (override) this.byAddress.set(key, override);
      else this.byAddress.delete(key);
    };
  }

  private save(instance: Instance, override: Metadata): void {
    const address = instance.address;
    const key = addressKey(address);
    if (Object.keys(override).length === 0) {
      if (this.byAddress.delete(key)) this.store.deleteOverride(address);
      return;
    }
    const previous = this.byAddress.get(key);
    if (previous && sameMetadata(previous, override)) return;
    this.store.putOverride({ ...address, metadata: override });
    this.byAddress.set(key, override);
  }
}

/** Effective metadata and the timings resolved from it, set together. */
function setMetadata(instance: Instance, metadata: Metadata): void {
  instance.metadata = metadata;
  instance.timings = resolveTimings(metadata);
}
