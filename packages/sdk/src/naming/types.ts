// The client's view of the Nacos 1.x wire shapes. The server declares the same shapes in
// packages/server/src/nacos/responses.ts; the SDK keeps its own copy because it is published with no
// dependency on the server (docs/nacos-protocol.md §2.2 is the one description of both).
export type Metadata = Record<string, string>;

/** An instance as the registry reports it (the host of a Nacos ServiceInfo). */
export interface Instance {
  readonly instanceId: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  /** The health the server reports, after its protect threshold (see the Nacos docs). */
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  /** Grouped name, `group@@name`. */
  readonly serviceName: string;
  readonly metadata: Readonly<Metadata>;
}

/** What an application registers. Defaults as in Nacos: weight 1, healthy, enabled, ephemeral, cluster DEFAULT. */
export interface InstanceInput {
  ip: string;
  port: number;
  weight?: number;
  healthy?: boolean;
  enabled?: boolean;
  /** Ephemeral instances are kept alive by beats; persistent ones by the server's active checks. */
  ephemeral?: boolean;
  clusterName?: string;
  /**
   * Free-form labels. `preserved.heart.beat.interval` / `.timeout` and `preserved.ip.delete.timeout`
   * (milliseconds, digits only) set this instance's beat timings.
   */
  metadata?: Metadata;
}

/** Identifies a registered instance. */
export interface InstanceAddress {
  ip: string;
  port: number;
  clusterName?: string;
  ephemeral?: boolean;
}

export interface GroupOption {
  /** Defaults to `DEFAULT_GROUP`; ignored when the service name is already grouped (`group@@name`). */
  groupName?: string;
}

export interface QueryOptions extends GroupOption {
  /** Cluster names; all clusters when empty or omitted. */
  clusters?: readonly string[];
  /**
   * true (default): answer from the local cache, which the client keeps up to date (watch stream,
   * polling, UDP push) and which keeps answering while every server is down.
   * false: ask a server now (falling back to the cache only if every server fails).
   */
  subscribe?: boolean;
}

export interface SelectOptions extends QueryOptions {
  /** Select healthy (default) or unhealthy instances; only enabled instances with weight > 0 either way. */
  healthy?: boolean;
}

/** What a subscription listener receives: the whole list and how it differs from the previous one. */
export interface ServiceChangeEvent {
  /** Grouped name, `group@@name`. */
  readonly serviceName: string;
  readonly groupName: string;
  readonly clusters: readonly string[];
  readonly instances: readonly Instance[];
  readonly added: readonly Instance[];
  readonly removed: readonly Instance[];
  /** The new versions of instances whose weight, health, enabled flag or metadata changed. */
  readonly modified: readonly Instance[];
  /** Where the list came from. */
  readonly source: UpdateSource;
}

export type UpdateSource = 'query' | 'poll' | 'watch' | 'push' | 'snapshot';

export type ServiceListener = (event: ServiceChangeEvent) => void;

export type ServerStatus = 'UP' | 'DOWN';
