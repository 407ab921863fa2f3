import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { hostsOn, register, sleep, startCluster, type TestCluster } from './support/cluster.js';
import { reportFault } from './support/fault-figures.js';

const namespaces = async (url: string) =>
  ((await (await fetch(`${url}/nacos/v1/console/namespaces`)).json()) as { data: { namespace: string }[] }).data.map(
    (n) => n.namespace,
  );

const createNamespace = (url: string, id: string) =>
  fetch(`${url}/nacos/v1/console/namespaces`, {
    method: 'POST',
    body: new URLSearchParams({ customNamespaceId: id, namespaceName: id }),
    signal: AbortSignal.timeout(15_000),
  });

/**
 * PostgreSQL down: durable writes fail fast with a clear 503 and change nothing anywhere, the
 * ephemeral traffic goes on, and once it is back the same write works, without restarting a node.
 */
describe('cluster mode: PostgreSQL down', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('refuses durable writes with 503, keeps ephemeral ones, and recovers by itself', async () => {
    const [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    expect((await register(a, 'inventory', 44_000)).status).toBe(200); // creates the service: durable

    await cluster.postgres.stop();
    const started = Date.now();
    const refused = await createNamespace(a, 'during-outage');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('PostgreSQL is unavailable, nothing was written');
    // A service that does not exist yet is durable too.
    expect((await register(b, 'brand-new', 44_100)).status).toBe(503);

    // Ephemeral traffic: an instance of a known service registers, beats, and is seen everywhere.
    expect((await register(b, 'inventory', 44_001)).status).toBe(200);
    const beat = await fetch(`${a}/nacos/v1/ns/instance/beat?serviceName=inventory&ip=127.0.0.1&port=44001`, {
      method: 'PUT',
    });
    expect(((await beat.json()) as { code: number }).code).toBe(10200);
    await sleep(100);
    for (const url of [a, b]) {
      expect([...(await hostsOn(url, 'DEFAULT_GROUP@@inventory')).keys()].sort()).toEqual([
        '127.0.0.1:44000',
        '127.0.0.1:44001',
      ]);
      expect(await namespaces(url)).not.toContain('during-outage');
      expect((await hostsOn(url, 'DEFAULT_GROUP@@brand-new')).size).toBe(0);
    }

    await cluster.postgres.start();
    const backAt = Date.now();
    let status = 0;
    const deadline = Date.now() + 10_000;
    while (status !== 200 && Date.now() < deadline) {
      status = (await createNamespace(b, 'after-outage')).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    const againMs = Date.now() - backAt;
    await sleep(100);
    for (const url of [a, b]) expect(await namespaces(url)).toContain('after-outage');
    const client = new pg.Client({ connectionString: cluster.postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM namespaces ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(['after-outage']);
    } finally {
      await client.end();
    }
    // Durable writes during the outage are refused by design (2 of 4 requests); the ephemeral ones went through.
    reportFault('PostgreSQL down', {
      lost: 0,
      falseTransitions: 0,
      convergeMs: againMs,
      convergedFrom: 'from PostgreSQL back to a durable write answered 200',
      fiveXx: 2,
      requests: 4,
    });
  }, 60_000);
});
