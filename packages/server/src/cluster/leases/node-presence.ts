import { Ticker, type Clock, type Instance, type Registry } from '@beacon/core';
import type { ClusterMember } from '../../application/state-backend.js';
import { holdingNodeOf } from '../../application/held-connection-id.js';
import {
  CHANGE_STREAM,
  instanceScriptKeys,
  memberOf,
  nodeKey,
  SHARDS,
  shardKeys,
  shardOf,
  STREAM_BUDGET,
} from '../engines/redis-layout.js';
import type { ScriptedRedis } from '../engines/redis-scripts.js';

/** A node's key outlives its last renewal by this much: its instances are marked unhealthy within it (plus a tick). */
export const NODE_TTL_MS = 3000;

/**
 * Connection-held (gRPC) instances belong to the node holding the connection (ADR 0019). Instead of
 * a beat per instance, the node renews one key, beacon:node:<id>, every tick. Redis keeps no beat
 * deadline for these instances; the holder of a shard's expiry lease looks after them once their
 * node's key is gone (DROP_NODE), in two steps, because a node whose key lapsed may only be paused
 * (GC, VM freeze, SIGSTOP) while its clients are fine:
 *
 * 1. at once (within NODE_TTL_MS plus a tick of a kill -9 or a pause): they are marked unhealthy,
 *    so subscribers stop picking them;
 * 2. after `graceMs` (BEACON_CLUSTER_NODE_GRACE_MS): they are deleted.
 *
 * A node that lives again finds its key had lapsed when it renews it, and at once writes the
 * instances of its still open connections back healthy (HEAL_NODE); those already deleted come
 * back as their clients register again (`expired` resets the connection). A client that moved to
 * another node meanwhile registered there, which makes that node the holder. A node that stops
 * cleanly notes so, and deletes its key: what its connections left goes at once.
 *
 * After the connection to Redis comes back, nothing is marked or deleted for one key lifetime:
 * every live node renews its key on reconnecting, and a key may have lapsed only because Redis was away.
 */
