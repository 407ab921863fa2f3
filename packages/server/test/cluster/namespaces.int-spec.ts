import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { register, sleep, startCluster, type TestCluster } from './support/cluster.js';

/**
 * Issue 24, item 4, in cluster mode: a namespace a registration made by using an unknown id is a
 * record in PostgreSQL, listed by every node on every face; deleted on one node, it is gone from
 * every node and from the database.
 */
describe('cluster mode: one truth about namespaces on every node', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  async function storedNamespaces(): Promise<{ id: string; name: string }[]> {
    const client = new pg.Client({ connectionString: cluster.postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; record: { name: string } }>(
        'SELECT id, record FROM namespaces ORDER BY id',
      );
      return rows.map((r) => ({ id: r.id, name: r.record.name }));
    } finally {
      await client.end();
    }
  }

  /** The namespace ids a node lists on the Nacos console API and on the native API, once they agree on `expected`. */
  async function listedOn(baseUrl: string, expected: string[]): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const nacos = (await (await fetch(`${baseUrl}/nacos/v1/console/namespaces`)).json()) as {
        data: { namespace: string }[];
      };
      const native = (await (await fetch(`${baseUrl}/api/v1/namespaces`)).json()) as { id: string }[];
      const faces = [nacos.data.map((n) => n.namespace || 'public'), native.map((n) => n.id)];
      if (faces.every((ids) => JSON.stringify(ids) === JSON.stringify(expected))) return;
      if (Date.now() > deadline) expect(faces).toEqual([expected, expected]);
      await sleep(20);
    }
  }

  it('a registration into an unknown id on one node makes a namespace in PostgreSQL that every node lists', async () => {
    const [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    expect((await register(a, 'orders', 9001, { namespaceId: 'sprang' })).status).toBe(200);
    expect(await storedNamespaces()).toEqual([{ id: 'sprang', name: 'sprang' }]);
    await listedOn(a, ['public', 'sprang']);
    await listedOn(b, ['public', 'sprang']);
  });

  it('emptied and deleted on one node, the namespace is gone from every node and from the database', async () => {
    const [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    const params = new URLSearchParams({ namespaceId: 'sprang', serviceName: 'orders', ip: '127.0.0.1', port: '9001' });
    expect(await (await fetch(`${b}/nacos/v1/ns/instance?${params}`, { method: 'DELETE' })).text()).toBe('ok');
    params.delete('ip');
    params.delete('port');
    expect(await (await fetch(`${b}/nacos/v1/ns/service?${params}`, { method: 'DELETE' })).text()).toBe('ok');
    expect((await fetch(`${b}/api/v1/namespaces/sprang`, { method: 'DELETE' })).status).toBe(204);
    expect(await storedNamespaces()).toEqual([]);
    await listedOn(b, ['public']);
    await listedOn(a, ['public']);
  });
});
