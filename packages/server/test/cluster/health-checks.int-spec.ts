import { createServer, type AddressInfo, type Server } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRecord } from '@beacon/core';
import { shardOf } from '../../src/cluster/engines/redis-layout.js';
import { leaseHolderPid } from './support/beaters.js';
import { register, sleep, startCluster, type TestCluster } from './support/cluster.js';

const SERVICE = 'DEFAULT_GROUP@@checked-db';
const IP = '127.0.0.7';
/** The TCP checker's shortest interval (Nacos): one node probing opens at most one connection per second. */
const TCP_MIN_INTERVAL_MS = 1000;

/** A real listening socket at IP that counts the connections it accepts (each one a TCP check). */
class CheckedSocket {
  accepted: number[] = [];
  private server: Server | undefined;
  port = 0;

  async open(): Promise<void> {
    const server = createServer((socket) => {
      this.accepted.push(Date.now());
      socket.on('error', () => undefined); // the prober resets the connection once it is up
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(this.port, IP, resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  since(at: number): number {
    return this.accepted.filter((t) => t >= at).length;
  }
}

async function until(what: string, predicate: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await predicate()) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

/**
 * Active checks of a persistent instance in cluster mode: only the node holding the service's shard
 * lease probes it; what a check decides is written to PostgreSQL and the change stream once, so
 * every node answers the same health; the last check record reaches every node through Redis
 * (check-records.ts); when the probing node is killed the other takes over.
 */
describe('cluster mode: active health checks run once cluster-wide, their results shared', () => {
  let cluster: TestCluster;
  const target = new CheckedSocket();

  beforeAll(async () => {
    await target.open();
    cluster = await startCluster({ nodes: 2 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    await target.close();
  });

  const urls = () => cluster.nodes.map((n) => n.server.baseUrl);
  const key = () => `${IP}:${target.port}`;
  /** The catalog, not the instance list: with one instance, Nacos's protect threshold would show it healthy. */
  const healthOn = async (url: string) => {
    const params = new URLSearchParams({ serviceName: SERVICE, clusterName: 'DEFAULT', pageNo: '1', pageSize: '10' });
    const res = await fetch(`${url}/nacos/v1/ns/catalog/instances?${params}`);
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as { list: { ip: string; port: number; healthy: boolean }[] };
    return body.list.find((i) => `${i.ip}:${i.port}` === key())?.healthy;
  };
  const everywhere = (healthy: boolean, on: string[]) => async () =>
    (await Promise.all(on.map(healthOn))).every((h) => h === healthy);
  /** The health PostgreSQL holds (a connection per call: the server is stopped in one test). */
  const storedHealth = async () => {
    const db = new pg.Client({ connectionString: cluster.postgres.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ record: { healthy: boolean } }>(
        'SELECT record FROM instances WHERE ip = $1 AND port = $2',
        [IP, target.port],
      );
      return rows[0]?.record.healthy;
    } finally {
      await db.end();
    }
  };
  /** The last check record one node's native API shows for the instance (as the console does). */
  const lastCheckOn = async (url: string) => {
    const res = await fetch(`${url}/api/v1/namespaces/public/services/DEFAULT_GROUP/checked-db`);
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as { clusters: { instances: { port: number; lastCheck?: CheckRecord }[] }[] };
    return body.clusters.flatMap((c) => c.instances).find((i) => i.port === target.port)?.lastCheck;
  };
  /** Every node shows a record of a check settled after `since` that passes `test`. */
  const recordEverywhere = (since: number, test: (record: CheckRecord) => boolean) => async () =>
    (await Promise.all(urls().map(lastCheckOn))).every((r) => r !== undefined && r.at >= since && test(r));
  /** The check results appended to the change stream, in order. */
  const sharedResults = async (): Promise<boolean[]> => {
    const redis = new Redis(cluster.redis.url);
    try {
      const entries = (await redis.xrange('beacon:changes', '-', '+')) as [string, string[]][];
      return entries
        .map(([, fields]) => fields[fields.indexOf('m') + 1] ?? '')
        .filter((m) => m.includes('"setCheckedHealth"'))
        .map((m) => (JSON.parse(m) as { args: [unknown, boolean] }).args[1]);
    } finally {
      redis.disconnect();
    }
  };

  it('one node probes; a closed socket is unhealthy on both, a reopened one healthy on both', async () => {
    const reg = await register(urls()[0]!, SERVICE, target.port, { ip: IP, ephemeral: 'false' });
    expect(await reg.text()).toBe('ok');
    await until('healthy on both nodes', everywhere(true, urls()), 5000);
    // The first check comes 2 to 7 s after the cluster task starts (Nacos's spread).
    await until('a first check', async () => target.accepted.length > 0, 15_000);

    // Over 5 s, one prober opens at most 6 connections; two would open about 10.
    const windowStart = Date.now();
    await sleep(5 * TCP_MIN_INTERVAL_MS);
    const probes = target.since(windowStart);
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(probes).toBeLessThanOrEqual(6);
    // A check that agrees with the view writes nothing.
    expect(await sharedResults()).toEqual([]);

    await target.close();
    await until('unhealthy on both nodes', everywhere(false, urls()), 5000);
    expect(await storedHealth()).toBe(false);

    await target.open();
    // Three consecutive good checks, at least a second apart.
    await until('healthy again on both nodes', everywhere(true, urls()), 10_000);
    expect(await storedHealth()).toBe(true);
    expect(await sharedResults()).toEqual([false, true]);
  }, 60_000);

  it("every node shows the last check's time and outcome, then its failure reason", async () => {
    // Only one node probes: the other's record can only come from it (through Redis).
    const holderPid = await leaseHolderPid(cluster.redis.url, shardOf('public', SERVICE));
    expect(cluster.nodes.filter((n) => n.server.child.pid === holderPid)).toHaveLength(1);

    const okSince = Date.now();
    const okAfter = await until(
      'a recent ok record on both nodes',
      recordEverywhere(okSince, (r) => r.outcome === 'ok'),
      5000,
    );
    console.log(`an ok check shown on both nodes ${okAfter} ms after asking`);
    for (const record of await Promise.all(urls().map(lastCheckOn))) {
      expect(record!.reason).toBeUndefined();
      // A few seconds stale at most: a check every second, written and read once a second.
      expect(Date.now() - record!.at).toBeLessThan(4000);
    }

    const closedAt = Date.now();
    await target.close();
    const failedAfter = await until(
      'the failure reason on both nodes',
      recordEverywhere(closedAt, (r) => r.outcome !== 'ok' && r.reason === 'connection refused'),
      6000,
    );
    console.log(`a failed check shown on both nodes ${failedAfter} ms after the socket closed`);

    const reopenedAt = Date.now();
    await target.open();
    await until('healthy again on both nodes', everywhere(true, urls()), 10_000);
    // Back to ok; the failure is kept for operators ("what went wrong at 03:12").
    await until(
      'an ok record keeping the last failure on both nodes',
      recordEverywhere(reopenedAt, (r) => r.outcome === 'ok' && r.lastFailureReason === 'connection refused'),
      5000,
    );
  }, 60_000);

  it('PostgreSQL down: a result is dropped and nobody changes; once it is back the next check writes it', async () => {
    const shared = (await sharedResults()).length;
    await cluster.postgres.stop();
    try {
      await target.close();
      // Refused connections fail at once, so each of these checks decides "unhealthy" and is refused.
      await sleep(3 * TCP_MIN_INTERVAL_MS);
      expect(await Promise.all(urls().map(healthOn))).toEqual([true, true]);
    } finally {
      await cluster.postgres.start();
    }
    await until('unhealthy on both nodes once PostgreSQL is back', everywhere(false, urls()), 10_000);
    expect(await storedHealth()).toBe(false);
    await target.open();
    await until('healthy again on both nodes', everywhere(true, urls()), 10_000);
    expect((await sharedResults()).slice(shared)).toEqual([false, true]);
  }, 60_000);

  it('Redis away: the nodes go on and warn at most every 5 s; once it is back, new records show on both', async () => {
    const warnings = () =>
      cluster.nodes.map(
        (n) => (n.server.stdout() + n.server.stderr()).split('check records are not shared').length - 1,
      );
    const before = warnings();
    const stoppedAt = Date.now();
    await cluster.redis.stop();
    try {
      await sleep(7000);
      for (const record of await Promise.all(urls().map(lastCheckOn))) expect(record).toBeDefined();
    } finally {
      await cluster.redis.start();
    }
    const outageMs = Date.now() - stoppedAt;
    // (Commands wait in ioredis's queue while it reconnects, so a node may not warn at all.)
    warnings().forEach((count, i) => expect(count - before[i]!).toBeLessThanOrEqual(Math.ceil(outageMs / 5000) + 1));
    const backAt = Date.now();
    const after = await until(
      'new records on both nodes',
      recordEverywhere(backAt, (r) => r.outcome === 'ok'),
      10_000,
    );
    console.log(`records shared again ${after} ms after Redis came back (empty)`);
  }, 60_000);

  it('kill -9 of the probing node: the other takes the checks over within a few seconds', async () => {
    const shared = (await sharedResults()).length;
    const holderPid = await leaseHolderPid(cluster.redis.url, shardOf('public', SERVICE));
    const prober = cluster.nodes.find((n) => n.server.child.pid === holderPid);
    expect(prober).toBeDefined();
    const survivor = cluster.nodes.find((n) => n !== prober)!.server.baseUrl;

    const killedAt = Date.now();
    await prober!.server.kill('SIGKILL');
    // Its lease lapses (3 s), the survivor takes it at its next tick and probes at its next round.
    const tookOverAfter = await until('a check by the survivor', async () => target.since(killedAt + 100) > 0, 8000);
    console.log(`checks taken over ${tookOverAfter} ms after kill -9`);

    await target.close();
    await until('unhealthy on the survivor', everywhere(false, [survivor]), 5000);
    expect(await storedHealth()).toBe(false);
    await target.open();
    await until('healthy again on the survivor', everywhere(true, [survivor]), 10_000);
    expect(await storedHealth()).toBe(true);
    expect((await sharedResults()).slice(shared)).toEqual([false, true]);
  }, 60_000);
});
