import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, sleep, startCluster, type TestCluster } from './support/cluster.js';

/**
 * Issue 24, item 8, in cluster mode: every node reports the same services down from its view of
 * the registry (so alert rules aggregate nodes with `max`), whichever node heard the change.
 */
describe('cluster mode: the alerting series on every node', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  /** The services-down sample lines of one node, without the since-when values. */
  async function downOn(baseUrl: string): Promise<string[]> {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    return (
      text
        .split('\n')
        .filter((l) =>
          /^beacon_(services_no_healthy_instances|services_lost_all_instances|service_down_since_seconds)\{/.test(l),
        )
        // since when differs by a few ms between nodes (each applies the change when it hears it)
        .map((l) => (l.startsWith('beacon_service_down_since_seconds') ? l.replace(/ [\d.]+$/, '') : l))
    );
  }

  it('a service left without a healthy instance on one node and one that lost its instances on the other show on both', async () => {
    const [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    expect((await register(a, 'sick', 9101, { healthy: 'false' })).status).toBe(200);
    expect((await register(a, 'gone', 9102)).status).toBe(200);
    const params = new URLSearchParams({ serviceName: 'gone', ip: '127.0.0.1', port: '9102' });
    expect(await (await fetch(`${b}/nacos/v1/ns/instance?${params}`, { method: 'DELETE' })).text()).toBe('ok');

    const expected = [
      'beacon_services_no_healthy_instances{group="DEFAULT_GROUP",namespace="public"} 1',
      'beacon_services_lost_all_instances{group="DEFAULT_GROUP",namespace="public"} 1',
      'beacon_service_down_since_seconds{group="DEFAULT_GROUP",namespace="public",reason="lost_all_instances",service="gone"}',
      'beacon_service_down_since_seconds{group="DEFAULT_GROUP",namespace="public",reason="no_healthy_instances",service="sick"}',
    ];
    for (const node of [a, b]) {
      const deadline = Date.now() + 5000;
      let seen = await downOn(node);
      while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
        await sleep(20);
        seen = await downOn(node);
      }
      expect(seen, node).toEqual(expected);
    }
  });
});
