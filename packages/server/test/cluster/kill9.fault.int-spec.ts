import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beaters, INTERVAL_MS, leaseHolderPid, streamTip, TIMINGS, transitionsSince } from './support/beaters.js';
import { shardOf } from '../../src/cluster/engines/redis-layout.js';
import { hostsOn, register, sleep, startCluster, type TestCluster } from './support/cluster.js';
import { nacosNamingClient, type NacosClient } from './support/nacos-naming-client.js';
import { listOn, reportFault } from './support/fault-figures.js';

const SERVICE = 'DEFAULT_GROUP@@payments';

/** Nacos's default timeout and delete timeout, with beats every second. */
const NACOS_CLIENT_TIMINGS = {
  'preserved.heart.beat.interval': '1000',
  'preserved.heart.beat.timeout': '15000',
  'preserved.ip.delete.timeout': '30000',
};

/**
 * kill -9 of one node of three while SDK clients and a Nacos client (all three nodes in their
 * server list) beat. The Nacos 1.x Node client (nacos-naming 2.6.3) stalls its whole beat loop for
 * about 9 s on the request that was in flight to the killed node (urllib's timeout), as it would
 * against Nacos, so its instances keep Nacos's default 15 s timeout; the SDK clients fail over at
 * once and keep a 3 s one:
 * no beating instance is lost or marked unhealthy, and the dead node's expiry leases are taken
 * over: an instance that stopped beating still goes unhealthy, then away, exactly once each.
 */
describe('cluster mode: kill -9 of one node of three under beating load', () => {
  let cluster: TestCluster;
  const beaters = new Beaters(SERVICE, 16, 41_000);
  let nacos: NacosClient;
  const nacosKeys = ['127.0.0.1:48000', '127.0.0.1:48001'];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
    const servers = cluster.nodes.map((n) => `127.0.0.1:${n.server.port}`);
    await beaters.start(servers);
    nacos = await nacosNamingClient(servers);
    for (const key of nacosKeys) {
      const [ip, port] = key.split(':') as [string, string];
      await nacos.registerInstance('payments', { ip, port: Number(port), metadata: { ...NACOS_CLIENT_TIMINGS } });
    }
  }, 120_000);

  afterAll(async () => {
    await beaters.stop();
    await nacos?.close();
    await cluster?.close();
  });

  it('loses nobody, marks nobody unhealthy, and another node takes over expiry', async () => {
    await sleep(2 * INTERVAL_MS);
    const before = await hostsOn(cluster.nodes[0]!.server.baseUrl, SERVICE);
    expect([...beaters.keys, ...nacosKeys].filter((k) => before.get(k) !== true)).toEqual([]);
    // Kill the node that runs expiry for the payments shard, so that the takeover is exercised.
    const holderPid = await leaseHolderPid(cluster.redis.url, shardOf('public', SERVICE));
    const victim = cluster.nodes.find((n) => n.server.child.pid === holderPid) ?? cluster.nodes[0]!;
    const survivors = cluster.nodes.filter((n) => n !== victim).map((n) => n.server.baseUrl);
    const mark = await streamTip(cluster.redis.url);

    // An instance that registers once and never beats: it must still expire after the kill.
    expect((await register(survivors[0]!, 'payments', 49_999, { metadata: JSON.stringify(TIMINGS) })).status).toBe(200);
    const killedAt = Date.now();
    await victim.server.kill('SIGKILL');

    // Watch every survivor for longer than the Nacos client's timeout (its stall must end within it).
    const missing = new Set<string>();
    const survivorPids = cluster.nodes.filter((n) => n !== victim).map((n) => n.server.child.pid);
    let takenOverMs: number | undefined;
    let reads = 0;
    let fiveXx = 0;
    while (Date.now() - killedAt < 16_000) {
      for (const url of survivors) {
        const { status, hosts } = await listOn(url, SERVICE);
        reads++;
        if (status >= 500) fiveXx++;
        for (const key of [...beaters.keys, ...nacosKeys]) if (hosts.get(key) !== true) missing.add(`${key} on ${url}`);
      }
      if (takenOverMs === undefined) {
        const holder = await leaseHolderPid(cluster.redis.url, shardOf('public', SERVICE));
        if (survivorPids.includes(holder)) takenOverMs = Date.now() - killedAt;
      }
      await sleep(200);
    }
    expect([...missing]).toEqual([]);

    const transitions = await transitionsSince(cluster.redis.url, mark);
    const about = (keys: string[]) => transitions.filter((t) => keys.some((k) => t.endsWith(` ${k}`)));
    expect(about([...beaters.keys, ...nacosKeys]).filter((t) => !t.startsWith('healthy'))).toEqual([]);
    expect(transitions.filter((t) => t.endsWith('127.0.0.1:49999'))).toEqual([
      'unhealthy 127.0.0.1:49999',
      'expired 127.0.0.1:49999',
    ]);
    for (const url of survivors) expect((await hostsOn(url, SERVICE)).has('127.0.0.1:49999')).toBe(false);
    reportFault('kill -9 of one node of three', {
      lost: missing.size,
      falseTransitions: about([...beaters.keys, ...nacosKeys]).filter((t) => !t.startsWith('healthy')).length,
      convergeMs: takenOverMs ?? -1,
      convergedFrom: "from the kill to a survivor holding the dead node's expiry lease",
      fiveXx,
      requests: reads,
    });
  }, 60_000);
});
