import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, sleep, startCluster, type TestCluster } from './support/cluster.js';

/**
 * Bulk edits and a service's default beat interval in cluster mode: what one node applies, every
 * node serves (instances' overrides, the service setting), and beats answered by another node carry it.
 */
describe('cluster mode: bulk and service-wide edits', () => {
  let cluster: TestCluster;
  let a: string;
  let b: string;
  const PORTS = [31_001, 31_002, 31_003];
  const path = '/api/v1/namespaces/public/services/DEFAULT_GROUP/fleet';

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
    [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    for (const port of PORTS) expect((await register(a, 'fleet', port)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  const send = (url: string, method: string, body: unknown) =>
    fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** Polls a node until `check` holds for the service detail it serves (the view follows the stream). */
  async function eventually(url: string, check: (detail: Detail) => boolean): Promise<Detail> {
    const started = Date.now();
    for (;;) {
      const detail = (await (await fetch(url + path)).json()) as Detail;
      if (check(detail)) return detail;
      if (Date.now() - started > 5000) throw new Error(`not reached on ${url}: ${JSON.stringify(detail)}`);
      await sleep(20);
    }
  }

  async function beatInterval(url: string, port: number): Promise<number> {
    const beat = JSON.stringify({ serviceName: 'DEFAULT_GROUP@@fleet', ip: '127.0.0.1', port, cluster: 'DEFAULT' });
    const params = new URLSearchParams({
      serviceName: 'DEFAULT_GROUP@@fleet',
      ip: '127.0.0.1',
      port: String(port),
      beat,
    });
    const res = await fetch(`${url}/nacos/v1/ns/instance/beat?${params}`, { method: 'PUT' });
    expect(res.status).toBe(200);
    return ((await res.json()) as { clientBeatInterval: number }).clientBeatInterval;
  }

  it('applies a bulk edit made on one node on every node', async () => {
    const res = await send(b + path + '/instances', 'PATCH', {
      instances: PORTS.map((port) => ({ clusterName: 'DEFAULT', ip: '127.0.0.1', port })),
      patch: { enabled: false, weight: 3 },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { updated: number }).updated).toBe(3);
    const instances = (d: Detail) => d.clusters.flatMap((c) => c.instances);
    await eventually(a, (d) => instances(d).every((i) => !i.enabled && i.weight === 3 && i.enabledOverridden));
  });

  it("serves a service's default beat interval set on one node in the other node's beat replies", async () => {
    const res = await send(a + path, 'PUT', { defaultBeatIntervalMs: 2500 });
    expect(res.status).toBe(200);
    await eventually(b, (d) => d.defaultBeatIntervalMs === 2500);
    expect(await beatInterval(b, PORTS[0]!)).toBe(2500);
  });
});

interface Detail {
  defaultBeatIntervalMs?: number;
  clusters: { instances: { enabled: boolean; weight: number; enabledOverridden: boolean }[] }[];
}
