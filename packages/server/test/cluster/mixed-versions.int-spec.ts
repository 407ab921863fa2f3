import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANGE_STREAM,
  instanceScriptKeys,
  memberOf,
  shardKeys,
  shardOf,
  type StoredRegistration,
} from '../../src/cluster/engines/redis-layout.js';
import { withScripts, type ScriptedRedis } from '../../src/cluster/engines/redis-scripts.js';
import { transitionsSince } from './support/beaters.js';
import { reportFault } from './support/fault-figures.js';
import { hostsOn, register, sleep, startCluster, type TestCluster } from './support/cluster.js';

const SERVICE = 'DEFAULT_GROUP@@orders';
const NEXT = 'next-version-node';
const NEW_KIND = 'registerInstanceWithTags';

/** An instance into Redis as this release's script writes it, with no stream entry. */
async function putInRedis(redis: ScriptedRedis, port: number): Promise<void> {
  const address = { namespaceId: 'public', serviceName: SERVICE, clusterName: 'DEFAULT', ip: '127.0.0.1', port };
  const registration: StoredRegistration = {
    ...address,
    weight: 1,
    enabled: true,
    healthy: true,
    metadata: {},
    app: '',
  };
  const k = shardKeys(shardOf('public', SERVICE));
  await redis.beaconUpsert(
    ...instanceScriptKeys(k),
    k.holders,
    memberOf(address),
    JSON.stringify(registration),
    `15000,30000,1,0,${Date.now()}`,
    NEXT,
    '',
    '0',
    100_000,
    '',
    0,
  );
}

/** A newer node's registration: the instance into Redis, announced by a kind this release does not know. */
async function registerAsNextVersion(redis: ScriptedRedis, port: number): Promise<void> {
  await putInRedis(redis, port);
  const m = JSON.stringify({ kind: NEW_KIND, args: [{ port, tags: ['canary'] }] });
  await redis.xadd(CHANGE_STREAM, '*', 'v', '1', 'o', NEXT, 'm', m, 's', JSON.stringify(['public', SERVICE]));
}

/** A newer node's deregistration in a format version this release does not know (2). */
async function deregisterInFormat2(redis: Redis, port: number): Promise<void> {
  const member = memberOf({
    namespaceId: 'public',
    serviceName: SERVICE,
    clusterName: 'DEFAULT',
    ip: '127.0.0.1',
    port,
  });
  const k = shardKeys(shardOf('public', SERVICE));
  await redis
    .multi()
    .hdel(k.inst, member)
    .hdel(k.meta, member)
    .zrem(k.due, member)
    .xadd(CHANGE_STREAM, '*', 'v', '2', 'o', NEXT, 'op', 'deregister', 'member', member)
    .exec();
}

