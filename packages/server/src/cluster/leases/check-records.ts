import { Ticker, type CheckRecord, type Clock, type Instance, type InstanceTracker, type Registry } from '@beacon/core';
import type { Redis } from 'ioredis';
import { memberOf, SHARDS, shardKeys, shardOf } from '../engines/redis-layout.js';
import { reasonOf } from '../../net/error-reason.js';
import { atMostEveryFewSeconds } from '../../net/paced-log.js';

/** How often records are written and read: a record another node shows is at most about two of these old. */
export const CHECK_RECORDS_TICK_MS = 1000;

/**
 * The last check record of each persistent instance (`instance.lastCheck`: time, outcome, failure
 * reason), seen by every node's API and console although only the shard's lease holder probes
 * (leased-health-checks.ts). Records change at every check, every 1 to 5 s per instance, so they
 * stay off the change stream and PostgreSQL: once a tick, the holder writes each of its shards
 * whose records changed to `beacon:{n}:checks`, whole (DEL + HSET in one MULTI), and every other
 * node reads the shards it has persistent instances in (HGETALL) into its view.
 *
 * Writing a shard whole rather than the changed records alone costs about the same (most records
 * changed since the last tick anyway) and needs no bookkeeping: a gone instance, or whatever a
 * previous holder left, is simply not in the next write. A shard is also written when it was just
 * taken over, or lost an instance. Redis down: the writes are retried at the next tick, the views
 * keep the records they have.
 */
export class SharedCheckRecords implements InstanceTracker {
  /** The view's persistent instances by shard, with their member string. */
  private readonly persistent = Array.from({ length: SHARDS }, () => new Map<Instance, string>());
  /** The record last written for each instance this node probes. */
  private readonly written = new WeakMap<Instance, CheckRecord>();
  /** Held shards to write even if no record changed: just taken over, an instance left, a write failed. */
  private readonly dirty = new Set<number>();
  private heldAtLastTick = new Set<number>();
  private readonly ticker: Ticker;
  private readonly clock: Clock;
  private running = false;
  /** A failing Redis is reported every few seconds, not every tick. */
  private readonly warn = atMostEveryFewSeconds(
    (message) => this.report(message),
    () => this.clock.now(),
  );

  constructor(
    private readonly redis: Redis,
    registry: Registry,
    private readonly held: ReadonlySet<number>,
    private readonly report: (message: string) => void,
  ) {
    registry.addTracker(this);
    this.clock = registry.clock;
    this.ticker = new Ticker(registry.clock, CHECK_RECORDS_TICK_MS, () => void this.tick());
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
  }

  track(instance: Instance): void {
    if (instance.ephemeral) return;
    const shard = this.persistent[shardOfInstance(instance)]!;
    if (!shard.has(instance)) shard.set(instance, memberOf(instance.address));
  }

  untrack(instance: Instance): void {
    if (instance.ephemeral) return;
    const s = shardOfInstance(instance);
    if (this.persistent[s]!.delete(instance) && this.held.has(s)) this.dirty.add(s);
  }

  /** One round: write the held shards' records, read the others'. Public for tests. */
  async tick(): Promise<void> {
    if (this.running) return; // the previous round is still waiting on Redis
    this.running = true;
    try {
      const held = new Set(this.held);
      for (const s of held) if (!this.heldAtLastTick.has(s)) this.dirty.add(s);
      this.heldAtLastTick = held;
      const rounds: Promise<void>[] = [];
      for (let s = 0; s < SHARDS; s++) {
        if (held.has(s)) {
          if (this.dirty.has(s) || this.changedIn(s)) rounds.push(this.write(s));
        } else if (this.persistent[s]!.size > 0) rounds.push(this.read(s));
      }
      const failed = (await Promise.allSettled(rounds)).find((r) => r.status === 'rejected');
      if (failed) this.reportFailure(failed.reason);
    } finally {
      this.running = false;
    }
  }

  private changedIn(s: number): boolean {
    for (const instance of this.persistent[s]!.keys()) {
      if (instance.lastCheck !== this.written.get(instance)) return true;
    }
    return false;
  }

  private async write(s: number): Promise<void> {
    const fields: Record<string, string> = {};
    const records: [Instance, CheckRecord][] = [];
    for (const [instance, member] of this.persistent[s]!) {
      const record = instance.lastCheck;
      if (record === undefined) continue;
      fields[member] = JSON.stringify(record);
      records.push([instance, record]);
    }
    this.dirty.delete(s);
    const key = shardKeys(s).checks;
    const transaction = this.redis.multi().del(key);
    if (records.length > 0) transaction.hset(key, fields);
    try {
      await transaction.exec();
    } catch (error) {
      this.dirty.add(s);
      throw error;
    }
    for (const [instance, record] of records) this.written.set(instance, record);
  }

  /** Another node's records into this view; the newer record wins (this node may have probed last). */
  private async read(s: number): Promise<void> {
    const stored = await this.redis.hgetall(shardKeys(s).checks);
    for (const [instance, member] of this.persistent[s]!) {
      const json = stored[member];
      if (json === undefined) continue;
      const record = JSON.parse(json) as CheckRecord;
      if (instance.lastCheck === undefined || record.at > instance.lastCheck.at) instance.lastCheck = record;
    }
  }

  private reportFailure(error: unknown): void {
    this.warn(`check records are not shared, retrying: ${reasonOf(error)}`);
  }
}

function shardOfInstance(instance: Instance): number {
  return shardOf(instance.service.namespaceId, instance.service.name);
}
