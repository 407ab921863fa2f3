import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { DATABASE_URL_VAR, redact, REDIS_URL_VAR, type ClusterConfig } from '../../config/cluster-config.js';
import { ConfigError } from '../../config/config.js';
import { describeSentinels, isSentinelUrl, parseSentinelUrl } from '../../config/redis-sentinel-url.js';
import { reasonOf } from '../../net/error-reason.js';
import { logRedisErrors } from './redis-error-log.js';

/** The connections a node holds: commands, a second Redis connection for the blocking stream read, the pool. */
export interface ClusterEngines {
  readonly redis: Redis;
  readonly tail: Redis;
  readonly pool: pg.Pool;
}

const CONNECT_TIMEOUT_MS = 3000;
/** How many times every sentinel is asked for the master before one connection attempt fails. */
const SENTINEL_ROUNDS = 3;

/**
 * Connects to both engines and checks that they answer, so that a wrong or unreachable URL stops
 * the start with a message that names its variable. TLS (`rediss://`) and `sslmode` are the
 * libraries' own reading of the URLs.
 */
export async function connectEngines(config: ClusterConfig): Promise<ClusterEngines> {
  const redis = redisClient(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Commands issued in the same tick go out as one pipeline: the beat path's one write.
    enableAutoPipelining: true,
    // A command waits out at most two reconnection attempts, then fails: callers decide (503, retry).
    maxRetriesPerRequest: 2,
  });
  // While connecting, the socket's own error (ECONNREFUSED, ENOTFOUND) is the reason to report; unheard,
  // ioredis would print it as an "Unhandled error event" beside the one-line message.
  let socketError: unknown;
  const onError = (error: unknown) => (socketError ??= error);
  redis.on('error', onError);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = reasonOf(socketError ?? error);
    throw new ConfigError(REDIS_URL_VAR, `cannot reach Redis at ${redisTarget(config.redisUrl)}: ${reason}`);
  } finally {
    redis.off('error', onError);
  }
  const tail = redis.duplicate({ enableAutoPipelining: false, maxRetriesPerRequest: null });
  const logger = new Logger('Cluster');
  const warn = (message: string) => logger.warn(message);
  logRedisErrors(redis, 'commands', warn);
  logRedisErrors(tail, 'change stream', warn);
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 8,
    // A dead server must not hang a write: durable writes fail fast instead (503).
    query_timeout: 10_000,
  });
  // An idle client whose server went away emits here; without a listener that would crash the node.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    redis.disconnect();
    tail.disconnect();
    await pool.end().catch(() => undefined);
    throw new ConfigError(
      DATABASE_URL_VAR,
      `cannot reach PostgreSQL at ${redact(config.databaseUrl)}: ${reasonOf(error)}`,
    );
  }
  return { redis, tail, pool };
}

export async function closeEngines(engines: ClusterEngines): Promise<void> {
  engines.tail.disconnect();
  await engines.redis.quit().catch(() => engines.redis.disconnect());
  await engines.pool.end().catch(() => undefined);
}

/**
 * One Redis (`redis://`, `rediss://`: ioredis reads the URL) or the master a set of sentinels
 * names (`redis+sentinel://`): ioredis asks them for the master, and again after a failover.
 */
function redisClient(url: string, options: RedisOptions): Redis {
  if (!isSentinelUrl(url)) return new Redis(url, options);
  const target = parseSentinelUrl(REDIS_URL_VAR, url);
  return new Redis({
    ...options,
    sentinels: target.sentinels.map((s) => ({ ...s })),
    name: target.name,
    db: target.db,
    // A few rounds over every sentinel, then the attempt fails: at start that is the ConfigError
    // (else the start would hang), later ioredis's own reconnection begins a fresh round.
    sentinelRetryStrategy: (round) => (round > SENTINEL_ROUNDS ? null : Math.min(round * 200, 1000)),
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
  });
}

/** The URL without its password, for messages. */
export function redisTarget(url: string): string {
  return isSentinelUrl(url) ? describeSentinels(parseSentinelUrl(REDIS_URL_VAR, url)) : redact(url);
}
