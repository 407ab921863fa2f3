import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DATABASE_URL_VAR, redact, REDIS_URL_VAR, type ClusterConfig } from '../../config/cluster-config.js';
import { ConfigError } from '../../config/config.js';
import { reasonOf } from '../../net/error-reason.js';
import { logRedisErrors } from './redis-error-log.js';

/** The connections a node holds: commands, a second Redis connection for the blocking stream read, the pool. */
export interface ClusterEngines {
  readonly redis: Redis;
  readonly tail: Redis;
  readonly pool: pg.Pool;
}

const CONNECT_TIMEOUT_MS = 3000;

/**
 * Connects to both engines and checks that they answer, so that a wrong or unreachable URL stops
 * the start with a message that names its variable. TLS (`rediss://`) and `sslmode` are the
 * libraries' own reading of the URLs.
 */
export async function connectEngines(config: ClusterConfig): Promise<ClusterEngines> {
  const redis = new Redis(config.redisUrl, {
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
    throw new ConfigError(REDIS_URL_VAR, `cannot reach Redis at ${redact(config.redisUrl)}: ${reason}`);
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
