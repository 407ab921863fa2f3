import { ConfigError, intVar } from './config.js';
import { isSentinelUrl, parseSentinelUrl } from './redis-sentinel-url.js';

/** Cluster mode: the shared engines every node of the cluster uses. Absent in embedded mode. */
export interface ClusterConfig {
  /**
   * BEACON_REDIS_URL: ephemeral instances, last beats, the change stream, expiry leases. One Redis
   * (`redis://`, `rediss://`) or a master behind Sentinel (`redis+sentinel://`, redis-sentinel-url.ts).
   */
  readonly redisUrl: string;
  /** BEACON_DATABASE_URL: durable state (PostgreSQL). */
  readonly databaseUrl: string;
  /**
   * BEACON_CLUSTER_NODE_GRACE_MS: a node whose key lapsed (dead, or paused) has its gRPC clients'
   * instances marked unhealthy at once and deleted only after this long (node-presence.ts).
   */
  readonly nodeGraceMs: number;
  /**
   * BEACON_CLUSTER_DRAIN_MS: on a clean stop, how long the node waits for its gRPC clients, told to
   * reconnect, to register again on another node before it deletes what they still hold here.
   */
  readonly drainMs: number;
  /**
   * BEACON_REDIS_WAIT_REPLICAS: an ephemeral write is answered only once this many Redis replicas
   * confirm it (Redis `WAIT`), so a failover loses no acknowledged one; 0 (the default) answers
   * once the primary has it.
   */
  readonly redisWaitReplicas: number;
}

export const REDIS_URL_VAR = 'BEACON_REDIS_URL';
export const DATABASE_URL_VAR = 'BEACON_DATABASE_URL';
export const STREAM_MAXLEN_VAR = 'BEACON_CLUSTER_STREAM_MAXLEN';
export const NODE_GRACE_VAR = 'BEACON_CLUSTER_NODE_GRACE_MS';
export const DRAIN_VAR = 'BEACON_CLUSTER_DRAIN_MS';
export const WAIT_REPLICAS_VAR = 'BEACON_REDIS_WAIT_REPLICAS';

const REDIS_SCHEMES = ['redis:', 'rediss:', 'redis+sentinel:'];
const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];

/**
 * Both variables switch cluster mode on together: one without the other is a mistake an operator
 * wants to hear about, not a silent embedded start. Only the form is checked here; whether the
 * engines answer is checked when the node connects (and named the same way).
 */
export function clusterConfigVar(env: Readonly<Record<string, string | undefined>>): ClusterConfig | undefined {
  const redisUrl = env[REDIS_URL_VAR]?.trim() || undefined;
  const databaseUrl = env[DATABASE_URL_VAR]?.trim() || undefined;
  if (redisUrl === undefined && databaseUrl === undefined) return undefined;
  if (redisUrl === undefined) {
    throw new ConfigError(
      REDIS_URL_VAR,
      `must be set too: cluster mode needs both ${REDIS_URL_VAR} and ${DATABASE_URL_VAR}`,
    );
  }
  if (databaseUrl === undefined) {
    throw new ConfigError(
      DATABASE_URL_VAR,
      `must be set too: cluster mode needs both ${REDIS_URL_VAR} and ${DATABASE_URL_VAR}`,
    );
  }
  if (isSentinelUrl(redisUrl)) parseSentinelUrl(REDIS_URL_VAR, redisUrl);
  else checkUrl(REDIS_URL_VAR, redisUrl, REDIS_SCHEMES);
  checkUrl(DATABASE_URL_VAR, databaseUrl, POSTGRES_SCHEMES);
  // Read where the stream is written (redis-layout.ts); checked here so a bad value stops the start.
  streamMaxLenVar(env);
  streamMaxBytesVar(env);
  return {
    redisUrl,
    databaseUrl,
    // Nacos keeps a client it cannot reach for tens of seconds too; an hour at most.
    nodeGraceMs: intVar(env, NODE_GRACE_VAR, 30_000, 0, 3_600_000),
    // nacos-sdk-rust needs up to about 10 s to register again elsewhere, and a margin (docs/cluster.md).
    drainMs: intVar(env, DRAIN_VAR, 15_000, 0, 60_000),
    redisWaitReplicas: intVar(env, WAIT_REPLICAS_VAR, 0, 0, 16),
  };
}

function checkUrl(variable: string, raw: string, schemes: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `must be a URL (${schemes.join('//…, ')}//…), got '${redact(raw)}'`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new ConfigError(variable, `must start with ${schemes.join('// or ')}//, got '${redact(raw)}'`);
  }
  if (url.hostname === '') throw new ConfigError(variable, `must name a host, got '${redact(raw)}'`);
}

/** URLs carry passwords: never print one. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/:[^:@/]*@/, ':***@');
  }
}

/**
 * BEACON_CLUSTER_STREAM_MAXLEN: about how many changes the stream keeps (`MAXLEN ~`). A node
 * further behind reloads its view from the engines (docs/cluster.md); tests make it
 * small to cause that.
 */
export function streamMaxLenVar(env: Readonly<Record<string, string | undefined>>): number {
  return intVar(env, STREAM_MAXLEN_VAR, 100_000, 10, 100_000_000);
}

export const STREAM_MAX_BYTES_VAR = 'BEACON_CLUSTER_STREAM_MAX_BYTES';

/**
 * BEACON_CLUSTER_STREAM_MAX_BYTES: about how many bytes of changes the stream keeps; it lowers
 * the count kept when entries are large (stream-budget.ts).
 */
export function streamMaxBytesVar(env: Readonly<Record<string, string | undefined>>): number {
  return intVar(env, STREAM_MAX_BYTES_VAR, 256 * 1024 * 1024, 1024 * 1024, 1024 * 1024 * 1024 * 1024);
}
