import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, shardKeys, shardOf } from '../../src/cluster/engines/redis-layout.js';
import { RustClient, type NacosInstance } from '../grpc/support/rust-client.js';
import { type ClusterNode, healthOn, sleep, startCluster, type TestCluster, within } from './support/cluster.js';
import { durationOf, transitions, watchInstance, type Sample } from './support/instance-watch.js';

const SERVICE = 'rolling';
const GROUPED = `DEFAULT_GROUP@@${SERVICE}`;
const PORT = 43_001;
const IP_PORT = `127.0.0.1:${PORT}`;

const instance: NacosInstance = {
  ip: '127.0.0.1',
  port: PORT,
  weight: 1,
  healthy: true,
  enabled: true,
  ephemeral: true,
};

/**
 * Issue 22, item 7: a graceful stop hands the gRPC clients over. On SIGTERM a node resets its gRPC
 * connections, keeps what they held until the clients registered again on another node of their
 * server list (BEACON_CLUSTER_DRAIN_MS at most, 15 s by default), and only then releases what is
 * left. A rolling restart of all three nodes, a real Nacos 2.x client (nacos-sdk-rust) listing every
 * node, its instance watched every 100 ms on a node that is not restarting at that moment.
 */
describe('cluster mode: a rolling restart hands the gRPC clients over', () => {
  let cluster: TestCluster;
  let redis: Redis;
  let client: RustClient | undefined;
  const keys = shardKeys(shardOf('public', GROUPED));
  const member = memberOf({ ...instance, namespaceId: 'public', serviceName: GROUPED, clusterName: 'DEFAULT' });
  const holderPid = async () => {
    const node = await redis.hget(keys.owner, member);
    return node === null ? undefined : Number(node.split(':').at(-2));
  };

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, grpc: true });
    redis = new Redis(cluster.redis.url);
  }, 60_000);

  afterAll(async () => {
    await client?.kill('SIGKILL');
    redis?.disconnect();
    await cluster?.close();
  });

  it('SIGTERM of each node in turn: the instance never disappears nor turns unhealthy on the others', async () => {
    client = await RustClient.start({
      serverAddr: cluster.nodes.map((n) => `127.0.0.1:${n.server.port}`).join(','),
      namingPushEmptyProtection: false,
    });
    await client.register(SERVICE, 'DEFAULT_GROUP', instance);
    await within(3000, 'held', async () => (await holderPid()) !== undefined);

    const all: Sample[] = [];
    let moves = 0;
    for (let i = 0; i < cluster.nodes.length; i++) {
      const stopping = cluster.nodes[i]!;
      const observer = cluster.nodes[(i + 1) % cluster.nodes.length]!;
      const held = (await holderPid()) === stopping.server.child.pid;
      const watch = watchInstance(observer.server.baseUrl, SERVICE, IP_PORT);
      await sleep(300);
      const termAt = Date.now();
      const exit = await stopping.server.kill('SIGTERM');
      const stopMs = Date.now() - termAt;
      expect(exit.code).toBe(0);
      const restarted: ClusterNode = await cluster.startNode(i);
      // Whoever holds it now, it is held by a live node and served healthy by every node.
      await within(15_000, 'held by a live node', async () => {
        const pid = await holderPid();
        return pid !== undefined && pid !== stopping.server.child.pid;
      });
      await within(
        5000,
        'served by the restarted node',
        async () => (await healthOn(restarted.server.baseUrl, SERVICE)).get(IP_PORT) === true,
      );
      const samples = await watch.stop();
      all.push(...samples);
      if (held) moves++;
      console.log(
        `rolling restart, node ${i + 1} of 3${held ? ' (held the connection)' : ''}: stopped in ${stopMs} ms; ` +
          `on node ${((i + 1) % 3) + 1}: absent ${durationOf(samples, 'absent')} ms, unhealthy ` +
          `${durationOf(samples, 'unhealthy')} ms, ${transitions(samples)} transitions, ` +
          `${samples.filter((s) => s.seen === '5xx').length} 5xx of ${samples.length} polls`,
      );
    }
    expect(moves).toBeGreaterThanOrEqual(1);
    expect(all.filter((s) => s.seen !== 'healthy')).toEqual([]);
  }, 180_000);
});
