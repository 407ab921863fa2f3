import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RustClient } from '../grpc/support/rust-client.js';
import { Beaters, INTERVAL_MS, instancesInRedis, transitionsSince } from './support/beaters.js';
import { hostsOn, register, sleep, startCluster, type TestCluster } from './support/cluster.js';
import { nacosNamingClient, type NacosClient } from './support/nacos-naming-client.js';
import { reportFault } from './support/fault-figures.js';
import { DOWN_AFTER_MS, sentinelAvailable, startSentinels, type SentinelSet } from './support/sentinel.js';

const SERVICE = 'DEFAULT_GROUP@@failover';
const BEATING = 'DEFAULT_GROUP@@ledger';
/** Where the real clients register: nacos-naming over HTTP (beats), nacos-sdk-rust over gRPC. */
const CLIENTS = 'DEFAULT_GROUP@@real-clients';
const NODE_CLIENT = { ip: '127.0.0.1', port: 47_001 };
const RUST_CLIENT = { ip: '127.0.0.1', port: 47_002 };

describe.skipIf(!sentinelAvailable())('cluster mode on Redis Sentinel: kill -9 of the primary', () => {
  let sentinels: SentinelSet;
  let cluster: TestCluster;
  const beaters = new Beaters(BEATING, 6, 46_000);
  let nodeClient: NacosClient | undefined;
  let rustClient: RustClient | undefined;

  beforeAll(async () => {
    sentinels = await startSentinels();
    cluster = await startCluster({ nodes: 2, grpc: true, env: { BEACON_REDIS_URL: sentinels.url } });
    const servers = cluster.nodes.map((n) => `127.0.0.1:${n.server.port}`);
    await beaters.start(servers);
    nodeClient = await nacosNamingClient(servers);
    await nodeClient.registerInstance('real-clients', { ...NODE_CLIENT, ephemeral: true });
    rustClient = await RustClient.start({ serverAddr: servers.join(','), namingPushEmptyProtection: false });
    await rustClient.register('real-clients', 'DEFAULT_GROUP', {
      ...RUST_CLIENT,
      weight: 1,
      healthy: true,
      enabled: true,
      ephemeral: true,
    });
  }, 120_000);
  afterAll(async () => {
    await rustClient?.kill('SIGKILL');
    await nodeClient?.close();
    await beaters.stop();
    await cluster?.close();
    await sentinels?.close();
  });

  it('answers registrations again soon after the failover and loses no acknowledged one', async () => {
    const nodes = cluster.nodes.map((n) => n.server.baseUrl);
    // A writer registering a new instance every 20 ms, on both nodes in turn, for the whole test.
    const acknowledged: { port: number; sentAt: number; at: number }[] = [];
    const refused: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let port = 45_000; writing; port++) {
        const sentAt = Date.now();
        const res = await register(nodes[port % 2]!, 'failover', port).catch(() => undefined);
        if (res?.status === 200) acknowledged.push({ port, sentAt, at: Date.now() });
        else refused.push(port);
        await res?.text();
        await sleep(20);
      }
    })();
    await sleep(2 * INTERVAL_MS);
    for (const url of nodes) {
      const real = await hostsOn(url, CLIENTS);
      expect([...real.keys()].sort()).toEqual(['127.0.0.1:47001', '127.0.0.1:47002']);
    }

    sentinels.kill(sentinels.primaryPort);
    // From when the primary is gone (a signal is delivered asynchronously, and a write in flight may
    // still be answered by it): only registrations sent after that show the failover.
    while (await accepts(sentinels.primaryPort)) await sleep(5);
    const killedAt = Date.now();
    let promotedMs: number | undefined;
    const answeredAfterKill = () => acknowledged.find((a) => a.sentAt > killedAt);
    while (Date.now() - killedAt < 30_000 && (promotedMs === undefined || !answeredAfterKill())) {
      await sleep(20);
      if (promotedMs === undefined && sentinels.master() === String(sentinels.replicaPort)) {
        promotedMs = Date.now() - killedAt;
      }
    }
    const firstSuccessMs = answeredAfterKill()!.at - killedAt;
    await sleep(2 * INTERVAL_MS);
    writing = false;
    await writer;
    console.log(
      `Sentinel failover: replica promoted ${promotedMs ?? '?'} ms, first registration answered ` +
        `${firstSuccessMs} ms after kill -9 of the primary ` +
        `(down-after ${DOWN_AFTER_MS} ms); ${acknowledged.length} acknowledged, ${refused.length} refused meanwhile`,
    );
    expect(sentinels.master()).toBe(String(sentinels.replicaPort));
    expect(firstSuccessMs).toBeLessThan(DOWN_AFTER_MS + 8000);
    for (const { server } of cluster.nodes) {
      expect(server.stdout() + server.stderr()).not.toContain('Unhandled error event');
    }

    // Nobody was marked unhealthy or deleted across the failover (the stream moved with the data).
    const promoted = `redis://127.0.0.1:${sentinels.replicaPort}/0`;
    const falseTransitions = (await transitionsSince(promoted)).filter((t) => !t.startsWith('healthy'));
    const lost = new Set<number>();
    for (const url of nodes) {
      const hosts = await hostsOn(url, SERVICE);
      for (const a of acknowledged) if (!hosts.has(`127.0.0.1:${a.port}`)) lost.add(a.port);
    }
    reportFault('Redis primary kill -9 behind Sentinel', {
      lost: lost.size,
      falseTransitions: falseTransitions.length,
      convergeMs: firstSuccessMs,
      convergedFrom: `from the kill to the first registration sent after it answered 200; promoted at ${promotedMs ?? '?'} ms`,
      fiveXx: refused.length,
      requests: acknowledged.length + refused.length,
    });
    expect(falseTransitions).toEqual([]);
    // Every acknowledged registration is in the new primary and on every node, and no refused one.
    expect(await instancesInRedis(promoted)).toBe(acknowledged.length + beaters.keys.length + 2);
    for (const url of nodes) {
      const hosts = await hostsOn(url, SERVICE);
      expect(acknowledged.filter((a) => !hosts.has(`127.0.0.1:${a.port}`))).toEqual([]);
      // A refused one is nowhere (it would be in Redis's count above too).
      expect(refused.filter((port) => hosts.has(`127.0.0.1:${port}`))).toEqual([]);
      // The beating instances rode the failover out.
      const beating = await hostsOn(url, BEATING);
      expect(beaters.keys.filter((k) => beating.get(k) !== true)).toEqual([]);
      // So did the real clients' instances: nacos-naming's (beating over HTTP) and nacos-sdk-rust's
      // (held by its gRPC connection).
      const real = await hostsOn(url, CLIENTS);
      expect(real.get(`${NODE_CLIENT.ip}:${NODE_CLIENT.port}`)).toBe(true);
      expect(real.get(`${RUST_CLIENT.ip}:${RUST_CLIENT.port}`)).toBe(true);
    }
  }, 90_000);
});

/** Whether something still accepts TCP connections on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
