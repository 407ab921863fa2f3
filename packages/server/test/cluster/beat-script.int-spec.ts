import { healthAfterBeat } from '@beacon/core';
import { startRedis, type RedisEngine } from '@beacon/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_STREAM, shardKeys } from '../../src/cluster/engines/redis-layout.js';
import { withScripts, type ScriptedRedis } from '../../src/cluster/engines/redis-scripts.js';

/**
 * The BEATS script on a real redis-server: it applies core's beat rule (`healthAfterBeat`) to the
 * record Redis holds, whatever health and marked flag it finds there, in one call for the batch.
 */
describe('the BEATS script', () => {
  let engine: RedisEngine;
  let redis: ScriptedRedis;
  const k = shardKeys(0);
  const TIMEOUT = 3000;
  const DELETE_TIMEOUT = 6000;

  beforeAll(async () => {
    engine = await startRedis();
    redis = withScripts(new Redis(engine.url));
  });

  afterAll(async () => {
    redis?.disconnect();
    await engine?.close();
  });

  const beats = (...memberBeats: (string | number)[]) =>
    redis.beaconBeats(k.meta, k.due, CHANGE_STREAM, 1000, ...memberBeats);

  const transitionsOf = async (member: string) => {
    const entries = (await redis.xrange(CHANGE_STREAM, '-', '+')) as [string, string[]][];
    const byName = (f: string[]) => Object.fromEntries(f.flatMap((v, i) => (i % 2 === 0 ? [[v, f[i + 1]]] : [])));
    return entries
      .map(([, f]) => byName(f))
      .filter((e) => e['k'] === member)
      .map((e) => e['t']);
  };

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])(
    'healthy %s, marked %s: the health core gives, the last beat, the deadline, and a change only when health changes',
    async (healthy, marked) => {
      const member = `beaten-${healthy}-${marked}`;
      const [h, mk] = [healthy ? 1 : 0, marked ? 1 : 0];
      await redis.hset(k.meta, member, `${TIMEOUT},${DELETE_TIMEOUT},${h},${mk},1000`);
      expect(await beats(member, 2000)).toEqual([]);

      const after = healthAfterBeat(healthy, marked);
      expect(await redis.hget(k.meta, member)).toBe(`${TIMEOUT},${DELETE_TIMEOUT},${after ? 1 : 0},${mk},2000`);
      // A marked instance has no deadline; a healthy one is due a timeout after its last beat.
      const deadline = marked ? null : String(2000 + (after ? TIMEOUT : DELETE_TIMEOUT) + 1);
      expect(await redis.zscore(k.due, member)).toBe(deadline);
      expect(await transitionsOf(member)).toEqual(after === healthy ? [] : [after ? 'healthy' : 'unhealthy']);
    },
  );

  it('keeps a newer last beat than the one it is sent, and answers the members it does not know', async () => {
    await redis.hset(k.meta, 'newer', `${TIMEOUT},${DELETE_TIMEOUT},0,0,5000`);
    expect(await beats('newer', 4000, 'unknown', 4000)).toEqual(['unknown']);
    expect(await redis.hget(k.meta, 'newer')).toBe(`${TIMEOUT},${DELETE_TIMEOUT},0,0,5000`);
    expect(await transitionsOf('newer')).toEqual([]);
  });
});
