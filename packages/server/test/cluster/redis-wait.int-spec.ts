import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostsOn, register, startCluster, type TestCluster } from './support/cluster.js';
import { sentinelAvailable, startSentinels, type SentinelSet } from './support/sentinel.js';

/**
 * BEACON_REDIS_WAIT_REPLICAS=1: an ephemeral write is acknowledged only once a Redis replica has it
 * (Redis WAIT), so the primary's failover cannot lose it. With the replica frozen the client hears
 * 503 within the write bound, and the write stands on the primary (its retry is a no-op).
 */
describe.skipIf(!sentinelAvailable())('cluster mode: writes confirmed by a Redis replica', () => {
  let sentinels: SentinelSet;
  let cluster: TestCluster;

  beforeAll(async () => {
    sentinels = await startSentinels();
    cluster = await startCluster({
      nodes: 1,
      env: { BEACON_REDIS_URL: sentinels.url, BEACON_REDIS_WAIT_REPLICAS: '1' },
    });
  }, 120_000);
  afterAll(async () => {
    sentinels?.kill(sentinels.replicaPort, 'SIGCONT');
    await cluster?.close();
    await sentinels?.close();
  });

  it('answers once the replica has the write, 503 while the replica is frozen, and again once it is back', async () => {
    const node = cluster.nodes[0]!.server.baseUrl;
    const ok = await register(node, 'waited', 46_001);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');

    sentinels.kill(sentinels.replicaPort, 'SIGSTOP');
    const started = Date.now();
    const refused = await register(node, 'waited', 46_002);
    const tookMs = Date.now() - started;
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/replicas confirmed it.*BEACON_REDIS_WAIT_REPLICAS/);
    expect(tookMs).toBeGreaterThan(2000);
    expect(tookMs).toBeLessThan(4000);
    // The write stands on the primary and in the view: a retry finds it there.
    expect((await hostsOn(node, 'DEFAULT_GROUP@@waited')).has('127.0.0.1:46002')).toBe(true);
    expect(cluster.nodes[0]!.server.stdout()).toContain('Redis replicas did not confirm a registerInstance in time');

    sentinels.kill(sentinels.replicaPort, 'SIGCONT');
    const again = await register(node, 'waited', 46_003);
    expect(again.status).toBe(200);
    expect([...(await hostsOn(node, 'DEFAULT_GROUP@@waited')).keys()].sort()).toEqual([
      '127.0.0.1:46001',
      '127.0.0.1:46002',
      '127.0.0.1:46003',
    ]);
  }, 60_000);
});
