import {
  ADMIN,
  makeDataDir,
  removeDataDir,
  spawnServer,
  TEST_TOKEN_SECRET,
  type SpawnedServer,
} from '@beacon/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/auth/token-secret.js';
import { startCluster, type TestCluster } from './support/cluster.js';

const OTHER_PASSWORD = 'another-Passw0rd-than-the-admin-has';
const OTHER_SECRET = 'another-secret-than-the-cluster-keeps-0123456789';

async function login(url: string, password: string): Promise<string | undefined> {
  const params = new URLSearchParams({ username: ADMIN.username, password });
  const res = await fetch(`${url}/nacos/v1/auth/login?${params}`, { method: 'POST' });
  return res.status === 200 ? ((await res.json()) as { accessToken: string }).accessToken : undefined;
}

/** What an admin-only read answers `token` on `url`. */
async function usersStatus(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/nacos/v1/auth/users?pageNo=1&pageSize=10`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

/**
 * Nodes joining a cluster with other auth settings than it has: another BEACON_ADMIN_PASSWORD is
 * ignored with a warning, another BEACON_TOKEN_SECRET stops the start (tokens would be refused
 * between nodes), and a node without one signs with the cluster's, so tokens are good both ways.
 */
describe('cluster mode: nodes started with other auth settings than the cluster has', () => {
  let cluster: TestCluster;
  const started: SpawnedServer[] = [];
  const dirs: string[] = [];

  /** One more node on the cluster's engines, with `env` on top of the test environment. */
  const spawnNode = async (env: Record<string, string | undefined>, waitUntilReady = true) => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const server = await spawnServer({
      dataDir,
      waitUntilReady,
      env: {
        BEACON_REDIS_URL: cluster.redis.url,
        BEACON_DATABASE_URL: cluster.postgres.url,
        BEACON_GRPC_PORT: 'off',
        BEACON_AUTH: 'on',
        ...env,
      },
    });
    started.push(server);
    return server;
  };

  beforeAll(async () => {
    // The first node creates the admin with the test password and keeps the test token secret.
    cluster = await startCluster({ nodes: 1, env: { BEACON_AUTH: 'on' } });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((s) => s.kill('SIGKILL')));
    for (const dir of dirs) removeDataDir(dir);
    await cluster?.close();
  });

  it('warns that another BEACON_ADMIN_PASSWORD is ignored, and the admin keeps its password', async () => {
    const node = await spawnNode({ BEACON_ADMIN_PASSWORD: OTHER_PASSWORD });
    const output = node.stdout() + node.stderr();
    expect(output).toContain(
      "BEACON_ADMIN_PASSWORD is not the password of the admin user 'nacos', which already exists: it is ignored, " +
        "and the admin's password stays the cluster's (kept in PostgreSQL), unchanged.",
    );
    expect(output).not.toContain(OTHER_PASSWORD);
    expect(await login(node.baseUrl, ADMIN.password)).toBeDefined();
    expect(await login(node.baseUrl, OTHER_PASSWORD)).toBeUndefined();
    // The node that created it does not warn: its password is the admin's.
    const first = cluster.nodes[0]!.server;
    expect(first.stdout() + first.stderr()).not.toContain('BEACON_ADMIN_PASSWORD is not the password');
  }, 60_000);

  it('refuses to start, in one line with exit code 2, with a BEACON_TOKEN_SECRET other than the cluster keeps', async () => {
    const node = await spawnNode({ BEACON_TOKEN_SECRET: OTHER_SECRET }, false);
    const exit = await node.exited;
    expect(exit.code).toBe(2);
    const lines = node.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'Invalid configuration: BEACON_TOKEN_SECRET differs from the token secret the cluster keeps in PostgreSQL ' +
        `(fingerprint ${fingerprintOf(Buffer.from(TEST_TOKEN_SECRET))}, this node's ` +
        `${fingerprintOf(Buffer.from(OTHER_SECRET))})`,
    );
    const output = node.stdout() + node.stderr();
    expect(output).not.toContain(OTHER_SECRET);
    expect(output).not.toContain(TEST_TOKEN_SECRET);
  }, 60_000);

  it('signs with the cluster secret on a node without BEACON_TOKEN_SECRET, so tokens are good both ways', async () => {
    // At `log`, the level the secret's origin is told at.
    const node = await spawnNode({ BEACON_TOKEN_SECRET: undefined, BEACON_LOG_LEVEL: 'log' });
    expect(node.stdout() + node.stderr()).toContain(
      "token secret: BEACON_TOKEN_SECRET is unset: using the cluster's, kept in PostgreSQL " +
        `(fingerprint ${fingerprintOf(Buffer.from(TEST_TOKEN_SECRET))})`,
    );
    expect(node.stdout() + node.stderr()).not.toContain(TEST_TOKEN_SECRET);
    const first = cluster.nodes[0]!.server.baseUrl;
    const fromFirst = (await login(first, ADMIN.password))!;
    const fromNew = (await login(node.baseUrl, ADMIN.password))!;
    expect(await usersStatus(node.baseUrl, fromFirst)).toBe(200);
    expect(await usersStatus(first, fromNew)).toBe(200);
  }, 60_000);
});
