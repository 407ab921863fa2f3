import { EMPTY_METADATA, type Metadata } from '../metadata.js';
import { TCP_CHECKER, type HealthChecker } from './health-checker.js';
import type { Instance } from './instance.js';

export interface ClusterSettings {
  healthChecker: HealthChecker;
  defaultPort: number;
  defaultCheckPort: number;
  useIPPort4Check: boolean;
  metadata: Metadata;
}

export function defaultClusterSettings(): ClusterSettings {
  return {
    healthChecker: TCP_CHECKER,
    defaultPort: 80,
    defaultCheckPort: 80,
    useIPPort4Check: true,
    metadata: EMPTY_METADATA,
  };
}

/** Ephemeral and persistent instances are kept apart, as Nacos does (AP vs CP data). */
export class Cluster {
  readonly ephemeral = new Map<string, Instance>();
  readonly persistent = new Map<string, Instance>();
  settings: ClusterSettings = defaultClusterSettings();

  constructor(readonly name: string) {}

  get size(): number {
    return this.ephemeral.size + this.persistent.size;
  }

  /** The map an instance of this kind lives in: the one place that chooses between the two. */
  instancesOf(ephemeral: boolean): Map<string, Instance> {
    return ephemeral ? this.ephemeral : this.persistent;
  }

  /** An instance by `ip:port`, whichever kind it is. */
  find(key: string): Instance | undefined {
    return this.ephemeral.get(key) ?? this.persistent.get(key);
  }

  instances(): IterableIterator<Instance> {
    return chain(this.ephemeral.values(), this.persistent.values());
  }
}

function* chain<T>(a: Iterable<T>, b: Iterable<T>): IterableIterator<T> {
  yield* a;
  yield* b;
}
