import { Ticker, type Clock, type Instance } from '@beacon/core';
import type { ClusterMember } from '../../application/state-backend.js';
import { holdingNodeOf } from '../../application/held-connection-id.js';
import { instanceScriptKeys, nodeKey, shardKeys, STREAM_BUDGET } from '../engines/redis-layout.js';
import type { ScriptedRedis } from '../engines/redis-scripts.js';

/** A node's key outlives its last renewal by this much: its instances go within it (plus a tick). */
export const NODE_TTL_MS = 3000;

/**
 * Connection-held (gRPC) instances belong to the node holding the connection (ADR 0019). Instead of
 * a beat per instance, the node renews one key, beacon:node:<id>, every tick. Redis keeps no beat
 * deadline for these instances; the holder of a shard's expiry lease deletes them in one pass
 * (DROP_NODE, appended to the stream) once their node's key is gone, that is within NODE_TTL_MS of
 * a kill -9. A node that closes cleanly deletes its key, so what its connections left goes at once.
 *
 * After the connection to Redis comes back, nothing is deleted for one key lifetime: every live
 * node renews its key on reconnecting, and a key may have lapsed only because Redis was away.
 */
export class NodePresence {
  private readonly ticker: Ticker;
  private holdUntil = 0;
  private disconnected = false;
  private running = false;
  private readonly lostListeners: ((connectionId: string) => void)[] = [];

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly node: string,
    /** The shards whose expiry lease this node holds (ExpiryLeases.held). */
    private readonly leased: ReadonlySet<number>,
    private readonly tickMs: number,
    private readonly report: (error: unknown) => void,
    private readonly clock: Clock,
    /** `host:port` the node serves HTTP at; the key's value, for the member list. */
    private readonly address = '',
  ) {
    this.ticker = new Ticker(clock, tickMs, () => void this.tick());
  }

  /** Says this node is alive (and where it serves); done once before the node serves, then every tick. */
  async renew(): Promise<void> {
    await this.redis.set(nodeKey(this.node), JSON.stringify({ address: this.address }), 'PX', NODE_TTL_MS);
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

  /** A clean stop: the key goes, so the next lease holder deletes whatever this node still holds. */
  async stop(): Promise<void> {
    this.ticker.stop();
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
      if (this.disconnected || this.clock.now() < this.holdUntil) return;
      await this.dropDeadHolders();
    } catch (error) {
      this.report(error);
    } finally {
      this.running = false;
    }
  }

  /** In the shards this node runs expiry for: the instances of nodes whose key is gone. */
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
          return this.redis.beaconDropNode(...instanceScriptKeys(k), k.holders, nodeKey(n), n, STREAM_BUDGET.length());
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
