import { EMPTY_METADATA, preservedMillis, PreservedKeys, type Metadata } from '../metadata.js';
import { bareName, groupOf } from '../names.js';
import { Cluster } from './cluster.js';
import type { Instance } from './instance.js';

export type Selector =
  | { readonly type: 'none' }
  | { readonly type: 'label'; readonly expression: string; readonly labels?: readonly string[] };

export const NO_SELECTOR: Selector = Object.freeze({ type: 'none' });

export interface ServiceSettings {
  protectThreshold: number;
  metadata: Metadata;
  selector: Selector;
}

export class Service {
  readonly clusters = new Map<string, Cluster>();
  private currentSettings: ServiceSettings = { protectThreshold: 0, metadata: EMPTY_METADATA, selector: NO_SELECTOR };
  /**
   * The service's default beat interval (its metadata's `preserved.heart.beat.interval`, a Beacon
   * extension: Nacos ignores it), read once when the settings change, never on the beat path.
   */
  defaultBeatIntervalMs: number | undefined;
  /** Registry-wide revision of the last change to this service; increases with every change. */
  revision = 0;
  /** Wall-clock time of the last change, for `lastRefTime`-style fields. */
  changedAt = 0;

  constructor(
    readonly namespaceId: string,
    /** Grouped name: `group@@name`. */
    readonly name: string,
  ) {}

  get settings(): ServiceSettings {
    return this.currentSettings;
  }

  set settings(settings: ServiceSettings) {
    this.currentSettings = settings;
    this.defaultBeatIntervalMs = preservedMillis(settings.metadata, PreservedKeys.beatInterval);
  }

  get groupName(): string {
    return groupOf(this.name);
  }

  get bareName(): string {
    return bareName(this.name);
  }

  cluster(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  clusterOrCreate(name: string): { cluster: Cluster; created: boolean } {
    const existing = this.clusters.get(name);
    if (existing) return { cluster: existing, created: false };
    const cluster = new Cluster(name);
    this.clusters.set(name, cluster);
    return { cluster, created: true };
  }

  *instances(): IterableIterator<Instance> {
    for (const cluster of this.clusters.values()) yield* cluster.instances();
  }

  instanceCount(): number {
    let n = 0;
    for (const cluster of this.clusters.values()) n += cluster.size;
    return n;
  }

  healthyCount(): number {
    let n = 0;
    for (const i of this.instances()) if (i.healthy) n++;
    return n;
  }

  /** Protect threshold reached: healthy/total at or below the threshold (Nacos's triggerFlag). */
  protectionReached(): boolean {
    const total = this.instanceCount();
    return total > 0 && this.healthyCount() / total <= this.settings.protectThreshold;
  }
}
