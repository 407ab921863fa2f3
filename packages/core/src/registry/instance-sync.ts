import type { Instance } from '../model/instance.js';
import type { Store } from '../store.js';
import type { InstanceOverrides } from './instance-overrides.js';

/** Hooks the expiry and health-check schedulers attach to, so the registry never imports them. */
export interface InstanceTracker {
  track(instance: Instance): void;
  untrack(instance: Instance): void;
}

/** Keeps the store and the schedulers in step with an instance after it changes. */
export class InstanceSync {
  private readonly trackers: InstanceTracker[] = [];

  constructor(
    private readonly store: Store,
    private readonly overrides: InstanceOverrides,
  ) {}

  addTracker(tracker: InstanceTracker): void {
    this.trackers.push(tracker);
  }

  /** Deadlines depend on health and timings: every scheduler looks at the instance again. */
  retrack(instance: Instance): void {
    for (const t of this.trackers) t.track(instance);
  }

  untrack(instance: Instance): void {
    for (const t of this.trackers) t.untrack(instance);
  }

  /** Writes a persistent instance as the client registered it (overrides are stored apart); ephemeral ones never. */
  persist(instance: Instance): void {
    if (instance.ephemeral) return;
    this.store.putInstance({
      ...instance.address,
      instanceId: instance.instanceId,
      weight: instance.registeredWeight,
      healthy: instance.healthy,
      enabled: instance.registeredEnabled,
      app: instance.app,
      metadata: instance.registeredMetadata,
    });
  }

  /**
   * Runs an instance mutation in one store transaction; if the store fails, the instance and its
   * override are put back as they were, so memory never holds what storage refused.
   */
  atomically<T>(instance: Instance, work: () => T): T {
    const { weight, enabled, app, healthy, lastBeat, metadata, timings } = instance;
    const { registeredWeight, registeredEnabled, registeredMetadata } = instance;
    const restoreOverride = this.overrides.snapshot(instance);
    try {
      return this.store.transaction(work);
    } catch (error) {
      Object.assign(instance, { weight, enabled, app, healthy, lastBeat, metadata, timings });
      Object.assign(instance, { registeredWeight, registeredEnabled, registeredMetadata });
      restoreOverride();
      this.retrack(instance);
      throw error;
    }
  }
}
