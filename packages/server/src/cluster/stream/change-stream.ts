import type { Clock } from '@beacon/core';
import type { Redis } from 'ioredis';
import { CHANGE_STREAM, STREAM_BUDGET } from '../engines/redis-layout.js';

/** Entries read per XREAD. */
const READ_COUNT = 1000;

/** How long the tail waits after a failed read before it reads again. */
export const RETRY_READ_MS = 200;

/** One entry of the change stream: its id, the node that wrote it, and its fields by name (stream-format.ts). */
export interface StreamEntry {
  readonly id: string;
  readonly origin: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Tails the change stream with XREAD BLOCK on its own connection and hands every entry, in order,
 * to `apply`. `caughtUp()` resolves once every entry appended before the call has been applied.
 *
 * A node further behind than the stream keeps (a long pause, a partition) would skip what was
 * trimmed: when the oldest entry left is after the position it read from, the tail stops, tells
 * `behind`, and waits for `resetTo` (the view reloaded from the engines, view-reconciler.ts).
 */
export class ChangeStreamTail {
  private lastId: string;
  private running = false;
  /** Bumped by every pause and reset: a read issued before it is dropped. */
  private generation = 0;
  private paused = false;
  private resumed: (() => void) | undefined;
  private readonly waiters: { id: string; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(
    private readonly tail: Redis,
    private readonly redis: Redis,
    startId: string,
    private readonly apply: (entry: StreamEntry) => void,
    private readonly report: (error: unknown) => void,
    private readonly clock: Clock,
    private readonly behind: () => void = () => undefined,
  ) {
    this.lastId = startId;
  }

  /** The id of the newest entry in the stream now ('0-0' when empty). */
  static async tip(redis: Redis): Promise<string> {
    const newest = (await redis.xrevrange(CHANGE_STREAM, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return newest[0]?.[0] ?? '0-0';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.resumed?.();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  async caughtUp(): Promise<void> {
    if (this.paused) throw new FellBehindError();
    const tip = await ChangeStreamTail.tip(this.redis);
    if (this.paused) throw new FellBehindError(); // paused while reading the tip: no wake until the reload
    if (compareIds(this.lastId, tip) >= 0) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ id: tip, resolve, reject }));
  }

  /** Stops applying entries (a read under way is dropped) until `resetTo`. */
  pause(): void {
    this.paused = true;
    this.generation++;
    for (const w of this.waiters.splice(0)) w.reject(new FellBehindError());
  }

  /** Goes on from `id`: the view now holds everything up to it. */
  resetTo(id: string): void {
    this.lastId = id;
    this.paused = false;
    this.generation++;
    this.resumed?.();
    this.wake();
  }

  /** Where the tail is: the id of the last entry applied. */
  get position(): string {
    return this.lastId;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.paused) {
        await new Promise<void>((resolve) => (this.resumed = resolve));
        this.resumed = undefined;
        continue;
      }
      try {
        const generation = this.generation;
        const from = this.lastId;
        const reply = await this.tail.xread('COUNT', READ_COUNT, 'BLOCK', 1000, 'STREAMS', CHANGE_STREAM, from);
        if (generation !== this.generation) continue;
        const entries = reply?.[0]?.[1] ?? [];
        for (const [id, fields] of entries) {
          this.lastId = id;
          STREAM_BUDGET.observe(bytesOf(fields));
          try {
            this.apply(entryOf(id, fields));
          } catch (error) {
            this.report(error);
          }
        }
        // Applied first, so the check costs the view no latency; but no durable write goes on
        // (`wake`) before it says nothing was skipped. Past a gap the reload overwrites the view.
        // Only a full read can follow a gap: trimming keeps at least STREAM_BUDGET.minLen entries, all
        // after a trimmed `from`; so a shorter read costs the writers no extra round trip.
        if (entries.length >= Math.min(READ_COUNT, STREAM_BUDGET.minLen) && (await this.trimmedAfter(from))) {
          if (generation !== this.generation) continue;
          this.lastId = from; // should the reload fail, reading again from here finds the gap again
          this.pause();
          this.behind();
          continue;
        }
        this.wake();
      } catch (error) {
        if (!this.running) return;
        this.report(error);
        await new Promise<void>((r) => this.clock.setTimeout(r, RETRY_READ_MS));
      }
    }
  }

  /**
   * Whether entries after `from` may have been trimmed before they were read: the oldest entry left
   * is after `from` (so `from` itself was trimmed, which MAXLEN does only far behind the newest).
   * From '0-0' (an empty stream at start, or Redis back empty), whether anything was trimmed at all.
   */
  private async trimmedAfter(from: string): Promise<boolean> {
    const info = fieldsOf((await this.tail.xinfo('STREAM', CHANGE_STREAM)) as unknown[]);
    if (from === '0-0') return Number(info['entries-added'] ?? 0) > Number(info['length'] ?? 0);
    const first = info['recorded-first-entry-id'] ?? (info['first-entry'] as [string] | null)?.[0];
    return typeof first === 'string' && compareIds(first, from) > 0;
  }

  /** After Redis came back empty its new ids may sort below ours: read the new stream from its start. */
  restartFromBeginning(): void {
    this.resetTo('0-0');
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (compareIds(this.lastId, w.id) >= 0) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}

/** A durable write must not run on a view that missed changes: it waits for the reload instead. */
export class FellBehindError extends Error {
  constructor() {
    super('this node fell behind the change stream and is reloading its view');
  }
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

function entryOf(id: string, fields: string[]): StreamEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return { id, origin: f['o'] ?? '', fields: f };
}

export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

/** An entry's weight in the stream: its fields' lengths (UTF-16 units, bytes for ASCII JSON). */
function bytesOf(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) n += f.length;
  return n;
}
