import type { Instance, InstanceAddress } from '@beacon/core';
import { streamMaxBytesVar, streamMaxLenVar } from '../../config/cluster-config.js';
import { StreamBudget } from '../stream/stream-budget.js';

/**
 * Where ephemeral state lives in Redis. Instances are split into shards by service (the `{n}` hash
 * tag keeps a shard's keys in one Redis Cluster slot); each shard has
 *   beacon:{n}:inst   HASH  member -> the registration (JSON), for nodes that start later
 *   beacon:{n}:meta   HASH  member -> "timeout,deleteTimeout,healthy,marked,lastBeat"
 *   beacon:{n}:due    ZSET  member -> the instance's next expiry deadline (ms)
 *   beacon:{n}:lease  STRING the node that runs this shard's expiry (SET NX PX)
 *   beacon:{n}:owner  HASH  member -> the node holding its gRPC connection (connection-held only)
 *   beacon:{n}:holders SET  the nodes that have held connection-held instances of the shard
 *   beacon:{n}:dead   HASH  holder node -> since when its key is gone (ms; 0: it stopped cleanly):
 *                            its instances are unhealthy, and deleted after the grace (node-presence.ts)
 *   beacon:{n}:checks HASH  member -> the last check record of a persistent instance (JSON),
 *                            written by the shard's lease holder, read by the others (check-records.ts)
 * and every change goes to one bounded stream, beacon:changes, that every node tails. Each node
 * keeps beacon:node:<id> (SET PX) while it lives: its connection-held instances live as long
 * (node-presence.ts).
 */
export const SHARDS = 16;
export const CHANGE_STREAM = 'beacon:changes';
/**
 * About this many changes are kept, and about this many bytes of them: a node further behind than
 * that reloads its view (docs/cluster.md). Every XADD passes `STREAM_BUDGET.length()` as its MAXLEN.
 */
export const STREAM_BUDGET = new StreamBudget(streamMaxLenVar(process.env), streamMaxBytesVar(process.env));

export interface ShardKeys {
  readonly inst: string;
  readonly meta: string;
  readonly due: string;
  readonly lease: string;
  readonly owner: string;
  readonly holders: string;
  readonly dead: string;
  readonly checks: string;
}

const KEYS: readonly ShardKeys[] = Array.from({ length: SHARDS }, (_, n) => ({
  inst: `beacon:{${n}}:inst`,
  meta: `beacon:{${n}}:meta`,
  due: `beacon:{${n}}:due`,
  lease: `beacon:{${n}}:lease`,
  owner: `beacon:{${n}}:owner`,
  holders: `beacon:{${n}}:holders`,
  dead: `beacon:{${n}}:dead`,
  checks: `beacon:{${n}}:checks`,
}));

/** The key a live node renews: while it exists, the node's connection-held instances live. */
export function nodeKey(node: string): string {
  return `beacon:node:${node}`;
}

export function shardKeys(shard: number): ShardKeys {
  return KEYS[shard]!;
}

/**
 * The keys every instance script takes first, in this order (redis-scripts.ts): the shard's
 * instances, timings, deadlines, the change stream, the owners of connection-held instances.
 */
export type InstanceScriptKeys = [inst: string, meta: string, due: string, stream: string, owner: string];

export function instanceScriptKeys(k: ShardKeys): InstanceScriptKeys {
  return [k.inst, k.meta, k.due, CHANGE_STREAM, k.owner];
}

/** The shard of a service: every instance of a service lives in one shard. */
export function shardOf(namespaceId: string, serviceName: string): number {
  let h = 0;
  for (const s of [namespaceId, serviceName]) {
    for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
    h = Math.imul(h, 31) | 0;
  }
  return (h >>> 0) % SHARDS;
}

/** The member string of an instance in the shard's hashes and sorted set. */
export function memberOf(a: InstanceAddress): string {
  return JSON.stringify([a.namespaceId, a.serviceName, a.clusterName, a.ip, a.port]);
}

export function addressOf(member: string): InstanceAddress {
  const [namespaceId, serviceName, clusterName, ip, port] = JSON.parse(member) as [
    string,
    string,
    string,
    string,
    number,
  ];
  return { namespaceId, serviceName, clusterName, ip, port };
}

/** The meta value of an instance as the view knows it, with `lastBeat` as given. */
export function metaOf(instance: Instance, lastBeat: number): string {
  const { timeoutMs, deleteTimeoutMs } = instance.timings;
  return `${timeoutMs},${deleteTimeoutMs},${instance.healthy ? 1 : 0},${instance.marked ? 1 : 0},${lastBeat}`;
}

/** The registration of an ephemeral instance as it is kept for nodes that start later. */
export interface StoredRegistration extends InstanceAddress {
  readonly weight: number;
  readonly enabled: boolean;
  readonly healthy: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly app: string;
  /** Held by a gRPC connection: `<node>/<connection>` (see connection-registrations.ts). */
  readonly connectionId?: string;
}

export function registrationOf(instance: Instance): StoredRegistration {
  return {
    ...instance.address,
    weight: instance.weight,
    enabled: instance.enabled,
    healthy: instance.healthy,
    metadata: instance.registeredMetadata,
    app: instance.app,
    ...(instance.connectionId === undefined ? {} : { connectionId: instance.connectionId }),
  };
}
