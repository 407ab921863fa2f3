import { MemoryStore, nextCheckRecord, Registry, type CheckRecord } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { SharedCheckRecords } from './check-records.js';
import { memberOf, shardKeys, shardOf } from '../engines/redis-layout.js';

const SVC = 'DEFAULT_GROUP@@db';
const KEY = shardKeys(shardOf('public', SVC)).checks;

/** The hash commands the records use, in memory (the real Redis is in test/cluster/health-checks.int-spec.ts). */
class HashesInMemory {
  readonly hashes = new Map<string, Record<string, string>>();
  transactions = 0;
  down = false;

  multi() {
    const ops: (() => void)[] = [];
    const transaction = {
      del: (key: string) => (ops.push(() => this.hashes.delete(key)), transaction),
      hset: (key: string, fields: Record<string, string>) => (
        ops.push(() => this.hashes.set(key, { ...this.hashes.get(key), ...fields })),
        transaction
      ),
      exec: () => this.answer(() => (this.transactions++, ops.forEach((op) => op()))),
    };
    return transaction;
  }

  hgetall(key: string) {
    return this.answer(() => ({ ...this.hashes.get(key) }));
  }

  private answer<T>(work: () => T): Promise<T> {
    return this.down ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve(work());
  }
}

function node(redis: HashesInMemory) {
  const registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
  const instance = registry.registerInstance(registerCommand({ serviceName: SVC, port: 5432, ephemeral: false }));
  const held = new Set<number>();
  const reports: string[] = [];
  const records = new SharedCheckRecords(redis as unknown as Redis, registry, held, (m) => reports.push(m));
  const holdShard = () => held.add(shardOf('public', SVC));
  return { registry, instance, held, holdShard, reports, records };
}

const check = (at: number, outcome: 'ok' | 'fail' = 'ok', previous?: CheckRecord) =>
  nextCheckRecord(
    previous,
    at,
    outcome === 'ok' ? { outcome, rtMs: 1 } : { outcome, rtMs: 1, reason: 'connection refused' },
  );

describe('SharedCheckRecords', () => {
  it("the lease holder writes its shard's records when they change, and only then", async () => {
    const redis = new HashesInMemory();
    const { instance, holdShard, records } = node(redis);
    holdShard();
    instance.lastCheck = check(1000);
    await records.tick();
    expect(redis.hashes.get(KEY)).toEqual({ [memberOf(instance.address)]: JSON.stringify(instance.lastCheck) });
    await records.tick();
    expect(redis.transactions).toBe(1);
    instance.lastCheck = check(2000, 'fail', instance.lastCheck);
    await records.tick();
    expect(redis.transactions).toBe(2);
    expect(JSON.parse(redis.hashes.get(KEY)![memberOf(instance.address)]!)).toMatchObject({
      at: 2000,
      outcome: 'fail',
    });
  });

  it('a shard taken over is written whole, without what the last holder left; a gone instance leaves', async () => {
    const redis = new HashesInMemory();
    redis.hashes.set(KEY, { '["public","DEFAULT_GROUP@@db","DEFAULT","127.0.0.9",1]': '{"at":1}' });
    const { registry, instance, holdShard, records } = node(redis);
    holdShard();
    await records.tick();
    expect(redis.hashes.has(KEY)).toBe(false); // nothing checked yet here: nothing to show
    instance.lastCheck = check(1000);
    await records.tick();
    expect(Object.keys(redis.hashes.get(KEY)!)).toEqual([memberOf(instance.address)]);
    registry.deregisterInstance({ ...instance.address, ephemeral: false });
    await records.tick();
    expect(redis.hashes.has(KEY)).toBe(false);
  });

  it("the other nodes read the holder's records into their view; the newer record wins", async () => {
    const redis = new HashesInMemory();
    const holder = node(redis);
    const other = node(redis);
    holder.holdShard();
    holder.instance.lastCheck = check(2000, 'fail');
    await holder.records.tick();
    await other.records.tick();
    expect(other.instance.lastCheck).toEqual(holder.instance.lastCheck);
    // This node probed last (it just lost the lease): its own newer record stays.
    other.instance.lastCheck = check(3000);
    await other.records.tick();
    expect(other.instance.lastCheck.at).toBe(3000);
  });

  it('Redis down: reported once per interval, the write retried once it answers', async () => {
    const redis = new HashesInMemory();
    const { instance, holdShard, reports, records } = node(redis);
    holdShard();
    instance.lastCheck = check(1000);
    redis.down = true;
    await records.tick();
    await records.tick();
    expect(reports).toEqual(['check records are not shared, retrying: Connection is closed.']);
    redis.down = false;
    await records.tick();
    expect(redis.hashes.get(KEY)).toEqual({ [memberOf(instance.address)]: JSON.stringify(instance.lastCheck) });
  });
});
