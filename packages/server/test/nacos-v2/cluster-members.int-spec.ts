/**
 * /nacos/v2/core/cluster/node/list in cluster mode (real redis-server and PostgreSQL, built nodes as
 * child processes on 127.0.0.1): every live node, at the address it announces, and a killed node
 * leaves the list once its key lapses (about 3 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../cluster/support/cluster.js';

interface Member {
  ip: string;
  port: number;
  state: string;
  address: string;
}

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
}, 120_000);

afterAll(() => cluster?.close());

async function members(baseUrl: string, query = ''): Promise<Member[]> {
  const res = await fetch(`${baseUrl}/nacos/v2/core/cluster/node/list${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Member[] }).data;
}

describe('cluster members', () => {
  it('every node lists every live node, UP, at its HTTP address', async () => {
    const addresses = cluster.nodes.map((n) => `127.0.0.1:${n.server.port}`).sort();
    for (const node of cluster.nodes) {
      const listed = await members(node.server.baseUrl);
      expect(listed.map((m) => m.address).sort()).toEqual(addresses);
      expect(listed.every((m) => m.state === 'UP' && m.ip === '127.0.0.1')).toBe(true);
    }
    const first = cluster.nodes[0]!.server;
    expect(await members(first.baseUrl, `?address=${encodeURIComponent(`127.0.0.1:${first.port}`)}`)).toHaveLength(1);
  });

  it('a killed node leaves the list once its key lapses', async () => {
    const [alive, killed] = [cluster.nodes[0]!.server, cluster.nodes[1]!.server];
    await killed.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    let listed = await members(alive.baseUrl);
    while (listed.length > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      listed = await members(alive.baseUrl);
    }
    expect(listed.map((m) => m.address)).toEqual([`127.0.0.1:${alive.port}`]);
  });
});
