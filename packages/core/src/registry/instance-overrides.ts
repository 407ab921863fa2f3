import {
  TIMING_KEYS,
  checkTimingOrder,
  checkTimingOverrides,
  freezeMetadata,
  mergeMetadataChanges,
  resolveTimings,
  type Metadata,
} from '../metadata.js';
import type { Instance } from '../model/instance.js';
import { addressKey, type InstanceAddress } from '../model/instance-address.js';
import {
  NO_OVERRIDE,
  isEmptyOverride,
  sameOverride,
  type ClientValues,
  type InstanceOverride,
  type InstanceOverrideView,
  type OperatorEdit,
} from '../model/instance-override.js';
import type { OverrideRecord, Store } from '../store.js';
import { checkWeight } from './instance-rules.js';

/** The override an edit will leave and the metadata the instance will show, computed before anything changes. */
export interface PlannedOverride {
  readonly override: InstanceOverride;
  readonly metadata: Metadata;
}

/**
 * Values set the Nacos way (PUT/PATCH /instance, metadata batches): a field given becomes an
 * override only where it differs from what the client registered; `metadata` is the full new map.
 */
export interface OperatorValues {
  readonly weight?: number;
  readonly enabled?: boolean;
  readonly metadata?: Metadata;
}

/**
 * Operator overrides (weight, enabled, metadata keys), kept apart from what the client registered:
 * the client's values are stored as registered, the overrides on their own, and the instance shows
 * the override where there is one. So an operator's edit survives the client re-registering and
 * the server restarting, and removing it shows the client's value again.
 */
export class InstanceOverrides {
  private readonly byAddress = new Map<string, InstanceOverride>();

  constructor(private readonly store: Store) {}

  load(records: readonly OverrideRecord[]): void {
    for (const o of records) this.byAddress.set(addressKey(o), toOverride(o));
  }

  get(address: InstanceAddress): InstanceOverride | undefined {
    return this.byAddress.get(addressKey(address));
  }

  /** Forgets a deleted service's overrides (the store deletes them with the service). */
  forgetService(namespaceId: string, serviceName: string): void {
    const prefix = `${namespaceId}\u0000${serviceName}\u0000`;
    for (const key of this.byAddress.keys()) if (key.startsWith(prefix)) this.byAddress.delete(key);
  }

  /** What the client registered, with the operator's overrides kept on top. */
  applyRegistered(instance: Instance, client: ClientValues): void {
    instance.registeredWeight = client.weight;
    instance.registeredEnabled = client.enabled;
    instance.registeredMetadata = client.metadata;
    const override = this.get(instance.address) ?? NO_OVERRIDE;
    const metadata = Object.keys(override.metadata).length
      ? freezeMetadata({ ...client.metadata, ...override.metadata })
      : client.metadata;
    show(instance, override, metadata);
  }

  /** The native edit: a value sets an override, `null` removes it. Checks values, changes nothing. */
  planEdit(instance: Instance, edit: OperatorEdit): PlannedOverride {
    const current = this.get(instance.address) ?? NO_OVERRIDE;
    if (typeof edit.weight === 'number') checkWeight(edit.weight);
    const pick = <T>(value: T | null | undefined, kept: T | undefined) =>
      value === undefined ? kept : (value ?? undefined);
    const changes = edit.metadata;
    const plan = this.checked(current, {
      override: compact({
        weight: pick(edit.weight, current.weight),
        enabled: pick(edit.enabled, current.enabled),
        metadata: changes ? freezeMetadata(mergeMetadataChanges(current.metadata, changes)) : current.metadata,
      }),
      metadata: changes
        ? freezeMetadata(mergeMetadataChanges(instance.metadata, changes, instance.registeredMetadata))
        : instance.metadata,
    });
    // The native edit also keeps the timings in order (interval < timeout < delete timeout); the
    // Nacos faces never did, and Nacos tools may rely on that.
    if (changes && TIMING_KEYS.some((k) => k in changes)) checkTimingOrder(plan.metadata);
    return plan;
  }

  /** The Nacos edit: values that differ from the client's become overrides, equal ones clear theirs. */
  planValues(instance: Instance, values: OperatorValues): PlannedOverride {
    const current = this.get(instance.address) ?? NO_OVERRIDE;
    const differing = <T>(value: T | undefined, client: T, kept: T | undefined) =>
      value === undefined ? kept : value !== client ? value : undefined;
    let metadataOverride = current.metadata;
    if (values.metadata !== undefined) {
      const keys: Record<string, string> = {};
      for (const [k, v] of Object.entries(values.metadata)) if (instance.registeredMetadata[k] !== v) keys[k] = v;
      metadataOverride = freezeMetadata(keys);
    }
    return this.checked(current, {
      override: compact({
        weight: differing(values.weight, instance.registeredWeight, current.weight),
        enabled: differing(values.enabled, instance.registeredEnabled, current.enabled),
        metadata: metadataOverride,
      }),
      metadata: values.metadata ?? instance.metadata,
    });
  }

  /** Stores the planned override (or its removal) and shows it on the instance. */
  apply(instance: Instance, plan: PlannedOverride): void {
    this.save(instance.address, plan.override);
    show(instance, plan.override, plan.metadata);
  }

  view(instance: Instance): InstanceOverrideView {
    const override = this.get(instance.address) ?? NO_OVERRIDE;
    return {
      effective: { weight: instance.weight, enabled: instance.enabled, metadata: instance.metadata },
      client: {
        weight: instance.registeredWeight,
        enabled: instance.registeredEnabled,
        metadata: instance.registeredMetadata,
      },
      overridden: {
        weight: override.weight !== undefined,
        enabled: override.enabled !== undefined,
        metadataKeys: Object.keys(override.metadata).sort(),
      },
    };
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

  /** The timing bounds apply to every operator edit, whichever face it came through. */
  private checked(current: InstanceOverride, plan: PlannedOverride): PlannedOverride {
    checkTimingOverrides(plan.override.metadata, current.metadata);
    return plan;
  }

  private save(address: InstanceAddress, override: InstanceOverride): void {
    const key = addressKey(address);
    if (isEmptyOverride(override)) {
      if (this.byAddress.delete(key)) this.store.deleteOverride(address);
      return;
    }
    const previous = this.byAddress.get(key);
    if (previous && sameOverride(previous, override)) return;
    this.store.putOverride({ ...address, ...override });
    this.byAddress.set(key, override);
  }
}

/** Effective values: the override's where set, else the client's; timings resolved with the metadata. */
function show(instance: Instance, override: InstanceOverride, metadata: Metadata): void {
  instance.weight = override.weight ?? instance.registeredWeight;
  instance.enabled = override.enabled ?? instance.registeredEnabled;
  instance.metadata = metadata;
  instance.timings = resolveTimings(metadata);
}

/** An override without its absent fields, so stored records and comparisons see only what is set. */
function compact(o: {
  weight: number | undefined;
  enabled: boolean | undefined;
  metadata: Metadata;
}): InstanceOverride {
  return {
    ...(o.weight !== undefined ? { weight: o.weight } : {}),
    ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
    metadata: o.metadata,
  };
}

function toOverride(r: OverrideRecord): InstanceOverride {
  return compact({ weight: r.weight, enabled: r.enabled, metadata: r.metadata });
}