async function skippedOn(url: string, what: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`beacon_cluster_stream_entries_skipped_total{what="${what}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/**
 * A rolling upgrade: nodes of this release beside one of the next, which writes a new kind of
 * entry and one in a newer format version (simulated by writing to the engines and the stream as
 * it would). This release skips what it does not know, counts and logs it, and reloads its view
 * from the engines, so every node lists the same instances; entries of the previous release (no
 * version field) are applied as before.
 */
describe('cluster mode: nodes of two versions on one change stream', () => {
  let cluster: TestCluster;
  let redis: ScriptedRedis;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
    redis = withScripts(new Redis(cluster.redis.url));
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.close();
  });

  it('converges on every node, with no crash, when a newer node writes entries it does not know', async () => {
    const nodes = cluster.nodes.map((n) => n.server.baseUrl);
    // Creates the service (durable), and one instance the newer node will deregister.
    expect((await register(nodes[0]!, 'orders', 47_000)).status).toBe(200);
    expect((await register(nodes[1]!, 'orders', 47_001)).status).toBe(200);

    // The previous release's entry (no version field) is applied as it comes.
    await putInRedis(redis, 47_002);
    await redis.xadd(
      CHANGE_STREAM,
      '*',
      'o',
      'previous-version-node',
      'm',
      JSON.stringify({
        kind: 'registerInstance',
        args: [
          {
            ...{ namespaceId: 'public', serviceName: SERVICE, clusterName: 'DEFAULT', ip: '127.0.0.1', port: 47_002 },
            ...{ weight: 1, enabled: true, healthy: true, ephemeral: true, metadata: {}, app: '' },
          },
        ],
      }),
    );
    const listedEverywhere = async (expected: string[]) => {
      for (const url of nodes)
        if ([...(await hostsOn(url, SERVICE)).keys()].sort().join() !== expected.join()) return false;
      return true;
    };
    /** How long until every node lists `expected` (at most 5 s). */
    const convergence = async (expected: string[]) => {
      const from = Date.now();
      while (!(await listedEverywhere(expected)) && Date.now() - from < 5000) await sleep(20);
      expect(await listedEverywhere(expected)).toBe(true);
      return Date.now() - from;
    };
    await convergence(['127.0.0.1:47000', '127.0.0.1:47001', '127.0.0.1:47002']);
    const logs = () => cluster.nodes.map(({ server }) => server.stdout() + server.stderr());
    for (const log of logs()) expect(log).not.toContain('skipped a change stream entry');

    // A new kind naming its service: every other node reloads just that service.
    await registerAsNextVersion(redis, 47_003);
    const newKindMs = await convergence(['127.0.0.1:47000', '127.0.0.1:47001', '127.0.0.1:47002', '127.0.0.1:47003']);
    for (const log of logs()) {
      expect(log).toContain(
        `reconciled ${SERVICE} in this node's view with the engines ` +
          `(it skipped change stream entries it does not know (kind ${NEW_KIND}))`,
      );
    }

    // An entry in a newer format version: nothing in it can be trusted, the whole view is reloaded.
    await deregisterInFormat2(redis, 47_001);
    const newVersionMs = await convergence(['127.0.0.1:47000', '127.0.0.1:47002', '127.0.0.1:47003']);
    for (const log of logs()) {
      expect(log).toContain(
        "reconciled this node's view with the engines (it skipped change stream entries it does not know (format version 2))",
      );
    }

    // A flood of new entries: one warning per kind, every one counted, reloads spaced.
    for (let i = 0; i < 50; i++) await registerAsNextVersion(redis, 47_003);
    await sleep(1500);

    for (const [i, { server }] of cluster.nodes.entries()) {
      expect(server.child.exitCode).toBeNull();
      const log = server.stdout() + server.stderr();
      const warned = (what: string) =>
        log.split(`skipped a change stream entry of ${what} from node ${NEXT}`).length - 1;
      expect(warned(`kind ${NEW_KIND}`)).toBe(1);
      expect(warned('format version 2')).toBe(1);
      expect(await skippedOn(nodes[i]!, `kind ${NEW_KIND}`)).toBe(51);
      expect(await skippedOn(nodes[i]!, 'format version 2')).toBe(1);
    }
    // Nothing was taken for a change it was not: the instances are as the engines hold them, healthy.
    for (const url of nodes) expect([...(await hostsOn(url, SERVICE)).values()]).toEqual([true, true, true]);
    const falseTransitions = (await transitionsSince(cluster.redis.url)).filter((t) => !t.startsWith('healthy'));
    expect(falseTransitions).toEqual([]);

    // The nodes go on replicating as before.
    expect((await register(nodes[2]!, 'orders', 47_004)).status).toBe(200);
    await sleep(200);
    for (const url of nodes) expect((await hostsOn(url, SERVICE)).has('127.0.0.1:47004')).toBe(true);

    reportFault('a newer node writes entries of a new kind and format version', {
      lost: 0,
      falseTransitions: falseTransitions.length,
      convergeMs: Math.max(newKindMs, newVersionMs),
      convergedFrom:
        `from the entry written to the same instance list on all three nodes: new kind ${newKindMs} ms, ` +
        `new version ${newVersionMs} ms`,
      fiveXx: 0,
      requests: 3,
    });
  }, 60_000);
});
