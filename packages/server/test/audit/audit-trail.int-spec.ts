/**
 * The audit trail over real HTTP, embedded mode (a SQLite file in the data dir), auth on: writes of
 * the native API, the Nacos v1 API and the user/role/permission administration are read back from
 * GET /api/v1/audit with who, from where, when, what, before and after; its filters and cursor; a
 * non-admin's 403; refused writes and client registrations leave no entry; no password reaches it;
 * and retention prunes old entries and those past the row cap when the server starts.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir } from '@beacon/test-support';
import { ADMIN_PASSWORD, q, startAuthServer, type AuthServer } from '../auth/support/auth-server.js';

interface Entry {
  id: number;
  at: number;
  actor: string;
  address: string;
  action: string;
  targetType: string;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface Page {
  items: Entry[];
  nextCursor?: string;
}

const SERVICE = 'public/DEFAULT_GROUP@@orders';
const INSTANCE = `${SERVICE}/DEFAULT/127.0.0.41:8080`;
const ALICE_PASSWORD = 'alice-first-Passw0rd';
const ALICE_NEW_PASSWORD = 'alice-second-Passw0rd';

let dataDir: string;
let server: AuthServer;
let admin: Record<string, string>;
let startedAt: number;

async function audit(params: Record<string, string | number> = {}, headers = admin): Promise<Page> {
  const res = await server.http.send('GET', `/api/v1/audit?${q(params)}`, { headers });
  expect(res.status, res.body).toBe(200);
  return res.json<Page>();
}

async function send(method: string, path: string, options: Parameters<AuthServer['http']['send']>[2] = {}) {
  return server.http.send(method, path, { ...options, headers: { ...admin, ...options.headers } });
}

beforeAll(async () => {
  dataDir = makeDataDir();
  server = await startAuthServer({}, { dataDir });
  admin = await server.adminHeaders();
  startedAt = Date.now();
  // A client's registration: not an operator write.
  const registered = await send(
    'POST',
    `/nacos/v1/ns/instance?${q({ serviceName: 'orders', ip: '127.0.0.41', port: 8080 })}`,
  );
  expect(registered.status).toBe(200);
});

afterAll(async () => {
  await server.close();
  removeDataDir(dataDir);
});

describe('what is recorded', () => {
  it('records a native API edit with who, from which address, when, the target and before/after', async () => {
    const res = await send(
      'PATCH',
      '/api/v1/namespaces/public/services/DEFAULT_GROUP/orders/instances/DEFAULT/127.0.0.41/8080',
      {
        json: { weight: 5, metadata: { zone: 'b', 'db.password': 'hunter2-secret' } },
        from: '127.0.0.2',
      },
    );
    expect(res.status, res.body).toBe(200);
    const [entry] = (await audit({ target: INSTANCE })).items;
    expect(entry).toMatchObject({
      actor: 'nacos',
      address: '127.0.0.2',
      action: 'editInstance',
      targetType: 'instance',
      target: INSTANCE,
      before: { weight: 1, metadata: {}, overridden: { weight: false, metadataKeys: [] } },
      after: { weight: 5, metadata: { zone: 'b', 'db.password': '***' }, overridden: { weight: true } },
    });
    expect(entry!.at).toBeGreaterThanOrEqual(startedAt);
    expect(entry!.at).toBeLessThanOrEqual(Date.now());
  });

  it('records a Nacos v1 service update and namespace creation', async () => {
    const updated = await send(
      'PUT',
      `/nacos/v1/ns/service?${q({ serviceName: 'orders', protectThreshold: '0.5', metadata: 'team=core' })}`,
    );
    expect(updated.status, updated.body).toBe(200);
    const created = await send('POST', '/nacos/v1/console/namespaces', {
      form: { customNamespaceId: 'staging', namespaceName: 'Staging', namespaceDesc: 'pre-prod' },
    });
    expect(created.body).toBe('true');

    const [service] = (await audit({ target: SERVICE, action: 'updateService' })).items;
    expect(service).toMatchObject({
      actor: 'nacos',
      address: '127.0.0.1',
      targetType: 'service',
      target: SERVICE,
      before: { protectThreshold: 0, metadata: {} },
      after: { protectThreshold: 0.5, metadata: { team: 'core' } },
    });
    const [namespace] = (await audit({ target: 'staging' })).items;
    expect(namespace).toMatchObject({
      action: 'putNamespace',
      targetType: 'namespace',
      before: null,
      after: { id: 'staging', name: 'Staging', description: 'pre-prod' },
    });
  });

  it('records switches and the overridden server status (kept in memory, audited all the same)', async () => {
    for (const [entry, value] of [
      ['pushCacheMillis', '20000'],
      ['overriddenServerStatus', 'UP'],
      ['overriddenServerStatus', 'NULL'],
    ]) {
      const res = await send('PUT', `/nacos/v1/ns/operator/switches?${q({ entry: entry!, value: value! })}`);
      expect(res.body).toBe('ok');
    }
    const [switches] = (await audit({ target: 'switches' })).items;
    expect(switches).toMatchObject({ action: 'updateSwitches', before: { defaultPushCacheMillis: 10000 } });
    expect(switches!.after).toMatchObject({ defaultPushCacheMillis: 20000 });
    const status = (await audit({ targetType: 'server-status' })).items;
    expect(status.map((e) => [e.before, e.after])).toEqual([
      [{ overridden: 'UP' }, { overridden: null }],
      [{ overridden: null }, { overridden: 'UP' }],
    ]);
  });

  it('records users, roles, permissions and password changes without any password', async () => {
    const steps: [string, string, Record<string, string>][] = [
      ['POST', '/nacos/v1/auth/users', { username: 'alice', password: ALICE_PASSWORD }],
      ['POST', '/nacos/v1/auth/roles', { role: 'ops', username: 'alice' }],
      ['POST', '/nacos/v1/auth/permissions', { role: 'ops', resource: 'public:*:*', action: 'r' }],
      ['PUT', '/nacos/v1/auth/users', { username: 'alice', newPassword: ALICE_NEW_PASSWORD }],
    ];
    for (const [method, path, form] of steps) {
      const res = await send(method, `${path}?${q(form)}`);
      expect(res.status, `${method} ${path}: ${res.body}`).toBe(200);
    }
    const user = (await audit({ target: 'user:alice' })).items;
    expect(user.map((e) => e.action)).toEqual(['changePassword', 'bindRole', 'createUser']);
    expect(user[2]).toMatchObject({ before: null, after: { username: 'alice', admin: false, roles: [] } });
    expect(user[1]).toMatchObject({ before: { roles: [] }, after: { roles: ['ops'] } });
    expect(Object.keys(user[0]!.after!)).toEqual(['changedAt']);
    expect(Date.parse(user[0]!.after!['changedAt'] as string)).toBeGreaterThan(
      Date.parse(user[0]!.before!['changedAt'] as string),
    );
    const [grant] = (await audit({ target: 'role:ops' })).items;
    expect(grant).toMatchObject({
      action: 'grantPermission',
      targetType: 'role',
      before: { role: 'ops', holders: ['alice'], permissions: [] },
      after: { permissions: [{ role: 'ops', resource: 'public:*:*', action: 'r' }] },
    });

    const everything = JSON.stringify(await audit({ pageSize: 500 }));
    for (const secret of [ALICE_PASSWORD, ALICE_NEW_PASSWORD, ADMIN_PASSWORD, 'hunter2-secret', 'scrypt']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('records nothing for refused writes and for clients registering', async () => {
    const before = (await audit({ pageSize: 500 })).items.length;
    const missing = await send(
      'PATCH',
      '/api/v1/namespaces/public/services/DEFAULT_GROUP/orders/instances/DEFAULT/127.0.0.99/1',
      {
        json: { weight: 2 },
      },
    );
    expect(missing.status).toBe(404);
    const invalid = await send(
      'PATCH',
      '/api/v1/namespaces/public/services/DEFAULT_GROUP/orders/instances/DEFAULT/127.0.0.41/8080',
      {
        json: { weight: -3 },
      },
    );
    expect(invalid.status).toBe(400);
    const duplicate = await send('POST', '/api/v1/namespaces/public/services', { json: { name: 'orders' } });
    expect(duplicate.status).toBe(409);
    const taken = await send('POST', '/api/v1/auth/users', {
      json: { username: 'alice', password: 'whatever-Passw0rd' },
    });
    expect(taken.status).toBe(409);
    const beat = await send(
      'POST',
      `/nacos/v1/ns/instance?${q({ serviceName: 'other', ip: '127.0.0.42', port: 8080 })}`,
    );
    expect(beat.status).toBe(200);

    const after = (await audit({ pageSize: 500 })).items;
    expect(after.length).toBe(before);
    expect(after.map((e) => e.action)).not.toContain('registerInstance');
    expect(after.some((e) => e.target.includes('127.0.0.99') || e.target.includes('@@other'))).toBe(false);
  });
});

describe('reading the trail', () => {
  it('filters by target (and everything below it), actor, action and time, newest first', async () => {
    const all = (await audit({ pageSize: 500 })).items;
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const underService = (await audit({ target: SERVICE })).items;
    expect(underService.map((e) => e.target).sort()).toEqual([SERVICE, INSTANCE]);
    expect((await audit({ target: 'public/DEFAULT_GROUP@@ord' })).items).toEqual([]);
    expect((await audit({ actor: 'nacos', pageSize: 500 })).items.length).toBe(all.length);
    expect((await audit({ actor: 'alice' })).items).toEqual([]);
    expect((await audit({ action: 'createUser' })).items.map((e) => e.target)).toEqual(['user:alice']);
    expect((await audit({ targetType: 'role' })).items.map((e) => e.action)).toEqual(['grantPermission']);
    const newest = all[0]!;
    expect((await audit({ from: newest.at + 1 })).items).toEqual([]);
    expect((await audit({ to: new Date(startedAt - 1000).toISOString() })).items).toEqual([]);
    expect((await audit({ from: new Date(startedAt - 1000).toISOString(), pageSize: 500 })).items.length).toBe(
      all.length,
    );
  });

  it('pages with a cursor through exactly the whole trail', async () => {
    const all = (await audit({ pageSize: 500 })).items;
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit({ pageSize: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('answers 400 for bad filters and 403 to a non-admin', async () => {
    const bad: Record<string, string | number>[] = [
      { pageSize: 501 },
      { from: 'yesterday' },
      { targetType: 'thing' },
      { cursor: 'abc' },
    ];
    for (const params of bad) {
      const res = await server.http.send('GET', `/api/v1/audit?${q(params)}`, { headers: admin });
      expect(res.status, JSON.stringify(params)).toBe(400);
    }
    const token = await server.login('alice', ALICE_NEW_PASSWORD);
    const res = await server.http.send('GET', '/api/v1/audit', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect((await server.http.send('GET', '/api/v1/audit')).status).toBe(401);
  });
});

describe('retention', () => {
  it('prunes entries older than BEACON_AUDIT_RETENTION_DAYS and past BEACON_AUDIT_MAX_ENTRIES at start', async () => {
    const kept = (await audit({ pageSize: 500 })).items;
    expect(kept.length).toBeGreaterThan(4);
    await server.close();

    const db = new Database(join(dataDir, 'beacon.db'));
    const old = Date.now() - 11 * 24 * 3600 * 1000;
    db.prepare(
      `INSERT INTO audit_log (at, actor, address, action, target_type, target, before_json, after_json)
       VALUES (?, 'nacos', '127.0.0.1', 'updateSwitches', 'switches', 'switches', 'null', 'null')`,
    ).run(old);
    // An old entry with the highest id: only the age rule can remove it.
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: kept.length + 1 });
    db.close();

    server = await startAuthServer({ BEACON_AUDIT_RETENTION_DAYS: '10', BEACON_AUDIT_MAX_ENTRIES: '3' }, { dataDir });
    admin = await server.adminHeaders();
    const after = (await audit({ pageSize: 500 })).items;
    expect(after.map((e) => e.id)).toEqual(kept.slice(0, 3).map((e) => e.id));
  });
});
