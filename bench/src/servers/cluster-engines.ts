import { startPostgres, startRedis, type PostgresEngine, type RedisEngine } from '@beacon/test-support';

/**
 * The engines of cluster mode for the bench: a redis-server without persistence and a PostgreSQL 15
 * in a temporary directory, on free loopback ports, started by the same code as the integration
 * tests' (@beacon/test-support).
 */
export class ClusterEngines {
  private constructor(
    private readonly redis: RedisEngine,
    private readonly postgres: PostgresEngine,
  ) {}

  static async start(): Promise<ClusterEngines> {
    const redis = await startRedis();
    try {
      return new ClusterEngines(redis, await startPostgres());
    } catch (error) {
      await redis.close();
      throw error;
    }
  }

  /** The redis-server process, for its CPU. */
  get redisPid(): number {
    return this.redis.pid!;
  }

  /** A node on these engines; the cluster scenarios beat over HTTP, so the gRPC face is off. */
  get env(): Record<string, string> {
    return { BEACON_REDIS_URL: this.redis.url, BEACON_DATABASE_URL: this.postgres.url, BEACON_GRPC_PORT: 'off' };
  }

  async stop(): Promise<void> {
    await this.redis.close();
    await this.postgres.close();
  }
}
