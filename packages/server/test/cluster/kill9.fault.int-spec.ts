import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beaters, INTERVAL_MS, leaseHolderPid, streamTip, TIMINGS, transitionsSince } from './support/beaters.js';
import { shardOf } from '../../src/cluster/redis-layout.js';
import { hostsOn, register, sleep, startCluster, type TestCluster } from './support/cluster.js';

const SERVICE = 'DEFAULT_GROUP@@payments';

/**
 * kill -9 of one node of three while SDK clients (all three nodes in their server list) beat:
 * no beating instance is lost or marked unhealthy, and the dead node's expiry leases are taken
 * over: an instance that stopped beating still goes unhealthy, then away, exactly once each.
 */
describe('cluster mode: kill -9 of one node of three under beating load', () => {
  let cluster: TestCluster;
  const beaters = new Beaters(SERVICE, 16, 41_000);

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
    await beaters.start(cluster.nodes.map((n) => `127.0.0.1:${n.server.port}`));
  }, 120_000);

  afterAll(async () => {
    await beaters.stop();
    await cluster?.close();
  });

  it('loses nobody, marks nobody unhealthy, and another node takes over expiry', async () => {
    await sleep(2 * INTERVAL_MS);
    // Kill the node that runs expiry for the payments shard, so that the takeover is exercised.
    const holderPid = await leaseHolderPid(cluster.redis.url, shardOf('public', SERVICE));
    const victim = cluster.nodes.find((n) => n.server.child.pid === holderPid) ?? cluster.nodes[0]!;
    const survivors = cluster.nodes.filter((n) => n !== victim).map((n) => n.server.baseUrl);
    const mark = await streamTip(cluster.redis.url);

    // An instance that registers once and never beats: it must still expire after the kill.
    expect((await register(survivors[0]!, 'payments', 49_999, { metadata: JSON.stringify(TIMINGS) })).status).toBe(200);
    const killedAt = Date.now();
    await victim.server.kill('SIGKILL');

    // Watch every survivor for longer than the delete timeout plus the lease TTL.
    const missing = new Set<string>();
    while (Date.now() - killedAt < 6 * INTERVAL_MS + 3000 + 2000) {
      for (const url of survivors) {
        const hosts = await hostsOn(url, SERVICE);
        for (const key of beaters.keys) if (hosts.get(key) !== true) missing.add(`${key} on ${url}`);
      }
      await sleep(200);
    }
    expect([...missing]).toEqual([]);

    const transitions = await transitionsSince(cluster.redis.url, mark);
    const aboutBeaters = transitions.filter((t) => beaters.keys.some((k) => t.endsWith(` ${k}`)));
    expect(aboutBeaters.filter((t) => !t.startsWith('healthy'))).toEqual([]);
    expect(transitions.filter((t) => t.endsWith('127.0.0.1:49999'))).toEqual([
      'unhealthy 127.0.0.1:49999',
      'expired 127.0.0.1:49999',
    ]);
    for (const url of survivors) expect((await hostsOn(url, SERVICE)).has('127.0.0.1:49999')).toBe(false);
  }, 60_000);
});
