import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, shardKeys, shardOf } from '../../src/cluster/engines/redis-layout.js';
import { RustClient, type NacosInstance } from '../grpc/support/rust-client.js';
import { type ClusterNode, healthOn, sleep, startCluster, type TestCluster, within } from './support/cluster.js';
import { durationOf, firstSeen, transitions, watchInstance } from './support/instance-watch.js';

/** Shorter than the 30 s default, so that a pause past it fits in a test. */
const GRACE_MS = 8000;
const SERVICE = 'paused';
const GROUPED = `DEFAULT_GROUP@@${SERVICE}`;

function instance(port: number): NacosInstance {
  return { ip: '127.0.0.1', port, weight: 1, healthy: true, enabled: true, ephemeral: true };
}

/**
 * Issue 22, item 2: node death is two-step. A node paused (SIGSTOP) for longer than its key lives
 * (3 s) is taken for dead: the instances its gRPC connections hold are marked unhealthy at once and
 * deleted only after BEACON_CLUSTER_NODE_GRACE_MS. When it resumes with the connection open, it
 * writes them back healthy at once; past the grace they are gone, and the client registers again.
 * Two nodes as processes, a real Nacos 2.x client (nacos-sdk-rust) connected to node A only, node B
 * polled through the native API every 100 ms.
 */
describe('cluster mode: a paused node and its gRPC clients', () => {
  let cluster: TestCluster;
  let redis: Redis;
  let client: RustClient | undefined;
  const keys = shardKeys(shardOf('public', GROUPED));
  const holderPid = async (port: number) => {
    const member = memberOf({ ...instance(port), namespaceId: 'public', serviceName: GROUPED, clusterName: 'DEFAULT' });
    const node = await redis.hget(keys.owner, member);
    return node === null ? undefined : Number(node.split(':').at(-2));
  };

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, grpc: true, env: { BEACON_CLUSTER_NODE_GRACE_MS: String(GRACE_MS) } });
    redis = new Redis(cluster.redis.url);
  }, 60_000);

  afterAll(async () => {
    await client?.kill('SIGKILL');
    redis?.disconnect();
    await cluster?.close();
  });

  /** Pauses node A for `pauseMs` while B is watched; the samples and when the pause began and ended. */
  async function pauseA(port: number, pauseMs: number, after: (contAt: number) => Promise<void>) {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const watch = watchInstance(b.server.baseUrl, SERVICE, `127.0.0.1:${port}`);
    await sleep(300);
    const stoppedAt = Date.now();
    a.server.child.kill('SIGSTOP');
    await sleep(pauseMs);
    const contAt = Date.now();
    a.server.child.kill('SIGCONT');
    await after(contAt);
    await sleep(1000);
    return { samples: await watch.stop(), stoppedAt, contAt };
  }

  it('paused longer than its key lives but shorter than the grace: unhealthy (not deleted) on B, healthy again at once after SIGCONT', async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    client = await RustClient.start({ serverAddr: `127.0.0.1:${a.server.port}`, namingPushEmptyProtection: false });
    await client.register(SERVICE, 'DEFAULT_GROUP', instance(42_001));
    await within(
      3000,
      'healthy on B',
      async () => (await healthOn(b.server.baseUrl, SERVICE)).get('127.0.0.1:42001') === true,
    );

    const { samples, stoppedAt, contAt } = await pauseA(42_001, 5000, async (contAt) => {
      await within(5000, 'healthy on B after SIGCONT', async () => {
        return (await healthOn(b.server.baseUrl, SERVICE)).get('127.0.0.1:42001') === true && Date.now() > contAt;
      });
    });
    const unhealthy = firstSeen(samples, 'unhealthy', stoppedAt);
    const healthyAgain = firstSeen(samples, 'healthy', contAt);
    console.log(
      `5 s pause, grace ${GRACE_MS} ms: unhealthy on B ${unhealthy ? unhealthy.at - stoppedAt : '-'} ms after SIGSTOP ` +
        `for ${durationOf(samples, 'unhealthy')} ms, healthy again ${healthyAgain ? healthyAgain.at - contAt : '-'} ms after SIGCONT; ` +
        `absent ${durationOf(samples, 'absent')} ms, ${transitions(samples)} transitions, ` +
        `${samples.filter((s) => s.seen === '5xx').length} 5xx of ${samples.length} polls`,
    );
    expect(samples.filter((s) => s.seen === 'absent')).toEqual([]);
    expect(samples.filter((s) => s.seen === '5xx' || s.seen === 'error')).toEqual([]);
    expect(unhealthy).toBeDefined();
    expect(unhealthy!.at).toBeLessThan(contAt);
    expect(healthyAgain!.at - contAt).toBeLessThanOrEqual(2000);
    // Healed where it was, on the open connection: still A's.
    expect(await holderPid(42_001)).toBe(a.server.child.pid);
    expect(transitions(samples)).toBe(2);
  }, 60_000);

  it('paused longer than the grace: deleted on B, then registered again by the client once A resets its connection', async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const pauseMs = 3000 + GRACE_MS + 2000;
    let backAfter = 0;
    const { samples, stoppedAt, contAt } = await pauseA(42_001, pauseMs, async (contAt) => {
      await within(20_000, 'back on B', async () => {
        return (await healthOn(b.server.baseUrl, SERVICE)).get('127.0.0.1:42001') === true && Date.now() > contAt;
      });
      backAfter = Date.now() - contAt;
    });
    const unhealthy = firstSeen(samples, 'unhealthy', stoppedAt);
    const absent = firstSeen(samples, 'absent', stoppedAt);
    console.log(
      `${pauseMs / 1000} s pause, grace ${GRACE_MS} ms: unhealthy on B ${unhealthy ? unhealthy.at - stoppedAt : '-'} ms ` +
        `after SIGSTOP, deleted ${absent ? absent.at - stoppedAt : '-'} ms after SIGSTOP, absent for ` +
        `${durationOf(samples, 'absent')} ms, registered again ${backAfter} ms after SIGCONT; ` +
        `${samples.filter((s) => s.seen === '5xx').length} 5xx of ${samples.length} polls`,
    );
    expect(unhealthy!.at).toBeLessThan(absent!.at);
    expect(absent!.at - unhealthy!.at).toBeGreaterThanOrEqual(GRACE_MS - 200);
    expect(absent!.at).toBeLessThan(contAt);
    expect(samples.filter((s) => s.seen === '5xx' || s.seen === 'error')).toEqual([]);
    expect(await holderPid(42_001)).toBe(a.server.child.pid);
  }, 90_000);
});
