import { FakeClock } from '@beacon/core/testing';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANGE_STREAM } from '../engines/redis-layout.js';
import { ChangeStreamTail, compareIds, FellBehindError, RETRY_READ_MS, type StreamEntry } from './change-stream.js';

/**
 * The stream commands the tail uses, in memory: XREAD BLOCK waits until something is appended (or
 * the fake is closed), XADD-like `append`, and `trim` as MAXLEN would. The real Redis is in
 * test/cluster/ (replication, resync).
 */
class StreamInMemory {
  entries: [string, string[]][] = [];
  added = 0;
  /** The next read fails with this (a dropped connection). */
  failNext: Error | undefined;
  private seq = 0;
  private wakeReaders: (() => void)[] = [];

  append(...fields: string[]): string {
    const id = `1-${++this.seq}`;
    this.entries.push([id, fields]);
    this.added++;
    for (const wake of this.wakeReaders.splice(0)) wake();
    return id;
  }

  /** Keeps the newest `keep` entries, as XADD MAXLEN does. */
  trim(keep: number): void {
    this.entries = this.entries.slice(-keep);
  }

  close(): void {
    for (const wake of this.wakeReaders.splice(0)) wake();
  }

  async xread(...args: (string | number)[]): Promise<[string, [string, string[]][]][] | null> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    const count = Number(args[1]);
    const from = String(args[args.length - 1]);
    let found = this.after(from, count);
    if (found.length === 0) {
      await new Promise<void>((resolve) => this.wakeReaders.push(resolve));
      found = this.after(from, count);
    }
    return found.length === 0 ? null : [[CHANGE_STREAM, found]];
  }

  xrevrange(): Promise<[string, string[]][]> {
    return Promise.resolve(this.entries.slice(-1));
  }

  xinfo(): Promise<unknown[]> {
    return Promise.resolve([
      'length',
      this.entries.length,
      'entries-added',
      this.added,
      'first-entry',
      this.entries[0] ?? null,
    ]);
  }

  private after(from: string, count: number): [string, string[]][] {
    return this.entries.filter(([id]) => compareIds(id, from) > 0).slice(0, count);
  }
}

let open: { tail: ChangeStreamTail; stream: StreamInMemory }[] = [];

/** A tail of `stream`; what it reports fails the test unless `reports` is given to collect it. */
function tailOf(stream: StreamInMemory, startId = '0-0', reports?: unknown[]) {
  const applied: StreamEntry[] = [];
  let behind = 0;
  const fake = stream as unknown as Redis;
  const clock = new FakeClock();
  const tail = new ChangeStreamTail(
    fake,
    fake,
    startId,
    (entry) => applied.push(entry),
    (error) => {
      if (!reports) throw error;
      reports.push(error);
    },
    clock,
    () => behind++,
  );
  open.push({ tail, stream });
  return { tail, applied, clock, behindCalls: () => behind };
}

/** Lets the tail's loop run as far as it can without time passing. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

afterEach(() => {
  for (const { tail, stream } of open) {
    tail.stop();
    stream.close();
  }
  open = [];
});

describe('ChangeStreamTail', () => {
  it('applies every entry in order, by field, and caughtUp waits until those before the call are applied', async () => {
    const stream = new StreamInMemory();
    stream.append('o', 'node-a', 'm', '{"kind":"putNamespace"}');
    stream.append('o', 'redis', 't', 'unhealthy', 'k', 'member-1');
    const { tail, applied } = tailOf(stream);
    tail.start();
    await tail.caughtUp();
    expect(applied).toEqual([
      { id: '1-1', origin: 'node-a', fields: { o: 'node-a', m: '{"kind":"putNamespace"}' } },
      { id: '1-2', origin: 'redis', fields: { o: 'redis', t: 'unhealthy', k: 'member-1' } },
    ]);
    stream.append('o', 'node-b', 'r', '1');
    await tail.caughtUp();
    expect(applied.at(-1)).toEqual({ id: '1-3', origin: 'node-b', fields: { o: 'node-b', r: '1' } });
    expect(tail.position).toBe('1-3');
  });

  it('reports a failed read and reads again after RETRY_READ_MS on its clock', async () => {
    const stream = new StreamInMemory();
    const lost = new Error('connection lost');
    stream.failNext = lost;
    stream.append('o', 'node-a', 'm', '1');
    const reports: unknown[] = [];
    const { tail, applied, clock } = tailOf(stream, '0-0', reports);
    tail.start();
    await settle();
    expect(reports).toEqual([lost]);
    clock.advance(RETRY_READ_MS - 1);
    await settle();
    expect(applied).toEqual([]);
    clock.advance(1);
    await settle();
    expect(applied.map((e) => e.fields['m'])).toEqual(['1']);
    expect(reports).toEqual([lost]);
  });

  it('starts after the position it was given: what the loaded view already holds is not applied again', async () => {
    const stream = new StreamInMemory();
    stream.append('o', 'a', 'm', '1');
    const loadedUpTo = stream.append('o', 'a', 'm', '2');
    stream.append('o', 'a', 'm', '3');
    const { tail, applied } = tailOf(stream, loadedUpTo);
    tail.start();
    await tail.caughtUp();
    expect(applied.map((e) => e.fields['m'])).toEqual(['3']);
  });

  it('pauses and tells `behind` when entries after its position were trimmed, and goes on from resetTo', async () => {
    const stream = new StreamInMemory();
    const { tail, applied, behindCalls } = tailOf(stream);
    tail.start();
    await tail.caughtUp();
    // A full read (READ_COUNT entries) is what makes the tail look for a gap.
    for (let i = 0; i < 1500; i++) stream.append('o', 'a', 'm', String(i));
    stream.trim(1000);
    await expect.poll(behindCalls).toBe(1);
    await expect(tail.caughtUp()).rejects.toBeInstanceOf(FellBehindError);
    const seen = applied.length;
    // The view was reloaded up to the newest entry: the tail goes on from there.
    tail.resetTo(stream.entries.at(-1)![0]);
    stream.append('o', 'a', 'm', 'after');
    await tail.caughtUp();
    expect(applied.slice(seen).map((e) => e.fields['m'])).toEqual(['after']);
    expect(behindCalls()).toBe(1);
  });
});
