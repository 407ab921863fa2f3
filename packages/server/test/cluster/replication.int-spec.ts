import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { streamTip, transitionsSince } from './support/beaters.js';
import { hostsOn, percentile, register, sleep, startCluster, type TestCluster } from './support/cluster.js';

/**
 * Three nodes started at once on empty engines share one registry: whatever lands on one node is
 * served by every node, quickly.
 */
describe('cluster mode: three nodes on one Redis and one PostgreSQL', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('migrates the schema exactly once although the three nodes started together', async () => {
    const client = new pg.Client({ connectionString: cluster.postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    } finally {
      await client.end();
    }
  });

  it('creates no SQLite file: a cluster node keeps its durable state in PostgreSQL only', () => {
    for (const node of cluster.nodes) expect(existsSync(join(node.dataDir, 'beacon.db'))).toBe(false);
  });

  it('serves a registration made on one node from the others within 100 ms at p99', async () => {
    const [a, b, c] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string, string];
    // The first instance creates the service (a durable write); the rest are Redis-only.
    expect((await register(a, 'orders', 30_000)).status).toBe(200);
    const lags: number[] = [];
    for (let i = 1; i <= 40; i++) {
      const origin = [a, b, c][i % 3]!;
      const others = [a, b, c].filter((u) => u !== origin);
      const res = await register(origin, 'orders', 30_000 + i);
      const acknowledged = Date.now();
      expect(res.status).toBe(200);
      for (const other of others) {
        for (;;) {
          if ((await hostsOn(other, 'DEFAULT_GROUP@@orders')).has(`127.0.0.1:${30_000 + i}`)) break;
          if (Date.now() - acknowledged > 5000) throw new Error(`instance ${i} never reached ${other}`);
          await sleep(2);
        }
        lags.push(Date.now() - acknowledged);
      }
    }
    const p99 = percentile(lags, 99);
    console.log(
      `view lag after acknowledgement: p50 ${percentile(lags, 50)} ms, p99 ${p99} ms (${lags.length} samples)`,
    );
    expect(p99).toBeLessThanOrEqual(100);
    for (const url of [a, b, c]) expect((await hostsOn(url, 'DEFAULT_GROUP@@orders')).size).toBe(41);
  });

  it('keeps durable state in PostgreSQL: a namespace created on one node exists on the others and in the database', async () => {
    const [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    const create = await fetch(`${a}/nacos/v1/console/namespaces`, {
      method: 'POST',
      body: new URLSearchParams({ customNamespaceId: 'team-a', namespaceName: 'Team A', namespaceDesc: 'd' }),
    });
    expect(await create.text()).toBe('true');
    const client = new pg.Client({ connectionString: cluster.postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM namespaces');
      expect(rows.map((r) => r.id)).toEqual(['team-a']);
    } finally {
      await client.end();
    }
    await sleep(100);
    const list = (await (await fetch(`${b}/nacos/v1/console/namespaces`)).json()) as { data: { namespace: string }[] };
    expect(list.data.map((n) => n.namespace)).toContain('team-a');
  });

  it('a beat on one node heals, on every node, an instance Redis marked unhealthy: one change each way', async () => {
    const [a, b, c] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string, string];
    const service = 'DEFAULT_GROUP@@healed';
    const from = await streamTip(cluster.redis.url);
    // Unhealthy after 2 s of silence; a second instance stays healthy, so the protect threshold
    // (0: all unhealthy shows all healthy) does not hide it.
    const timings = { 'preserved.heart.beat.timeout': '2000', 'preserved.ip.delete.timeout': '60000' };
    expect((await register(a, 'healed', 47_000, { metadata: JSON.stringify(timings) })).status).toBe(200);
    expect((await register(a, 'healed', 47_001)).status).toBe(200);
    const everywhere = async (healthy: boolean) => {
      const started = Date.now();
      while (Date.now() - started < 5000) {
        const seen = await Promise.all([a, b, c].map((url) => hostsOn(url, service)));
        if (seen.every((hosts) => hosts.get('127.0.0.1:47000') === healthy)) return true;
        await sleep(20);
      }
      return false;
    };
    expect(await everywhere(false)).toBe(true);

    const beat = await fetch(`${b}/nacos/v1/ns/instance/beat?serviceName=healed&ip=127.0.0.1&port=47000`, {
      method: 'PUT',
    });
    expect(((await beat.json()) as { code: number }).code).toBe(10200);
    expect(await everywhere(true)).toBe(true);
    const transitions = (await transitionsSince(cluster.redis.url, from)).filter((t) => t.endsWith(':47000'));
    expect(transitions.slice(0, 2)).toEqual(['unhealthy 127.0.0.1:47000', 'healthy 127.0.0.1:47000']);
  });

  it('a node started later loads what the cluster holds', async () => {
    const late = await cluster.startNode();
    const hosts = await hostsOn(late.server.baseUrl, 'DEFAULT_GROUP@@orders');
    expect(hosts.size).toBe(41);
  });
});
