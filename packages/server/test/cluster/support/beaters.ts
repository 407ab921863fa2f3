import { NamingClient } from '@beacon/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type ClusterOptions, type TestCluster } from './cluster.js';

/** Nacos timings small enough for a test: beat every second, unhealthy after 3 s, deleted after 6 s. */
export const INTERVAL_MS = 1000;
export const TIMINGS = {
  'preserved.heart.beat.interval': String(INTERVAL_MS),
  'preserved.heart.beat.timeout': String(3 * INTERVAL_MS),
  'preserved.ip.delete.timeout': String(6 * INTERVAL_MS),
};

/**
 * Instances kept alive by the real SDK, one NamingClient per instance (as separate applications
 * would have), each with every node in its server list, half of them on light beats.
 */
export class Beaters {
  readonly clients: NamingClient[] = [];
  readonly keys: string[] = [];

  constructor(
    private readonly serviceName: string,
    private readonly count: number,
    private readonly firstPort: number,
  ) {}

  async start(servers: string[]): Promise<void> {
    for (let i = 0; i < this.count; i++) {
      const client = new NamingClient({
        serverAddresses: servers,
        lightBeats: i % 2 === 1,
        watch: false,
        udpPush: false,
        requestTimeoutMs: 1000,
      });
      this.clients.push(client);
      const port = this.firstPort + i;
      this.keys.push(`127.0.0.1:${port}`);
      await client.registerInstance(this.serviceName, { ip: '127.0.0.1', port, metadata: { ...TIMINGS } });
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}

/**
 * Registers the suite's hooks: a cluster started before its tests with `beaters` beating on every
 * node, both stopped after. Returns the cluster (once started).
 */
export function beatingCluster(options: ClusterOptions, beaters: Beaters): () => TestCluster {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
    await beaters.start(cluster.nodes.map((n) => `127.0.0.1:${n.server.port}`));
  }, 120_000);
  afterAll(async () => {
    await beaters.stop();
    await cluster?.close();
  });
  return () => cluster!;
}

/** The transitions Redis made (healthy, unhealthy, expired) since `fromId`, as `transition ip:port`. */
export async function transitionsSince(redisUrl: string, fromId = '-'): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const entries = (await redis.xrange('beacon:changes', fromId, '+')) as [string, string[]][];
    const out: string[] = [];
    for (const [, fields] of entries) {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      if (f['t'] === undefined || f['k'] === undefined) continue;
      const [, , , ip, port] = JSON.parse(f['k']) as [string, string, string, string, number];
      out.push(`${f['t']} ${ip}:${port}`);
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

/** The id of the newest stream entry, to read what comes after it. */
export async function streamTip(redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl);
  try {
    const newest = (await redis.xrevrange('beacon:changes', '+', '-', 'COUNT', 1)) as [string, string[]][];
    return newest[0]?.[0] ?? '0-0';
  } finally {
    redis.disconnect();
  }
}

/** How many instances Redis tracks (every shard's meta hash). */
export async function instancesInRedis(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    let n = 0;
    for (let s = 0; s < 16; s++) n += await redis.hlen(`beacon:{${s}}:meta`);
    return n;
  } finally {
    redis.disconnect();
  }
}

/** The pid of the node holding shard `shard`'s expiry lease, if any (node ids are host:pid:random). */
export async function leaseHolderPid(redisUrl: string, shard: number): Promise<number | undefined> {
  const redis = new Redis(redisUrl);
  try {
    const holder = await redis.get(`beacon:{${shard}}:lease`);
    return holder === null ? undefined : Number(holder.split(':').at(-2));
  } finally {
    redis.disconnect();
  }
}
