import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  Beaters,
  beatingCluster,
  INTERVAL_MS,
  instancesInRedis,
  streamTip,
  TIMINGS,
  transitionsSince,
} from './support/beaters.js';
import { hostsOn, register, sleep } from './support/cluster.js';
import { listOn, reportFault } from './support/fault-figures.js';

const SERVICE = 'DEFAULT_GROUP@@ledger';

interface Watched {
  /** `ip:port on node` for every beater not listed healthy at some read. */
  readonly missing: string[];
  readonly reads: number;
  readonly fiveXx: number;
}

/** Every beater is listed, healthy, on every node, for `forMs`; says what was not, and how the reads went. */
async function watchAllHealthy(nodes: string[], keys: string[], forMs: number): Promise<Watched> {
  const missing = new Set<string>();
  let reads = 0;
  let fiveXx = 0;
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    for (const url of nodes) {
      const { status, hosts } = await listOn(url, SERVICE);
      reads++;
      if (status >= 500) fiveXx++;
      for (const key of keys) if (hosts.get(key) !== true) missing.add(`${key} on ${url}`);
    }
    await sleep(200);
  }
  return { missing: [...missing], reads, fiveXx };
}

/** Registers until a registration is answered 200 (at most `ms`); how long that took. */
async function registeredAgainAfter(url: string, port: number, ms: number): Promise<number> {
  const from = Date.now();
  while ((await register(url, 'ledger', port)).status !== 200 && Date.now() - from < ms) await sleep(20);
  return Date.now() - from;
}

describe('cluster mode: Redis restarted empty', () => {
  const beaters = new Beaters(SERVICE, 10, 42_000);
  const clusterOf = beatingCluster({ nodes: 2 }, beaters);

  it('gets every instance back within one beat interval and expires nobody from stale data', async () => {
    const cluster = clusterOf();
    const nodes = cluster.nodes.map((n) => n.server.baseUrl);
    // One instance that never beats: after the restart it gets the grace of a fresh last beat, then goes.
    expect((await register(nodes[0]!, 'ledger', 42_999, { metadata: JSON.stringify(TIMINGS) })).status).toBe(200);
    await sleep(INTERVAL_MS);

    await cluster.redis.restartEmpty();
    const restartedAt = Date.now();
    let back = await instancesInRedis(cluster.redis.url);
    while (back < beaters.keys.length + 1 && Date.now() - restartedAt <= INTERVAL_MS + 1500) {
      await sleep(50);
      back = await instancesInRedis(cluster.redis.url);
    }
    const backWithin = Date.now() - restartedAt;
    console.log(`Redis restarted empty: ${back} instances back in Redis after ${backWithin} ms`);
    expect(back).toBe(beaters.keys.length + 1);
    expect(backWithin).toBeLessThanOrEqual(INTERVAL_MS + 1500);
    // Every node saw the loss, not only the first to reconnect (which writes the new epoch).
    const sawLoss = () =>
      cluster.nodes.filter((n) => (n.server.stdout() + n.server.stderr()).includes('Redis came back empty')).length;
    while (sawLoss() < cluster.nodes.length && Date.now() - restartedAt <= 5000) await sleep(50);
    expect(sawLoss()).toBe(cluster.nodes.length);

    const watched = await watchAllHealthy(nodes, beaters.keys, 7 * INTERVAL_MS);
    const transitions = await transitionsSince(cluster.redis.url);
    reportFault('Redis restarted empty', {
      lost: watched.missing.length,
      falseTransitions: transitions.filter((t) => !t.startsWith('healthy') && !t.endsWith(':42999')).length,
      convergeMs: backWithin,
      convergedFrom: 'from the restart to every instance back in Redis',
      fiveXx: watched.fiveXx,
      requests: watched.reads,
    });
    expect(watched.missing).toEqual([]);
    expect(transitions.filter((t) => !t.startsWith('healthy') && !t.endsWith(':42999'))).toEqual([]);
    // The silent one went only after its own timeouts counted from the restart, once.
    expect(transitions.filter((t) => t.endsWith(':42999'))).toEqual([
      'unhealthy 127.0.0.1:42999',
      'expired 127.0.0.1:42999',
    ]);
    for (const url of nodes) expect((await hostsOn(url, SERVICE)).has('127.0.0.1:42999')).toBe(false);
  }, 60_000);
});

