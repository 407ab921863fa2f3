import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareIds } from '../../src/cluster/stream/change-stream.js';
import { streamTip } from './support/beaters.js';
import { hostsOn, register, sleep, startCluster, type TestCluster } from './support/cluster.js';

/** Small, so that a paused node falls further behind than the stream keeps within a test. */
const STREAM_MAXLEN = 100;

const nacos = (base: string, path: string, method: string, params: Record<string, string>) =>
  fetch(`${base}/nacos/v1/ns/${path}?${new URLSearchParams(params)}`, { method });

const protectThresholdOn = async (base: string, serviceName: string): Promise<number | undefined> => {
  const res = await nacos(base, 'service', 'GET', { serviceName });
  return res.status === 200 ? ((await res.json()) as { protectThreshold: number }).protectThreshold : undefined;
};

async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

/**
 * Makes PostgreSQL refuse every service record whose metadata holds `entry` (`key=value`): on the
 * row write (BEFORE), or only when the transaction commits (AT COMMIT, a deferred constraint trigger).
 */
async function refuseServices(db: pg.Client, entry: string, when: 'BEFORE' | 'AT COMMIT'): Promise<void> {
  const [key, value] = entry.split('=') as [string, string];
  const name = when === 'BEFORE' ? 'refuse_on_write' : 'refuse_at_commit';
  await db.query(`
    CREATE FUNCTION ${name}() RETURNS trigger AS $$
    BEGIN
      IF NEW.record->'metadata'->>'${key}' = '${value}' THEN RAISE EXCEPTION 'refused by the test: ${entry}'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    ${
      when === 'BEFORE'
        ? `CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON services`
        : `CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT OR UPDATE ON services DEFERRABLE INITIALLY DEFERRED`
    } FOR EACH ROW EXECUTE FUNCTION ${name}();
  `);
}

const editOrders = (base: string, protectThreshold: string, metadata = '') =>
  nacos(base, 'service', 'PUT', { serviceName: 'orders', protectThreshold, metadata });

/** 503, with PostgreSQL's refusal (refuseServices) in the message. */
async function expectRefused(res: Response, entry: string): Promise<void> {
  expect(res.status).toBe(503);
  expect(await res.text()).toContain(`refused by the test: ${entry}`);
}

const sameKeys = (a: Map<string, boolean>, b: Map<string, boolean>) =>
  JSON.stringify([...a.keys()].sort()) === JSON.stringify([...b.keys()].sort());

/**
 * A node's view never stays out of step with the engines: a durable write that fails after the
 * view applied it is taken back out of it, a node further behind than the stream keeps reloads,
 * and operator edits of many instances reach the timings Redis expires them by.
 */
