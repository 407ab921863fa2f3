import type { Clock, TimerHandle } from '@beacon/core';
import { CHANGE_STREAM, SHARDS, shardKeys, STREAM_BUDGET } from '../engines/redis-layout.js';
import type { ScriptedRedis } from '../engines/redis-scripts.js';

/** How long beats gather before they go to Redis together. */
export const BEAT_FLUSH_MS = 5;

/**
 * Gathers the beats a node answers and writes them to Redis every few milliseconds, one Lua call
 * per shard, instead of one call per beat: a beat then costs the node a map write. A beat is not
 * acknowledged state (the next one, an interval later, carries the same news), so what a crash
 * loses from the last few milliseconds costs nothing; registrations are never batched.
 */
export class BeatBatcher {
  private readonly pending: Map<string, number>[] = Array.from({ length: SHARDS }, () => new Map<string, number>());
  private timer: TimerHandle | undefined;

  constructor(
    private readonly redis: ScriptedRedis,
    /** Members Redis did not know: it lost its data, and the node puts them back. */
    private readonly unknown: (member: string) => void,
    private readonly report: (error: unknown) => void,
    private readonly clock: Clock,
  ) {}

  record(shard: number, member: string, now: number): void {
    this.pending[shard]!.set(member, now);
    this.timer ??= this.clock.setTimeout(() => this.flush(), BEAT_FLUSH_MS);
  }

  flush(): void {
    this.timer = undefined;
    for (let shard = 0; shard < SHARDS; shard++) {
      const beats = this.pending[shard]!;
      if (beats.size === 0) continue;
      const args: (string | number)[] = [];
      for (const [member, at] of beats) args.push(member, at);
      beats.clear();
      const k = shardKeys(shard);
      this.redis
        .beaconBeats(k.meta, k.due, CHANGE_STREAM, STREAM_BUDGET.length(), ...args)
        .then((unknown) => unknown.forEach(this.unknown), this.report);
    }
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.flush();
  }
}
