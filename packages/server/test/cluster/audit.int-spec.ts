/**
 * The audit trail in cluster mode: PostgreSQL's audit_log (schema step 3), written by every node.
 * A write on one node is read back from another, with who, from where and before/after; a refused
 * write and a password leave nothing; the adapter's filters and pruning run on real PostgreSQL.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from '@beacon/test-support';
import { PostgresAuditStore } from '../../src/audit/postgres-audit-store.js';
import type { NewAuditEntry } from '../../src/audit/audit-entry.js';
import { startCluster, type TestCluster } from './support/cluster.js';

interface Entry {
  actor: string;
  address: string;
  action: string;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const USER_PASSWORD = 'bob-cluster-Passw0rd';

let cluster: TestCluster;
let urls: [string, string];
let token: string;

async function call(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
}

async function audit(url: string, params: Record<string, string> = {}): Promise<Entry[]> {
  const res = await call(url, 'GET', `/api/v1/audit?${new URLSearchParams(params)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Entry[] }).items;
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, env: { BEACON_AUTH: 'on', BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '10000' } });
  urls = cluster.nodes.map((n) => n.server.baseUrl) as [string, string];
  const login = await fetch(`${urls[0]}/nacos/v1/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: ADMIN.username, password: ADMIN.password }),
  });
  token = ((await login.json()) as { accessToken: string }).accessToken;
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

describe('cluster mode: one audit trail in PostgreSQL for every node', () => {
  it('shows on one node the writes made on another: native API, Nacos v1 and users', async () => {
    const [a, b] = urls;
    const registered = await fetch(
      `${a}/nacos/v1/ns/instance?${new URLSearchParams({ serviceName: 'ledger', ip: '127.0.0.51', port: '7001', accessToken: token })}`,
      { method: 'POST' },
    );
    expect(await registered.text()).toBe('ok');
    const edited = await call(
      a,
      'PATCH',
      '/api/v1/namespaces/public/services/DEFAULT_GROUP/ledger/instances/DEFAULT/127.0.0.51/7001',
      {
        enabled: false,
      },
    );
    expect(edited.status).toBe(200);
    const updated = await fetch(
      `${a}/nacos/v1/ns/service?${new URLSearchParams({ serviceName: 'ledger', protectThreshold: '0.3', accessToken: token })}`,
      { method: 'PUT' },
    );
    expect(await updated.text()).toBe('ok');
    expect((await call(a, 'POST', '/api/v1/auth/users', { username: 'bob', password: USER_PASSWORD })).status).toBe(
      201,
    );
    // Refused: nothing recorded.
    expect(
      (
        await call(
          a,
          'PATCH',
          '/api/v1/namespaces/public/services/DEFAULT_GROUP/ledger/instances/DEFAULT/127.0.0.51/7001',
          { weight: -1 },
        )
      ).status,
    ).toBe(400);

    const seen = await audit(b);
    expect(seen.map((e) => [e.action, e.target])).toEqual([
      ['createUser', 'user:bob'],
      ['updateService', 'public/DEFAULT_GROUP@@ledger'],
      ['editInstance', 'public/DEFAULT_GROUP@@ledger/DEFAULT/127.0.0.51:7001'],
    ]);
    expect(seen[2]).toMatchObject({
      actor: 'nacos',
      address: '127.0.0.1',
      before: { enabled: true, overridden: { enabled: false } },
      after: { enabled: false, overridden: { enabled: true } },
    });
    expect(seen[1]).toMatchObject({ before: { protectThreshold: 0 }, after: { protectThreshold: 0.3 } });
    expect(await audit(b, { target: 'public/DEFAULT_GROUP@@ledger' })).toHaveLength(2);
    expect(await audit(b, { actor: 'bob' })).toEqual([]);

    const client = new pg.Client({ connectionString: cluster.postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM audit_log a');
      expect(rows).toHaveLength(3);
      for (const { row } of rows) {
        expect(row).not.toContain(USER_PASSWORD);
        expect(row).not.toContain(ADMIN.password);
      }
    } finally {
      await client.end();
    }
  });

  it('filters and prunes on PostgreSQL as on SQLite', async () => {
    const pool = new pg.Pool({ connectionString: cluster.postgres.url, max: 2 });
    try {
      const store = new PostgresAuditStore(pool);
      await pool.query('DELETE FROM audit_log');
      const entry = (at: number, target: string): NewAuditEntry => ({
        at,
        user: 'nacos',
        address: '127.0.0.1',
        action: 'updateService',
        targetType: 'service',
        target,
        before: null,
        after: { metadata: { zone: 'a' } },
      });
      for (const [at, target] of [
        [1_000, 'public/G@@orders'],
        [2_000, 'public/G@@orders/DEFAULT'],
        [3_000, 'public/G@@orders-eu'],
        [4_000, 'team/G@@orders'],
      ] as const)
        await store.append(entry(at, target));
      const targets = async (q: Parameters<PostgresAuditStore['query']>[0]) =>
        (await store.query(q)).map((e) => e.target);
      expect(await targets({ target: 'public/G@@orders', limit: 10 })).toEqual([
        'public/G@@orders/DEFAULT',
        'public/G@@orders',
      ]);
      expect(await targets({ from: 2_000, to: 4_000, limit: 10 })).toEqual([
        'public/G@@orders-eu',
        'public/G@@orders/DEFAULT',
      ]);
      const [newest] = await store.query({ limit: 1 });
      expect(newest).toMatchObject({ at: 4_000, user: 'nacos', after: { metadata: { zone: 'a' } } });
      expect(await targets({ beforeId: newest!.id, limit: 1 })).toEqual(['public/G@@orders-eu']);

      // Older than 1500 ms goes, then all but the 2 newest.
      expect(await store.prune(1_500, 2)).toBe(2);
      expect(await targets({ limit: 10 })).toEqual(['team/G@@orders', 'public/G@@orders-eu']);
    } finally {
      await pool.end();
    }
  });
});
