/**
 * Issue 21, item 5: the Redis change stream was bounded by count only, so one writer of large
 * entries (16 KiB of metadata each) could make it hold gigabytes. It is bounded by bytes too.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, startCluster, type TestCluster } from './support/cluster.js';

const METADATA = JSON.stringify({ blob: 'b'.repeat(15 * 1024) });
const REGISTRATIONS = 1800;

describe('cluster mode: the change stream under large entries', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, env: { BEACON_CLUSTER_STREAM_MAX_BYTES: String(1024 * 1024) } });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('keeps about the byte budget (never under 1000 entries), not the 100,000 entries of the count bound', async () => {
    const url = cluster.nodes[0]!.server.baseUrl;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < REGISTRATIONS) {
          const port = 20_000 + next++;
          const res = await register(url, 'large', port, { metadata: METADATA });
          expect(res.status).toBe(200);
        }
      }),
    );
    const redis = new Redis(cluster.redis.url);
    try {
      const length = await redis.xlen('beacon:changes');
      // `MAXLEN ~` trims whole macro nodes (100 entries each): the floor of 1000 plus some slack.
      expect(length).toBeGreaterThanOrEqual(1000);
      expect(length).toBeLessThan(1300);
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});
