/**
 * A Beacon cluster for tests: a real redis-server and PostgreSQL (@beacon/test-support's engines) and
 * built servers (`dist/main.js`) as child processes on 127.0.0.1, all stopped by `close()`.
 */
import {
  makeDataDir,
  removeDataDir,
  spawnServer,
  startPostgres,
  startRedis,
  type BeaconEnv,
  type PostgresEngine,
  type RedisEngine,
  type RedisOptions,
  type SpawnedServer,
} from '@beacon/test-support';
import { freePortPair } from '../../grpc/support/grpc-server.js';

export interface ClusterNode {
  readonly server: SpawnedServer;
  readonly dataDir: string;
}

export interface TestCluster extends AsyncDisposable {
  readonly redis: RedisEngine;
  readonly postgres: PostgresEngine;
  readonly nodes: ClusterNode[];
  /** Starts one more node (or restarts in place of a dead one when `index` is given). */
  startNode(index?: number): Promise<ClusterNode>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly nodes: number;
  readonly env?: BeaconEnv;
  readonly redis?: RedisOptions;
  /**
   * Serve gRPC on PORT + 1000, as Nacos 2.x clients expect (each node on a free port pair). Off
   * otherwise: the other suites need no gRPC, and a random PORT's + 1000 may be taken.
   */
  readonly grpc?: boolean;
}

export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const [redis, postgres] = await Promise.all([startRedis(options.redis), startPostgres()]);
  const nodes: ClusterNode[] = [];
  const env = {
    BEACON_REDIS_URL: redis.url,
    BEACON_DATABASE_URL: postgres.url,
    BEACON_EXPIRY_TICK_MS: '100',
    BEACON_GRPC_PORT: 'off',
    ...options.env,
  };
  const startNode = async (index?: number): Promise<ClusterNode> => {
    const dataDir = index !== undefined ? nodes[index]!.dataDir : makeDataDir();
    const port = options.grpc ? (index !== undefined ? nodes[index]!.server.port : await freePortPair()) : undefined;
    const grpcPort = port === undefined ? {} : { BEACON_GRPC_PORT: String(port + 1000) };
    const server = await spawnServer({ dataDir, port, env: { ...env, ...grpcPort } });
    const node = { server, dataDir };
    if (index !== undefined) nodes[index] = node;
    else nodes.push(node);
    return node;
  };
  const close = async () => {
    await Promise.all(nodes.map((n) => n.server.kill('SIGKILL')));
    for (const n of nodes) removeDataDir(n.dataDir);
    await Promise.all([redis.close(), postgres.close()]);
  };
  try {
    // Together, as a deployment would: the schema migrates once, under the advisory lock.
    await Promise.all(Array.from({ length: options.nodes }, () => startNode()));
  } catch (error) {
    await close();
    throw error;
  }
  return { redis, postgres, nodes, startNode, close, [Symbol.asyncDispose]: close };
}

/** The instances of a service as one node answers them (`ip:port` → healthy). */
export async function hostsOn(baseUrl: string, serviceName: string): Promise<Map<string, boolean>> {
  const res = await fetch(`${baseUrl}/nacos/v1/ns/instance/list?serviceName=${encodeURIComponent(serviceName)}`);
  if (res.status !== 200) return new Map();
  const body = (await res.json()) as { hosts: { ip: string; port: number; healthy: boolean }[] };
  return new Map(body.hosts.map((h) => [`${h.ip}:${h.port}`, h.healthy]));
}

/**
 * The instances of a service in group DEFAULT_GROUP as one node holds them (`ip:port` → healthy), from
 * the native API: their own health, where `/instance/list` turns every host healthy once the protect
 * threshold is reached (all of them unhealthy, with the default threshold 0).
 */
export async function healthOn(baseUrl: string, serviceName: string): Promise<Map<string, boolean>> {
  const res = await fetch(
    `${baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/${encodeURIComponent(serviceName)}`,
  );
  if (res.status !== 200) return new Map();
  const body = (await res.json()) as { clusters: { instances: { ip: string; port: number; healthy: boolean }[] }[] };
  return new Map(body.clusters.flatMap((c) => c.instances.map((i) => [`${i.ip}:${i.port}`, i.healthy] as const)));
}

export async function register(
  baseUrl: string,
  serviceName: string,
  port: number,
  extra: Record<string, string> = {},
): Promise<Response> {
  const params = new URLSearchParams({ serviceName, ip: '127.0.0.1', port: String(port), ...extra });
  return fetch(`${baseUrl}/nacos/v1/ns/instance?${params}`, { method: 'POST' });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Polls `check` every `everyMs` until it holds: the time it took, or a failure after `timeoutMs`. */
export async function within(
  timeoutMs: number,
  what: string,
  check: () => Promise<boolean>,
  everyMs = 50,
): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return Date.now() - start;
}
