import { describe, expect, it } from 'vitest';
import { compareIds } from '../stream/change-stream.js';
import { addressOf, memberOf, SHARDS, shardKeys, shardOf } from './redis-layout.js';

describe('Redis layout of cluster mode', () => {
  it('puts every instance of a service in the same shard, and spreads services over all shards', () => {
    expect(shardOf('public', 'DEFAULT_GROUP@@orders')).toBe(shardOf('public', 'DEFAULT_GROUP@@orders'));
    const used = new Set<number>();
    for (let i = 0; i < 1000; i++) used.add(shardOf('public', `DEFAULT_GROUP@@svc-${i}`));
    expect(used.size).toBe(SHARDS);
    // The namespace is part of the key: the same name in two namespaces need not share a shard.
    const moved = Array.from({ length: 50 }, (_, i) => `DEFAULT_GROUP@@svc-${i}`).filter(
      (name) => shardOf('public', name) !== shardOf('dev', name),
    );
    expect(moved.length).toBeGreaterThan(0);
  });

  it("keeps a shard's keys in one Redis Cluster slot (one hash tag)", () => {
    const k = shardKeys(7);
    for (const key of [k.inst, k.meta, k.due, k.lease, k.owner, k.holders, k.checks]) expect(key).toContain('{7}');
  });

  it('reads back the address it wrote as a member, whatever the names contain', () => {
    const address = { namespaceId: 'ns', serviceName: 'G@@a,b:c', clusterName: 'DEFAULT', ip: '127.0.0.1', port: 80 };
    expect(addressOf(memberOf(address))).toEqual(address);
  });

  it('orders stream ids by time, then sequence', () => {
    expect(compareIds('1700000000000-1', '1700000000000-0')).toBeGreaterThan(0);
    expect(compareIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareIds('0-0', '0-0')).toBe(0);
  });
});
