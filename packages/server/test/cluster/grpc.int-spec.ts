import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, shardKeys, shardOf } from '../../src/cluster/engines/redis-layout.js';
import { RustClient, type NacosInstance, type Push } from '../grpc/support/rust-client.js';
import {
  type ClusterNode,
  healthOn,
  hostsOn,
  sleep,
  startCluster,
  type TestCluster,
  within,
} from './support/cluster.js';

const SERVICE = 'DEFAULT_GROUP@@orders';
/** How long a dead node's instances stay unhealthy before they are deleted (30 s by default). */
const GRACE_MS = 3000;

function instance(port: number): NacosInstance {
  return { ip: '127.0.0.1', port, weight: 1, healthy: true, enabled: true, ephemeral: true };
}

/** The instance's member in Redis, and its shard's keys. */
const memberAt = (port: number) =>
  memberOf({ ...instance(port), namespaceId: 'public', serviceName: SERVICE, clusterName: 'DEFAULT' });
const keys = shardKeys(shardOf('public', SERVICE));

const has = (port: number) => (p: Push) => p.key === SERVICE && p.instances.some((i) => i.port === port);
const lacks = (port: number) => (p: Push) => p.key === SERVICE && !p.instances.some((i) => i.port === port);

/**
 * The Nacos 2.x face in cluster mode (ADR 0019): a connection-held instance belongs to the node
 * holding the connection, every node serves it and tells its subscribers, and it goes when the
 * connection closes or its node dies. Real Nacos 2.x clients (nacos-sdk-rust) in child processes,
 * two nodes as processes, a real redis-server and PostgreSQL.
 */