export class NodePresence {
  private readonly ticker: Ticker;
  private holdUntil = 0;
  private disconnected = false;
  private running = false;
  private readonly lostListeners: ((connectionId: string) => void)[] = [];
  /** Which of this node's held connections are open (the gRPC face says; none until it does). */
  private isOpen: (connectionId: string) => boolean = () => false;
  /** The key had lapsed when last renewed: the instances still held are to be written back healthy. */
  private healPending = false;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly registry: Registry,
    private readonly node: string,
    /** The shards whose expiry lease this node holds (ExpiryLeases.held). */
    private readonly leased: ReadonlySet<number>,
    private readonly tickMs: number,
    private readonly report: (error: unknown) => void,
    /** How long a dead node's instances stay (unhealthy) before they are deleted. */
    private readonly graceMs: number,
    /** `host:port` the node serves HTTP at; the key's value, for the member list. */
    private readonly address = '',
  ) {
    this.ticker = new Ticker(this.clock, tickMs, () => void this.tick());
  }

  private get clock(): Clock {
    return this.registry.clock;
  }

  /**
   * Says this node is alive (and where it serves); done once before the node serves, then every
   * tick. A key that had lapsed meanwhile means other nodes may have taken this one for dead.
   */
  async renew(): Promise<void> {
    const had = await this.redis.beaconRenew(
      nodeKey(this.node),
      JSON.stringify({ address: this.address }),
      NODE_TTL_MS,
    );
    if (had === 0) this.healPending = true;
  }

  /** Says which of this node's held connections (`<node>/<connection>`) are still open. */
  trackOpen(isOpen: (connectionId: string) => boolean): void {
    this.isOpen = isOpen;
  }

  /**
   * The live nodes, from their keys (a node that stopped renewing is gone within NODE_TTL_MS). A
   * key written by an older node holds `1`: listed with no address.
   */
  async members(): Promise<ClusterMember[]> {
    const prefix = nodeKey('');
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return keys
      .map((key, i) => ({ node: key.slice(prefix.length), address: addressIn(values[i]) }))
      .filter((m, i) => values[i] !== null && m.node !== '')
      .map((m) => ({ ...m, self: m.node === this.node }))
      .sort((a, b) => a.address.localeCompare(b.address) || a.node.localeCompare(b.node));
  }

  start(): void {
    this.redis.on('close', () => (this.disconnected = true));
    this.redis.on('ready', () => {
      this.disconnected = false;
      this.holdUntil = this.clock.now() + NODE_TTL_MS + this.tickMs;
      this.renew().catch(this.report);
    });
    this.ticker.start();
  }

  /** A clean stop: the key goes, and the next lease holder deletes whatever this node still holds, without a grace. */
  async stop(): Promise<void> {
    this.ticker.stop();
    await Promise.all(
      Array.from({ length: SHARDS }, (_, s) =>
        this.redis.beaconStopped(shardKeys(s).holders, shardKeys(s).dead, this.node).catch(() => 0),
      ),
    );
    await this.redis.del(nodeKey(this.node)).catch(() => 0);
  }

  /** Called with the connection id of each instance of this node's that the cluster deleted. */
  onLost(listener: (connectionId: string) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * The stream says an instance expired. When this node holds it, its key lapsed while the node
   * lives (cut off from Redis for longer than NODE_TTL_MS) and another node deleted it: the
   * connection still thinks it is registered, so the listeners reset it and the client registers
   * again.
   */
  expired(instance: Instance): void {
    const held = instance.connectionId;
    if (held === undefined || holdingNodeOf(held) !== this.node) return;
    for (const listener of this.lostListeners) listener(held);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.renew();
      if (this.healPending) await this.healOwn();
      if (this.disconnected || this.clock.now() < this.holdUntil) return;
      await this.dropDeadHolders();
    } catch (error) {
      this.report(error);
    } finally {
      this.running = false;
    }
  }

  /**
   * This node was taken for dead: the instances of its open connections that were marked unhealthy
   * meanwhile are healthy again, straight in Redis (the view may not have read the marks yet).
   */
  private async healOwn(): Promise<void> {
    const byShard = new Map<number, string[]>();
    for (const namespaceId of this.registry.namespaceIds()) {
      for (const service of this.registry.services(namespaceId)) {
        for (const instance of service.instances()) {
          const held = instance.connectionId;
          if (held === undefined || holdingNodeOf(held) !== this.node || !this.isOpen(held)) continue;
          const shard = shardOf(namespaceId, service.name);
          byShard.set(shard, [...(byShard.get(shard) ?? []), memberOf(instance.address)]);
        }
      }
    }
    const healed = await Promise.all(
      Array.from({ length: SHARDS }, (_, s) => {
        const k = shardKeys(s);
        return this.redis.beaconHealNode(
          k.meta,
          CHANGE_STREAM,
          k.owner,
          nodeKey(this.node),
          k.dead,
          this.node,
          STREAM_BUDGET.length(),
          ...(byShard.get(s) ?? []),
        );
      }),
    );
    // -1: the key lapsed again before the script ran; the next tick renews it and tries again.
    if (healed.every((n) => n >= 0)) this.healPending = false;
  }

  /**
   * In the shards this node runs expiry for: the instances of nodes whose key is gone, marked
   * unhealthy at first and deleted after the grace (DROP_NODE).
   */
  private async dropDeadHolders(): Promise<void> {
    const shards = [...this.leased];
    const holders = await Promise.all(shards.map((s) => this.redis.smembers(shardKeys(s).holders)));
    const others = [...new Set(holders.flat())].filter((n) => n !== this.node);
    if (others.length === 0) return;
    const alive = await Promise.all(others.map((n) => this.redis.exists(nodeKey(n))));
    const dead = new Set(others.filter((_, i) => alive[i] === 0));
    if (dead.size === 0) return;
    await Promise.all(
      shards.flatMap((s, i) =>
        holders[i]!.filter((n) => dead.has(n)).map((n) => {
          const k = shardKeys(s);
          return this.redis.beaconDropNode(
            ...instanceScriptKeys(k),
            k.holders,
            nodeKey(n),
            k.dead,
            n,
            STREAM_BUDGET.length(),
            this.clock.now(),
            this.graceMs,
          );
        }),
      ),
    );
  }
}

/** The node whose connection holds the instance, or '' for one that beats (as Redis stores it). */
export function holderOf(instance: Instance): string {
  return holdingNodeOf(instance.connectionId) ?? '';
}

function addressIn(value: string | null | undefined): string {
  try {
    const parsed = JSON.parse(value ?? '') as { address?: unknown };
    return typeof parsed.address === 'string' ? parsed.address : '';
  } catch {
    return '';
  }
}