describe('cluster mode: a view reconciled with the engines', () => {
  let cluster: TestCluster;
  let a: string;
  let b: string;
  let db: pg.Client;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, env: { BEACON_CLUSTER_STREAM_MAXLEN: String(STREAM_MAXLEN) } });
    [a, b] = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
    db = new pg.Client({ connectionString: cluster.postgres.url });
    await db.connect();
    redis = new Redis(cluster.redis.url);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await db?.end();
    await cluster?.close();
  });

  it('takes a durable write PostgreSQL refused after the view applied it back out of that view', async () => {
    expect((await nacos(a, 'service', 'POST', { serviceName: 'orders', protectThreshold: '0.1' })).status).toBe(200);
    expect(await within(2000, async () => (await protectThresholdOn(b, 'DEFAULT_GROUP@@orders')) === 0.1)).toBe(true);
    // PostgreSQL refuses any service record carrying metadata doom=1: the view has applied the
    // change by the time the journal is written, so this is a failure inside the durable write.
    await refuseServices(db, 'doom=1', 'BEFORE');

    await expectRefused(await editOrders(a, '0.9', 'doom=1'), 'doom=1');
    const create = await nacos(a, 'service', 'POST', { serviceName: 'ghost', metadata: 'doom=1' });
    expect(create.status).toBe(503);

    // Right after the answer, on the node that applied it as on the other: as the engines hold it.
    for (const url of [a, b]) {
      expect(await protectThresholdOn(url, 'DEFAULT_GROUP@@orders')).toBe(0.1);
      expect((await nacos(url, 'service', 'GET', { serviceName: 'ghost' })).status).not.toBe(200);
    }
    expect(cluster.nodes[0]!.server.stdout()).toMatch(
      /reconciled this node's view with the engines \(a durable updateService failed/,
    );
    const { rows } = await db.query<{ name: string }>('SELECT name FROM services ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(['DEFAULT_GROUP@@orders']);

    // And the node goes on: a write PostgreSQL takes works, on every node.
    expect((await editOrders(a, '0.3')).status).toBe(200);
    expect(await within(2000, async () => (await protectThresholdOn(b, 'DEFAULT_GROUP@@orders')) === 0.3)).toBe(true);
    expect(await protectThresholdOn(a, 'DEFAULT_GROUP@@orders')).toBe(0.3);
  }, 60_000);

  it('has every node take back a durable write whose COMMIT failed after it reached the stream', async () => {
    // Checked at COMMIT, after the mutation was appended: the other node has applied it by then.
    await refuseServices(db, 'doom=late', 'AT COMMIT');
    await expectRefused(await editOrders(a, '0.7', 'doom=late'), 'doom=late');

    expect(await protectThresholdOn(a, 'DEFAULT_GROUP@@orders')).toBe(0.3);
    expect(await within(2000, async () => (await protectThresholdOn(b, 'DEFAULT_GROUP@@orders')) === 0.3)).toBe(true);
    expect(cluster.nodes[0]!.server.stdout()).toMatch(/asked the other nodes to reconcile too/);
    expect(cluster.nodes[1]!.server.stdout()).toMatch(/appended a durable write it could not commit\): 1 difference/);
  }, 60_000);

  it('brings a node paused while more than MAXLEN changes were written back in step', async () => {
    const service = 'DEFAULT_GROUP@@parked';
    for (let port = 45_000; port < 45_005; port++) expect((await register(a, 'parked', port)).status).toBe(200);
    expect(await within(2000, async () => (await hostsOn(b, service)).size === 5)).toBe(true);

    const paused = cluster.nodes[1]!.server.child;
    const pausedAt = await streamTip(cluster.redis.url);
    paused.kill('SIGSTOP');
    try {
      // The first changes are trimmed away by the flood that follows.
      await nacos(a, 'instance', 'DELETE', { serviceName: 'parked', ip: '127.0.0.1', port: '45000' });
      expect((await register(a, 'parked', 45_010)).status).toBe(200);
      for (let i = 0; i < 4 * STREAM_MAXLEN; i++) {
        expect((await register(a, 'parked', 45_020 + (i % 20))).status).toBe(200);
      }
      // Trimmed past where the paused node stopped reading: it cannot catch up from the stream.
      const [oldest] = await redis.xrange('beacon:changes', '-', '+', 'COUNT', 1);
      expect(compareIds(oldest![0], pausedAt)).toBeGreaterThan(0);
    } finally {
      paused.kill('SIGCONT');
    }

    const expected = await hostsOn(a, service);
    expect(expected.size).toBe(25);
    expect(await within(3000, async () => sameKeys(await hostsOn(b, service), expected))).toBe(true);
    expect(cluster.nodes[1]!.server.stdout()).toMatch(/fell further behind than the change stream keeps/);

    // It tails again: a change after the reload reaches it.
    expect((await register(a, 'parked', 45_100)).status).toBe(200);
    expect(await within(2000, async () => (await hostsOn(b, service)).has('127.0.0.1:45100'))).toBe(true);
  }, 90_000);

  it('applies timings set by a metadata batch to expiry in Redis, and drops a deleted service from it', async () => {
    const service = 'DEFAULT_GROUP@@timed';
    // No beats: with the default timings these stay healthy for 15 s.
    for (const port of [46_000, 46_001]) expect((await register(a, 'timed', port)).status).toBe(200);
    const edited = await nacos(b, 'instance/metadata/batch', 'PUT', {
      serviceName: 'timed',
      instances: JSON.stringify([{ ip: '127.0.0.1', port: 46000, ephemeral: true }]),
      metadata: JSON.stringify({ 'preserved.heart.beat.timeout': '1500', 'preserved.ip.delete.timeout': '60000' }),
    });
    expect(edited.status).toBe(200);
    // The edited one is marked after its new 1.5 s timeout; the other keeps the default 15 s.
    // (Both unhealthy would show healthy: the protect threshold, 0, would be reached.)
    const expected = new Map([
      ['127.0.0.1:46000', false],
      ['127.0.0.1:46001', true],
    ]);
    const seen = async (url: string) => JSON.stringify([...(await hostsOn(url, service))].sort());
    expect(await within(5000, async () => (await seen(a)) === JSON.stringify([...expected]))).toBe(true);
    expect(await seen(b)).toBe(JSON.stringify([...expected]));

    const members = async () => {
      const all: string[] = [];
      for (let s = 0; s < 16; s++) all.push(...(await redis.hkeys(`beacon:{${s}}:meta`)));
      return all.filter((m) => m.includes('"DEFAULT_GROUP@@timed"'));
    };
    expect(await members()).toHaveLength(2);
    expect((await nacos(a, 'service', 'DELETE', { serviceName: 'timed' })).status).toBe(200);
    expect(await members()).toEqual([]);
  }, 60_000);
});
