import type { BeatCommand, BeatReply, CheckSharing, Registry } from '@beacon/core';

/**
 * Every change of registry state the application layer makes, by name: the name and its arguments
 * are plain data, so a cluster backend can append them to a change stream and every node can apply
 * the same change to its own in-memory view (docs/cluster.md).
 */
export const MUTATIONS = {
  registerInstance: (r: Registry, cmd: Parameters<Registry['registerInstance']>[0]) => r.registerInstance(cmd),
  updateInstance: (r: Registry, cmd: Parameters<Registry['updateInstance']>[0], strict: boolean) =>
    r.updateInstance(cmd, strict),
  deregisterInstance: (r: Registry, cmd: Parameters<Registry['deregisterInstance']>[0]) => r.deregisterInstance(cmd),
  patchInstance: (r: Registry, cmd: Parameters<Registry['patchInstance']>[0]) => r.patchInstance(cmd),
  setHealthManually: (r: Registry, ...a: Parameters<Registry['setHealthManually']>) => r.setHealthManually(...a),
  setCheckedHealth: (r: Registry, ...a: Parameters<Registry['setCheckedHealth']>) => r.setCheckedHealth(...a),
  editInstanceMetadata: (r: Registry, ...a: Parameters<Registry['editInstanceMetadata']>) =>
    r.editInstanceMetadata(...a),
  editInstance: (r: Registry, ...a: Parameters<Registry['editInstance']>) => r.editInstance(...a),
  batchMetadata: (r: Registry, ...a: Parameters<Registry['batchMetadata']>) => r.batchMetadata(...a),
  putNamespace: (r: Registry, ...a: Parameters<Registry['putNamespace']>) => r.putNamespace(...a),
  deleteNamespace: (r: Registry, ...a: Parameters<Registry['deleteNamespace']>) => r.deleteNamespace(...a),
  createService: (r: Registry, ...a: Parameters<Registry['createService']>) => r.createService(...a),
  updateService: (r: Registry, ...a: Parameters<Registry['updateService']>) => r.updateService(...a),
  deleteService: (r: Registry, ...a: Parameters<Registry['deleteService']>) => r.deleteService(...a),
  updateCluster: (r: Registry, ...a: Parameters<Registry['updateCluster']>) => r.updateCluster(...a),
  updateSwitches: (r: Registry, ...a: Parameters<Registry['updateSwitches']>) => r.updateSwitches(...a),
} as const;

type Mutations = typeof MUTATIONS;
export type MutationKind = keyof Mutations;
type Tail<T> = T extends [unknown, ...infer Rest] ? Rest : never;
export type MutationArgs<K extends MutationKind> = Tail<Parameters<Mutations[K]>>;
export type MutationResult<K extends MutationKind> = ReturnType<Mutations[K]>;

/** One mutation as data: what the change stream carries. */
export interface Mutation<K extends MutationKind = MutationKind> {
  readonly kind: K;
  readonly args: MutationArgs<K>;
}

/** Applies a mutation to a registry (the embedded registry, or a node's view of the cluster). */
export function applyMutation<K extends MutationKind>(registry: Registry, mutation: Mutation<K>): MutationResult<K> {
  const apply = MUTATIONS[mutation.kind] as unknown as (r: Registry, ...args: MutationArgs<K>) => MutationResult<K>;
  return apply(registry, ...mutation.args);
}

/**
 * Where registry state lives: the application services read the local `registry` (always in
 * memory, so reads and pushes stay local) and change state only through `apply`, which resolves
 * once the change is as durable as its kind requires. The heartbeat does not go through `apply`:
 * `beats.beat` is a synchronous call, the hot path of both adapters.
 *
 * - embedded: the registry with SQLite behind core's synchronous Store; `apply` is the call itself.
 * - cluster:  the registry is a view fed by the shared change stream; `apply` writes PostgreSQL or
 *             Redis first (src/cluster/).
 */
export interface StateBackend {
  readonly registry: Registry;
  apply<K extends MutationKind>(kind: K, ...args: MutationArgs<K>): Promise<MutationResult<K>>;
  /** The heartbeat: core's BeatProcessor in both modes (a cluster gives it a BeatPort), a synchronous call. */
  readonly beats: BeatHandler;
  /**
   * In a cluster, this node's id: instances its gRPC connections hold carry it, so that every node
   * knows whose they are (connection-registrations.ts). Absent in embedded mode.
   */
  readonly node?: string;
  /**
   * In a cluster: the cluster deleted an instance a connection of this node still holds (the node
   * was taken for dead); the listener gets that connection-held id (`<node>/<connection>`).
   */
  onHeldLost?(listener: (connectionId: string) => void): void;
  /**
   * In a cluster: which connection-held ids (`<node>/<connection>`) of this node still have their
   * connection open. A node taken for dead while it lived (a pause) writes those back healthy.
   */
  trackHeldConnections?(isOpen: (connectionId: string) => boolean): void;
  /** In a cluster: the live nodes, as they announce themselves (each its id and advertised `host:port`). */
  members?(): Promise<ClusterMember[]>;
  /**
   * In a cluster: change stream entries this node skipped, by what they were (a kind or format
   * version of a newer node, during a rolling upgrade), for the metrics.
   */
  skippedStreamEntries?(): ReadonlyMap<string, number>;
  /** A backend shared by several nodes (cluster) says which active checks this node runs, and shares their results. */
  readonly checks?: CheckSharing;
  /** A backend with its own expiry and connections (cluster) starts and closes them here. */
  start?(): void;
  close?(): Promise<void>;
}

export interface ClusterMember {
  readonly node: string;
  readonly address: string;
  readonly self: boolean;
}

export interface BeatHandler {
  beat(cmd: BeatCommand): BeatReply;
}

/** Injection token of the state backend. */
export const STATE_BACKEND = Symbol('StateBackend');

/** Today's single node: the registry (with SQLite behind it) is the state; nothing is awaited. */
export class EmbeddedStateBackend implements StateBackend {
  constructor(
    readonly registry: Registry,
    readonly beats: BeatHandler,
  ) {}

  /** The call itself: a refused mutation rejects with the registry's error, as the call threw it. */
  apply<K extends MutationKind>(kind: K, ...args: MutationArgs<K>): Promise<MutationResult<K>> {
    try {
      return Promise.resolve(applyMutation(this.registry, { kind, args }));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
