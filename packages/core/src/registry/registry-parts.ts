import type { Clock } from '../clock.js';
import type { Limits } from '../limits.js';
import type { NamespaceRecord, Store } from '../store.js';
import type { ChangeFeed } from './change-feed.js';
import type { InstanceOverrides } from './instance-overrides.js';
import type { InstanceSync } from './instance-sync.js';
import type { NamespaceTree } from './namespace-tree.js';

/** What the registry's collaborators share: the ports, the tree, the change feed and the overrides. */
export interface RegistryParts {
  readonly clock: Clock;
  readonly store: Store;
  readonly limits: Limits;
  readonly tree: NamespaceTree;
  /** The namespaces as records (not public): named ones, and those a first service created. */
  readonly namespaceRecords: Map<string, NamespaceRecord>;
  readonly feed: ChangeFeed;
  readonly overrides: InstanceOverrides;
  readonly sync: InstanceSync;
}