describe('cluster mode: a Redis outage shorter than the delete timeout', () => {
  const beaters = new Beaters(SERVICE, 10, 43_000);
  const clusterOf = beatingCluster({ nodes: 2, redis: { persistent: true } }, beaters);

  it('refuses registrations with 503 meanwhile, deletes or marks nobody, though no beat was recorded, and logs one line per connection instead of stack traces', async () => {
    const cluster = clusterOf();
    const nodes = cluster.nodes.map((n) => n.server.baseUrl);
    await sleep(2 * INTERVAL_MS);
    // Longer than the 3 s timeout, shorter than the 6 s delete timeout.
    await cluster.redis.stop();
    const stoppedAt = Date.now();
    // A registration cannot be stored meanwhile: a clear 503, soon, and no node serves it.
    const refused = await register(nodes[0]!, 'ledger', 43_999);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('Redis is unavailable');
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    await sleep(4 * INTERVAL_MS - (Date.now() - stoppedAt));
    await cluster.redis.start();
    const againMs = await registeredAgainAfter(nodes[1]!, 43_998, 10_000);

    const watched = await watchAllHealthy(nodes, beaters.keys, 5 * INTERVAL_MS);
    const falseTransitions = (await transitionsSince(cluster.redis.url)).filter((t) => !t.startsWith('healthy'));
    reportFault('Redis down for 4 s (restarted with its data)', {
      lost: watched.missing.length,
      falseTransitions: falseTransitions.length,
      convergeMs: againMs,
      convergedFrom: 'from Redis back to a registration answered 200',
      fiveXx: 1 + watched.fiveXx,
      requests: 1 + watched.reads,
    });
    expect(againMs).toBeLessThan(10_000);
    expect(watched.missing).toEqual([]);
    for (const url of nodes) expect((await hostsOn(url, SERVICE)).has('127.0.0.1:43999')).toBe(false);
    expect(falseTransitions).toEqual([]);
    // Every connection's errors went to the log as a warning line, none as an ioredis stack trace.
    for (const { server } of cluster.nodes) {
      const output = server.stdout() + server.stderr();
      expect(output).not.toContain('Unhandled error event');
      expect(output).toContain('Redis (commands connection): ');
      expect(output).toContain('Redis (change stream connection): ');
    }
  }, 60_000);
});

/** The raw stream entries after `fromId`, each as its fields joined. */
async function entriesSince(redisUrl: string, fromId: string): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const entries = (await redis.xrange('beacon:changes', `(${fromId}`, '+')) as [string, string[]][];
    return entries.map(([, fields]) => fields.join(' '));
  } finally {
    redis.disconnect();
  }
}

describe('cluster mode: a stalled Redis (SIGSTOP)', () => {
  const beaters = new Beaters(SERVICE, 10, 44_000);
  const clusterOf = beatingCluster({ nodes: 2 }, beaters);

  it('answers registrations 503 within seconds, applies none of them when it wakes, and marks nobody', async () => {
    const cluster = clusterOf();
    const nodes = cluster.nodes.map((n) => n.server.baseUrl);
    await sleep(2 * INTERVAL_MS);
    const fromId = await streamTip(cluster.redis.url);
    const pid = cluster.redis.pid!;
    // Longer than the 3 s timeout, shorter than the 6 s delete timeout.
    const stallMs = 5 * INTERVAL_MS;
    process.kill(pid, 'SIGSTOP');
    const stalledAt = Date.now();
    let answeredIn: number;
    try {
      // A known service's instance (Redis only) and a new service's (PostgreSQL, waiting for the stream).
      const [known, created] = await Promise.all([
        register(nodes[0]!, 'ledger', 44_999),
        register(nodes[1]!, 'stalled', 44_998),
      ]);
      answeredIn = Date.now() - stalledAt;
      expect(known.status).toBe(503);
      expect(await known.text()).toContain('Redis did not answer within 2500 ms');
      expect(created.status).toBe(503);
      await sleep(stallMs - (Date.now() - stalledAt));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    console.log(`Redis stalled: both registrations answered 503 after ${answeredIn} ms`);
    expect(answeredIn).toBeLessThan(4000);
    const againMs = await registeredAgainAfter(nodes[0]!, 44_997, 10_000);

    const watched = await watchAllHealthy(nodes, beaters.keys, 4 * INTERVAL_MS);
    const falseTransitions = (await transitionsSince(cluster.redis.url, fromId)).filter(
      (t) => !t.startsWith('healthy'),
    );
    reportFault('Redis stalled for 5 s (SIGSTOP)', {
      lost: watched.missing.length,
      falseTransitions: falseTransitions.length,
      convergeMs: againMs,
      convergedFrom: 'from SIGCONT to a registration answered 200',
      fiveXx: 2 + watched.fiveXx,
      requests: 2 + watched.reads,
    });
    expect(watched.missing).toEqual([]);
    // The queued writes reached Redis after their deadline: refused, so nothing of them anywhere
    // (the beaters and the registration made after SIGCONT are).
    expect(await instancesInRedis(cluster.redis.url)).toBe(beaters.keys.length + 1);
    expect((await entriesSince(cluster.redis.url, fromId)).filter((e) => /4499[89]/.test(e))).toEqual([]);
    for (const url of nodes) {
      expect((await hostsOn(url, SERVICE)).has('127.0.0.1:44999')).toBe(false);
      expect((await hostsOn(url, 'DEFAULT_GROUP@@stalled')).size).toBe(0);
    }
    expect(falseTransitions).toEqual([]);
    expect(cluster.nodes[0]!.server.stdout() + cluster.nodes[0]!.server.stderr()).toContain(
      'Redis is not answering (stalled?): a registerInstance was refused with 503',
    );

    // Later registrations work, on both paths, and every node serves them.
    expect((await register(nodes[1]!, 'stalled', 44_996)).status).toBe(200);
    for (const url of nodes) {
      expect((await hostsOn(url, SERVICE)).get('127.0.0.1:44997')).toBe(true);
      expect((await hostsOn(url, 'DEFAULT_GROUP@@stalled')).get('127.0.0.1:44996')).toBe(true);
    }
  }, 60_000);
});
