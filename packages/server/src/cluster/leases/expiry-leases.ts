import { DEFAULT_BEAT_TIMEOUT_MS, Ticker, type Registry } from '@beacon/core';
import { CHANGE_STREAM, SHARDS, shardKeys, STREAM_BUDGET } from '../engines/redis-layout.js';
import type { ScriptedRedis } from '../engines/redis-scripts.js';

/** A lease outlives its holder by this much: another node takes the shard over within it. */
export const LEASE_TTL_MS = 3000;
/**
 * A lease round longer than this means Redis stalled (frozen, not disconnected): the beats other
 * nodes sent meanwhile may reach Redis after this node's next expiry call, so it holds as after an outage.
 */
const STALL_MS = 1000;
/** Deadlines one script call processes at most, so that Redis is never blocked for long. */
const BATCH = 500;

/**
 * Runs expiry for the shards whose lease this node holds, every tick. Leases are Redis keys with
 * an expiry (SET NX PX), renewed each tick; when the holder dies its leases lapse and the next node
 * to tick takes them. The transitions themselves are Lua (redis-scripts.ts), so a shard briefly run
 * by two nodes still changes each instance once.
 *
 * A Redis outage, or a stall (a lease round that took over a second), is treated like a process
 * pause: beats could not be recorded while it lasted, or reach Redis after this node's next expiry
 * call, so after it nothing is marked unhealthy or deleted for one beat timeout (clients beat again first).
 */
export class ExpiryLeases {
  private holdUntil = 0;
  /** Set from the moment the connection drops until the node has looked at what came back. */
  private disconnected = false;
  private running = false;
  /** The shards this node holds: it also runs their active checks (leased-health-checks.ts). */
  readonly held = new Set<number>();
  private readonly ticker: Ticker;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly registry: Registry,
    private readonly node: string,
    tickMs: number,
    private readonly report: (error: unknown) => void,
  ) {
    this.ticker = new Ticker(registry.clock, tickMs, () => void this.tick());
  }

  start(): void {
    this.ticker.start();
  }

  async stop(): Promise<void> {
    this.ticker.stop();
    await Promise.all(
      [...this.held].map((s) => this.redis.beaconRelease(shardKeys(s).lease, this.node).catch(() => 0)),
    );
    this.held.clear();
  }

  /** The connection to Redis dropped: nothing expires until `resume` says what came back. */
  suspend(): void {
    this.disconnected = true;
  }

  /**
   * Redis answers again. With its data (`outage`), beats were lost while it was away: hold for one
   * beat timeout. Without (it came back empty and the views refilled it with fresh beats): go on.
   */
  resume(outage: boolean, now = this.registry.clock.now()): void {
    if (outage) this.holdFrom(now);
    this.disconnected = false;
  }

  /** No transitions for one beat timeout from `now`: clients beat again first. */
  private holdFrom(now: number): void {
    this.holdUntil = Math.max(this.holdUntil, now + DEFAULT_BEAT_TIMEOUT_MS);
  }

  private async tick(): Promise<void> {
    if (this.running) return; // the previous tick is still waiting on Redis
    this.running = true;
    const startedAt = this.registry.clock.now();
    try {
      const owned = await Promise.all(
        Array.from({ length: SHARDS }, (_, s) => this.redis.beaconLease(shardKeys(s).lease, this.node, LEASE_TTL_MS)),
      );
      this.held.clear();
      owned.forEach((got, s) => got === 1 && this.held.add(s));
      const now = this.registry.clock.now();
      if (now - startedAt > STALL_MS) this.holdFrom(now);
      const switches = this.registry.switches;
      if (this.disconnected || now < this.holdUntil || !switches.healthCheckEnabled) return;
      const deleteEnabled = switches.expireInstance ? '1' : '0';
      await Promise.all(
        [...this.held].map(async (s) => {
          const k = shardKeys(s);
          while (
            (await this.redis.beaconExpire(
              k.inst,
              k.meta,
              k.due,
              CHANGE_STREAM,
              now,
              BATCH,
              STREAM_BUDGET.length(),
              deleteEnabled,
            )) >= BATCH
          ) {
            // a full batch: there may be more due
          }
        }),
      );
    } catch (error) {
      this.report(error);
    } finally {
      this.running = false;
    }
  }
}
