import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from '../push/push-support.js';
import { startCluster, type TestCluster, within } from './support/cluster.js';
import { resetAdminPassword } from '../auth/support/reset-admin-password.js';

const PASSWORD = 'member-Passw0rd';
const BANNER = 'Beacon created the admin user';

/** A Nacos-face call with every parameter in the query; `token` is sent as a Bearer header. */
function nacos(url: string, method: string, path: string, params: Record<string, string>, token?: string) {
  return fetch(`${url}/nacos/v1${path}?${new URLSearchParams(params)}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(15_000),
  });
}

async function login(url: string, username: string, password: string): Promise<string | undefined> {
  const res = await nacos(url, 'POST', '/auth/login', { username, password });
  return res.status === 200 ? ((await res.json()) as { accessToken: string }).accessToken : undefined;
}

/** What a read of the public namespace answers `token` (403 without a permission). */
async function readStatus(url: string, token: string): Promise<number> {
  return (await nacos(url, 'GET', '/ns/instance/list', { serviceName: 'orders' }, token)).status;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Users, roles, permissions and the token secret live in PostgreSQL in cluster mode, shared by
 * every node; a change on one node reaches the others through LISTEN/NOTIFY. The nodes start with
 * no BEACON_TOKEN_SECRET and no BEACON_ADMIN_PASSWORD, all at once.
 */
describe('cluster mode: users, roles, permissions and tokens shared by every node', () => {
  let cluster: TestCluster;
  let urls: string[];
  let adminPassword: string;
  let adminToken: string;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      env: {
        BEACON_AUTH: 'on',
        BEACON_TOKEN_SECRET: undefined,
        BEACON_ADMIN_PASSWORD: undefined,
        BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '10000',
      },
    });
    urls = cluster.nodes.map((n) => n.server.baseUrl);
  }, 120_000);

  afterAll(async () => {
    for (const r of readers) r.close();
    await cluster?.close();
  });

  it('creates exactly one admin although three nodes started at once, and shares one token secret', async () => {
    const creators = cluster.nodes.filter((n) => n.server.stderr().includes(BANNER));
    expect(creators).toHaveLength(1);
    const file = join(creators[0]!.dataDir, 'initial-admin-password');
    adminPassword = readFileSync(file, 'utf8').trim();
    expect(creators[0]!.server.stderr()).toContain(adminPassword);
    for (const node of cluster.nodes) {
      if (node !== creators[0]) expect(existsSync(join(node.dataDir, 'initial-admin-password'))).toBe(false);
      // The secret is the cluster's, in PostgreSQL, not a file per node.
      expect(existsSync(join(node.dataDir, 'token-secret'))).toBe(false);
    }
    expect(await query(cluster.postgres.url, 'SELECT username FROM auth_users')).toEqual([{ username: 'nacos' }]);
    expect(await query(cluster.postgres.url, 'SELECT role, username FROM auth_roles')).toEqual([
      { role: 'ROLE_ADMIN', username: 'nacos' },
    ]);
    expect(await query(cluster.postgres.url, 'SELECT count(*)::int AS n FROM token_secret')).toEqual([{ n: 1 }]);

    // A token issued by one node is good on every node.
    adminToken = (await login(urls[0]!, 'nacos', adminPassword))!;
    expect(adminToken).toBeDefined();
    for (const url of urls) {
      expect((await nacos(url, 'GET', '/auth/users', { pageNo: '1', pageSize: '10' }, adminToken)).status).toBe(200);
    }
  });

  it('lets a user created on one node log in on another', async () => {
    const [a, b] = urls as [string, string];
    expect((await nacos(a, 'POST', '/auth/users', { username: 'alice', password: PASSWORD }, adminToken)).status).toBe(
      200,
    );
    const lag = await within(1000, 'alice on node B', async () => (await login(b, 'alice', PASSWORD)) !== undefined, 5);
    console.log(`a user created on node A logs in on node B after ${lag} ms`);
  });

  it('gives one success and one refusal when two nodes create the same user at once, as one node would', async () => {
    const [a, b] = urls as [string, string];
    // The Nacos face answers a taken name 400 (as Nacos does), the native API 409.
    const viaNacos = await Promise.all(
      [a, b].map((url) => nacos(url, 'POST', '/auth/users', { username: 'racer', password: PASSWORD }, adminToken)),
    );
    expect(viaNacos.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await viaNacos.find((r) => r.status === 400)!.text()).toBe("user 'racer' already exist!");
    const viaApi = await Promise.all(
      [a, b].map((url) =>
        fetch(`${url}/api/v1/auth/users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'racer2', password: PASSWORD }),
        }),
      ),
    );
    expect(viaApi.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(
      await query(cluster.postgres.url, "SELECT username FROM auth_users WHERE username LIKE 'racer%' ORDER BY 1"),
    ).toEqual([{ username: 'racer' }, { username: 'racer2' }]);
  });

  it('applies a permission granted on one node on another within a second', async () => {
    const [a, b] = urls as [string, string];
    const token = (await login(b, 'alice', PASSWORD))!;
    expect(await readStatus(b, token)).toBe(403);
    expect((await nacos(a, 'POST', '/auth/roles', { role: 'reader', username: 'alice' }, adminToken)).status).toBe(200);
    const granted = Date.now();
    const grant = { role: 'reader', resource: 'public:*:*', action: 'r' };
    expect((await nacos(a, 'POST', '/auth/permissions', grant, adminToken)).status).toBe(200);
    await within(1000, 'permission on node B', async () => (await readStatus(b, token)) !== 403);
    console.log(`a permission granted on node A allows on node B ${Date.now() - granted} ms after the grant`);
  });

  it('refuses the old token on another node and closes its watch stream when the password changes', async () => {
    const [a, b] = urls as [string, string];
    const token = (await login(b, 'alice', PASSWORD))!;
    const stream = await SseReader.open(cluster.nodes[1]!.server, { accessToken: token });
    readers.push(stream);
    await stream.until(() => stream.snapshots().length === 1);

    const res = await nacos(
      a,
      'PUT',
      '/auth/users',
      { username: 'alice', newPassword: 'alice-new-Passw0rd' },
      adminToken,
    );
    expect(res.status).toBe(200);
    await stream.until(() => stream.ended, 1000);
    expect([401, 403]).toContain(await readStatus(b, token));
    expect(await login(b, 'alice', PASSWORD)).toBeUndefined();
    expect(await login(b, 'alice', 'alice-new-Passw0rd')).toBeDefined();
  });

  it('refuses a deleted user on another node', async () => {
    const [a, , c] = urls as [string, string, string];
    const token = (await login(c, 'alice', 'alice-new-Passw0rd'))!;
    expect(await readStatus(c, token)).toBe(200);
    expect((await nacos(a, 'DELETE', '/auth/users', { username: 'alice' }, adminToken)).status).toBe(200);
    await within(1000, 'deletion on node C', async () => (await readStatus(c, token)) !== 200);
    expect([401, 403]).toContain(await readStatus(c, token));
    expect(await login(c, 'alice', 'alice-new-Passw0rd')).toBeUndefined();
  });

  it('keeps users, permissions and the token secret when every node restarts', async () => {
    await nacos(urls[0]!, 'POST', '/auth/users', { username: 'bob', password: PASSWORD }, adminToken);
    await nacos(urls[0]!, 'POST', '/auth/roles', { role: 'reader', username: 'bob' }, adminToken);
    await nacos(
      urls[0]!,
      'POST',
      '/auth/permissions',
      { role: 'reader', resource: 'public:*:*', action: 'r' },
      adminToken,
    );
    // The grant reaches the other nodes within milliseconds, not at once.
    let bobToken: string | undefined;
    await within(1000, 'bob on node B', async () => (bobToken = await login(urls[1]!, 'bob', PASSWORD)) !== undefined);
    await within(1000, 'the permission on node C', async () => (await readStatus(urls[2]!, bobToken!)) === 200);

    await Promise.all(cluster.nodes.map((n) => n.server.kill('SIGTERM')));
    for (let i = 0; i < cluster.nodes.length; i++) await cluster.startNode(i);
    urls = cluster.nodes.map((n) => n.server.baseUrl);

    for (const url of urls) {
      // Tokens issued before the restart still work: the secret did not change.
      expect(await readStatus(url, bobToken!)).toBe(200);
      expect(await login(url, 'nacos', adminPassword)).toBeDefined();
    }
    expect(cluster.nodes.filter((n) => n.server.stderr().includes(BANNER))).toHaveLength(0);
  }, 60_000);

  it('resets the admin password in PostgreSQL while the nodes run: every node takes it at once', async () => {
    const env = { BEACON_DATA_DIR: ':memory:', BEACON_REDIS_URL: cluster.redis.url };
    const wrong = await resetAdminPassword({
      ...env,
      BEACON_DATABASE_URL: cluster.postgres.createDatabase('not_beacon'),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('holds no Beacon schema');

    const newPassword = 'reset-Admin-Passw0rd';
    const done = await resetAdminPassword({
      ...env,
      BEACON_DATABASE_URL: cluster.postgres.url,
      BEACON_ADMIN_PASSWORD: newPassword,
    });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('The running nodes use the new password already');
    for (const url of urls) {
      await within(
        1000,
        `the new admin password on ${url}`,
        async () => (await login(url, 'nacos', newPassword)) !== undefined,
      );
      expect(await login(url, 'nacos', adminPassword)).toBeUndefined();
      expect([401, 403]).toContain(
        (await nacos(url, 'GET', '/auth/users', { pageNo: '1', pageSize: '10' }, adminToken)).status,
      );
    }
    adminPassword = newPassword;
    adminToken = (await login(urls[0]!, 'nacos', newPassword))!;
  });

  it('answers 503 and changes nothing while PostgreSQL is down, and works again when it is back', async () => {
    const [a, b] = urls as [string, string];
    await cluster.postgres.stop();
    const refused = await nacos(a, 'POST', '/auth/users', { username: 'carol', password: PASSWORD }, adminToken);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('PostgreSQL is unavailable, nothing was changed');
    // Reads and checks are in memory: they go on.
    const users = await nacos(a, 'GET', '/auth/users', { pageNo: '1', pageSize: '10' }, adminToken);
    expect(users.status).toBe(200);
    expect(JSON.stringify(await users.json())).not.toContain('carol');
    expect(await login(a, 'carol', PASSWORD)).toBeUndefined();

    await cluster.postgres.start();
    let status = 0;
    await within(15_000, 'user creation after the outage', async () => {
      status = (await nacos(a, 'POST', '/auth/users', { username: 'carol', password: PASSWORD }, adminToken)).status;
      return status === 200;
    });
    // Node B heard it: its LISTEN connection came back by itself.
    await within(3000, 'carol on node B', async () => (await login(b, 'carol', PASSWORD)) !== undefined);
  }, 60_000);
});
