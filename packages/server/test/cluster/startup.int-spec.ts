/** Cluster mode's variables: a mistake or an engine that does not answer stops the start, named. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisEngine } from '@beacon/test-support';
import { freePort, makeDataDir, removeDataDir, spawnServer, type Exit } from '@beacon/test-support';

const dir = makeDataDir();
let redis: RedisEngine;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
  removeDataDir(dir);
});

async function exitOf(env: Record<string, string>): Promise<{ exit: Exit; stderr: string }> {
  const server = await spawnServer({ dataDir: dir, env: { BEACON_GRPC_PORT: 'off', ...env }, waitUntilReady: false });
  const exit = await Promise.race([
    server.exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
  ]);
  if (exit === 'timeout') {
    await server.kill('SIGKILL');
    throw new Error('the server started although its cluster configuration is wrong');
  }
  return { exit, stderr: server.stderr() };
}

describe('cluster mode start-up', () => {
  it('stops with exit code 2 naming BEACON_DATABASE_URL when only the Redis URL is set', async () => {
    const { exit, stderr } = await exitOf({ BEACON_REDIS_URL: redis.url });
    expect(exit.code).toBe(2);
    expect(stderr).toContain('BEACON_DATABASE_URL must be set too');
  });

  it('stops with one line naming BEACON_REDIS_URL on a malformed redis+sentinel:// URL', async () => {
    const { exit, stderr } = await exitOf({
      BEACON_REDIS_URL: 'redis+sentinel://127.0.0.1:26379',
      BEACON_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    expect(exit.code).toBe(2);
    expect(stderr).toContain('BEACON_REDIS_URL the master name is missing: expected redis+sentinel://');
  });

  it('stops naming BEACON_REDIS_URL when no sentinel answers', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const { exit, stderr } = await exitOf({
      BEACON_REDIS_URL: `redis+sentinel://127.0.0.1:${a},127.0.0.1:${b}/beacon`,
      BEACON_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    expect(exit.code).toBe(2);
    expect(stderr).toContain(
      `BEACON_REDIS_URL cannot reach Redis at beacon via sentinels 127.0.0.1:${a},127.0.0.1:${b}`,
    );
  });

  it('stops naming BEACON_REDIS_URL when nothing answers there', async () => {
    const port = await freePort();
    const { exit, stderr } = await exitOf({
      BEACON_REDIS_URL: `redis://127.0.0.1:${port}/0`,
      BEACON_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    expect(exit.code).toBe(2);
    expect(stderr).toContain(`BEACON_REDIS_URL cannot reach Redis at redis://127.0.0.1:${port}/0`);
  });

  it('stops naming BEACON_DATABASE_URL when Redis answers but PostgreSQL does not, without printing the password', async () => {
    const port = await freePort();
    const { exit, stderr } = await exitOf({
      BEACON_REDIS_URL: redis.url,
      BEACON_DATABASE_URL: `postgres://beacon:hunter22@127.0.0.1:${port}/beacon?sslmode=disable`,
    });
    expect(exit.code).toBe(2);
    expect(stderr).toContain('BEACON_DATABASE_URL cannot reach PostgreSQL at postgres://beacon:***@127.0.0.1');
    expect(stderr).not.toContain('hunter22');
  });
});