describe('cluster mode: the Nacos 2.x gRPC face', () => {
  let cluster: TestCluster;
  let redis: Redis;
  const clients: RustClient[] = [];
  const client = async (...nodes: ClusterNode[]) => {
    const started = await RustClient.start({
      serverAddr: nodes.map((n) => `127.0.0.1:${n.server.port}`).join(','),
      namingPushEmptyProtection: false,
    });
    clients.push(started);
    return started;
  };
  /** The pid of the node Redis says holds the instance (node ids are host:pid:random), if any. */
  const holderPid = async (port: number): Promise<number | undefined> => {
    const node = await redis.hget(keys.owner, memberAt(port));
    return node === null ? undefined : Number(node.split(':').at(-2));
  };
  const listed = async (node: ClusterNode, port: number) =>
    (await hostsOn(node.server.baseUrl, SERVICE)).has(`127.0.0.1:${port}`);
  /** A client of node A registers `port`; it is back once node B lists it. */
  const publishedThroughA = async (port: number): Promise<RustClient> => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const publisher = await client(a);
    await publisher.register('orders', 'DEFAULT_GROUP', instance(port));
    await within(2000, 'on B', () => listed(b, port));
    return publisher;
  };

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, grpc: true, env: { BEACON_CLUSTER_NODE_GRACE_MS: String(GRACE_MS) } });
    redis = new Redis(cluster.redis.url);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.kill('SIGKILL')));
    redis?.disconnect();
    await cluster?.close();
  });

  it("serves a registration made through node A on node B, tells B's subscribers, and drops it when the connection closes", async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const subscriber = await client(b);
    await subscriber.subscribe('orders', 'DEFAULT_GROUP');
    const publisher = await client(a);
    await publisher.register('orders', 'DEFAULT_GROUP', instance(41_001));

    await subscriber.nextPush(has(41_001));
    expect(await listed(b, 41_001)).toBe(true);
    expect(await holderPid(41_001)).toBe(a.server.child.pid);

    await publisher.kill('SIGKILL');
    await within(3000, 'gone from B after the connection closed', async () => !(await listed(b, 41_001)));
    await subscriber.nextPush(lacks(41_001));
    expect(await holderPid(41_001)).toBeUndefined();
  }, 30_000);

  it('puts its connection-held instances back when Redis restarts empty, and keeps them', async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const publisher = await publishedThroughA(41_002);

    await cluster.redis.restartEmpty();
    await within(5000, 'back in Redis, held by A', async () => (await holderPid(41_002)) === a.server.child.pid);
    await within(2000, 'both node keys back', async () => (await redis.keys('beacon:node:*')).length === 2);
    // Longer than a node key lives: the instance is not taken for that of a dead node.
    await sleep(4000);
    expect(await listed(b, 41_002)).toBe(true);
    expect(await holderPid(41_002)).toBe(a.server.child.pid);
    await publisher.kill('SIGKILL');
    await within(3000, 'gone from B after the connection closed', async () => !(await listed(b, 41_002)));
  }, 30_000);

  it('a node taken for dead while it lives resets the connection, and the client registers again', async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const publisher = await publishedThroughA(41_005);
    // What the lease holder's DROP_NODE does when A's key lapsed (A cut off from Redis for 3 s).
    const member = memberAt(41_005);
    await redis
      .multi()
      .hdel(keys.inst, member)
      .hdel(keys.meta, member)
      .hdel(keys.owner, member)
      .xadd('beacon:changes', '*', 'o', 'redis', 't', 'expired', 'k', member)
      .exec();
    await within(2000, 'gone from B', async () => !(await listed(b, 41_005)));
    await within(15_000, 'registered again through A', async () => (await holderPid(41_005)) === a.server.child.pid);
    expect(await listed(b, 41_005)).toBe(true);
    await publisher.kill('SIGKILL');
  }, 30_000);

  it("kill -9 of the node holding the connection: its instances are unhealthy on the other node within 5 s, and that node's subscribers hear it, then gone after the grace; a client listing both nodes registers again (healthy) on the survivor", async () => {
    const both = await client(...cluster.nodes);
    await both.register('orders', 'DEFAULT_GROUP', instance(41_003));
    await within(2000, 'held', async () => (await holderPid(41_003)) !== undefined);
    const holder = await holderPid(41_003);
    const victim = cluster.nodes.find((n) => n.server.child.pid === holder)!;
    const survivor = cluster.nodes.find((n) => n !== victim)!;
    const only = await client(victim);
    await only.register('orders', 'DEFAULT_GROUP', instance(41_004));
    const subscriber = await client(survivor);
    // An instance the survivor holds stays healthy: below the protect threshold (0) clients see every host healthy.
    await subscriber.register('orders', 'DEFAULT_GROUP', instance(41_006));
    await subscriber.subscribe('orders', 'DEFAULT_GROUP');
    await subscriber.nextPush((p) => has(41_003)(p) && has(41_004)(p) && has(41_006)(p));

    const killedAt = Date.now();
    await victim.server.kill('SIGKILL');
    const healthOf = async (port: number) =>
      (await healthOn(survivor.server.baseUrl, 'orders')).get(`127.0.0.1:${port}`);
    const unhealthyAfter = await within(
      5000,
      'unhealthy on the survivor',
      async () => (await healthOf(41_004)) === false,
    );
    const told = await subscriber.nextPush(
      (p) => p.at >= killedAt && p.instances.some((i) => i.port === 41_004 && !i.healthy),
    );
    expect(told.at - killedAt).toBeLessThanOrEqual(5000);
    const goneAfter =
      unhealthyAfter +
      (await within(
        GRACE_MS + 3000,
        'gone from the survivor after the grace',
        async () => !(await listed(survivor, 41_004)),
      ));
    console.log(
      `connection-held instance of a killed node unhealthy on the survivor after ${unhealthyAfter} ms, gone after ${goneAfter} ms`,
    );
    expect(goneAfter).toBeGreaterThanOrEqual(GRACE_MS);
    await subscriber.nextPush((p) => p.at >= killedAt && lacks(41_004)(p));
    expect(await holderPid(41_004)).toBeUndefined();

    await within(
      20_000,
      'registered again on the survivor',
      async () => (await holderPid(41_003)) === survivor.server.child.pid,
    );
    await within(2000, 'healthy again on the survivor', async () => (await healthOf(41_003)) === true);
    console.log(
      `a client listing both nodes registered again, healthy, on the survivor ${Date.now() - killedAt} ms after the kill`,
    );
  }, 60_000);

  it('a node stopping cleanly deregisters the instances of its connections before it goes', async () => {
    // After the kill -9 above, one node is left, holding 41_003: nobody else could drop it later.
    const [last] = cluster.nodes.filter((n) => n.server.child.exitCode === null && n.server.child.signalCode === null);
    expect(await holderPid(41_003)).toBe(last!.server.child.pid);
    await last!.server.kill('SIGTERM');
    expect(await redis.hexists(keys.inst, memberAt(41_003))).toBe(0);
    expect(await holderPid(41_003)).toBeUndefined();
  }, 30_000);
});
