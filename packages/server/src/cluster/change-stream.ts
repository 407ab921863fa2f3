import type { Redis } from 'ioredis';
import { CHANGE_STREAM } from './redis-layout.js';

/** One entry of the change stream: a mutation from a node (`m`), or a transition Redis made (`t`, `k`). */
export interface StreamEntry {
  readonly id: string;
  readonly origin: string;
  readonly mutation?: string;
  readonly transition?: 'healthy' | 'unhealthy' | 'expired';
  readonly member?: string;
}

/**
 * Tails the change stream with XREAD BLOCK on its own connection and hands every entry, in order,
 * to `apply`. `caughtUp()` resolves once every entry appended before the call has been applied.
 */
export class ChangeStreamTail {
  private lastId: string;
  private running = false;
  private readonly waiters: { id: string; resolve: () => void }[] = [];

  constructor(
    private readonly tail: Redis,
    private readonly redis: Redis,
    startId: string,
    private readonly apply: (entry: StreamEntry) => void,
    private readonly report: (error: unknown) => void,
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
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  async caughtUp(): Promise<void> {
    const tip = await ChangeStreamTail.tip(this.redis);
    if (compareIds(this.lastId, tip) >= 0) return;
    await new Promise<void>((resolve) => this.waiters.push({ id: tip, resolve }));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const reply = await this.tail.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', CHANGE_STREAM, this.lastId);
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          this.lastId = id;
          try {
            this.apply(entryOf(id, fields));
          } catch (error) {
            this.report(error);
          }
        }
        this.wake();
      } catch (error) {
        if (!this.running) return;
        this.report(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** After Redis came back empty its new ids may sort below ours: read the new stream from its start. */
  restartFromBeginning(): void {
    this.lastId = '0-0';
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

function entryOf(id: string, fields: string[]): StreamEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return {
    id,
    origin: f['o'] ?? '',
    ...(f['m'] !== undefined ? { mutation: f['m'] } : {}),
    ...(f['t'] !== undefined ? { transition: f['t'] as StreamEntry['transition'] } : {}),
    ...(f['k'] !== undefined ? { member: f['k'] } : {}),
  };
}

export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
