/**
 * Schema versions: a database written before versions existed (the committed fixture, made by the
 * server of commit 32dbaef, see fixtures/make-v1-database.mjs) is adopted as version 1 with every
 * row intact, the built server starts on it and serves the data, and a database from a newer Beacon
 * stops the start with a message instead of being touched.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthRepository } from '../../src/auth/auth-repository.js';
import { MIGRATIONS } from '../../src/storage/migrations/index.js';
import { initialSchema } from '../../src/storage/migrations/001-initial.js';
import { SchemaTooNewError, migrateSchema } from '../../src/storage/schema-migrator.js';
import { SqliteDatabase } from '../../src/storage/sqlite-database.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { makeDataDir, removeDataDir, spawnServer } from '@beacon/test-support';

const FIXTURE = fileURLToPath(new URL('./fixtures/v1-beacon.db', import.meta.url));
/** The passwords the fixture's script gave its users. */
const ADMIN_PASSWORD = 'fixture-admin-password';
const ALICE_PASSWORD = 'alice-password-1';
const TABLES = [
  'meta',
  'namespaces',
  'services',
  'clusters',
  'instances',
  'overrides',
  'auth_users',
  'auth_roles',
  'auth_permissions',
];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

/**
 * A fresh data dir holding a copy of the fixture as `beacon.db`. Tests read only copies: the fixture
 * is in WAL mode, as 1.0 left it, and even a read-only open would leave `-shm`/`-wal` files beside it.
 */
function dataDirWithFixture(): string {
  const dir = makeDataDir();
  dirs.push(dir);
  copyFileSync(FIXTURE, join(dir, 'beacon.db'));
  return dir;
}

function readRaw(file: string): { version: number; rows: Record<string, unknown[]> } {
  const db = new Database(file, { readonly: true });
  try {
    const rows: Record<string, unknown[]> = {};
    for (const table of TABLES) rows[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
    return { version: db.pragma('user_version', { simple: true }) as number, rows };
  } finally {
    db.close();
  }
}

function setVersion(file: string, version: number): void {
  const db = new Database(file);
  db.pragma(`user_version = ${version}`);
  db.close();
}

describe('the unversioned database of the code before migrations', () => {
  it('is adopted as version 1: every row stays, and the store and auth repository read them all', () => {
    const dir = dataDirWithFixture();
    const before = readRaw(join(dir, 'beacon.db'));
    expect(before.version).toBe(0);
    expect(before.rows['instances']).toHaveLength(4);

    const log: string[] = [];
    const database = new SqliteDatabase(dir, { log: (m) => log.push(m) });
    const store = new SqliteStore(database);
    const state = store.load();
    const auth = new AuthRepository(database).load();
    store.close();

    expect(log).toEqual([
      expect.stringMatching(/schema 0 -> 1: initial schema/),
      expect.stringMatching(/schema 1 -> 2: overrides: weight and enabled/),
      expect.stringMatching(/schema 2 -> 3: audit_log/),
    ]);
    const after = readRaw(join(dir, 'beacon.db'));
    expect(after.version).toBe(MIGRATIONS.length);
    // Step 2 gives every override row a weight and an enabled column, NULL: "not overridden".
    const overridesBefore = before.rows['overrides']!.map((row) => ({
      ...(row as object),
      weight: null,
      enabled: null,
    }));
    expect(after.rows).toEqual({ ...before.rows, overrides: overridesBefore });

    expect(state.namespaces).toHaveLength(before.rows['namespaces']!.length);
    expect(state.services).toHaveLength(before.rows['services']!.length);
    expect(state.clusters).toHaveLength(before.rows['clusters']!.length);
    expect(state.instances).toHaveLength(before.rows['instances']!.length);
    expect(state.overrides).toEqual([
      {
        namespaceId: 'public',
        serviceName: 'shop@@orders',
        clusterName: 'DEFAULT',
        ip: '127.0.0.21',
        port: 7001,
        metadata: { 'preserved.heart.beat.interval': '3000' },
      },
    ]);
    expect(state.services).toContainEqual({
      namespaceId: 'public',
      name: 'shop@@orders',
      protectThreshold: 0.5,
      metadata: { owner: 'team-a', tier: 'gold' },
      selector: { type: 'label', expression: 'CONSUMER.label.env = PROVIDER.label.env' },
    });
    expect(state.instances).toContainEqual(
      expect.objectContaining({ ip: '127.0.0.22', clusterName: 'EU', enabled: false }),
    );
    expect(state.switches).toMatchObject({ clientBeatInterval: 7000, pushEnabled: false });
    expect(auth.users.map((u) => u.username).sort()).toEqual(['alice', 'bob', 'nacos']);
    expect(auth.roles).toHaveLength(before.rows['auth_roles']!.length);
    expect(auth.permissions).toHaveLength(before.rows['auth_permissions']!.length);
  });

  it('is not upgraded twice: a second open finds the newest version and logs nothing', () => {
    const dir = dataDirWithFixture();
    new SqliteDatabase(dir).close();
    const log: string[] = [];
    new SqliteDatabase(dir, { log: (m) => log.push(m) }).close();
    expect(log).toEqual([]);
    expect(readRaw(join(dir, 'beacon.db')).version).toBe(MIGRATIONS.length);
  });

  it('is served by the built server: namespaces, services, instances, overrides, switches, users', async () => {
    const dir = dataDirWithFixture();
    await using server = await spawnServer({ dataDir: dir, env: { BEACON_AUTH: 'on', BEACON_LOG_LEVEL: 'log' } });
    expect(server.stdout()).toMatch(/schema 0 -> 1/);

    const login = async (username: string, password: string) => {
      const res = await new NacosWire(server.baseUrl, 'plain').post('/nacos/v1/auth/login', { username, password });
      expect(res.status, `${username} logs in with the password the old server stored`).toBe(200);
      return res.json<{ accessToken: string }>().accessToken;
    };
    const accessToken = await login('nacos', ADMIN_PASSWORD);
    await login('alice', ALICE_PASSWORD);
    const w = new NacosWire(server.baseUrl, 'plain');
    const get = async <T>(path: string, params: Record<string, string> = {}) => {
      const res = await w.get(path, { ...params, accessToken });
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      return res.json<T>();
    };

    const namespaces = await get<{ data: { namespace: string; namespaceShowName: string }[] }>(
      '/nacos/v1/console/namespaces',
    );
    expect(namespaces.data.map((n) => [n.namespace, n.namespaceShowName])).toEqual(
      expect.arrayContaining([
        ['dev', 'Development'],
        ['prod', 'Production'],
      ]),
    );

    const orders = await get<{ protectThreshold: number; metadata: Record<string, string>; clusters: unknown[] }>(
      NS + '/service',
      { serviceName: 'orders', groupName: 'shop' },
    );
    expect(orders.protectThreshold).toBe(0.5);
    expect(orders.metadata).toEqual({ owner: 'team-a', tier: 'gold' });
    expect(orders.clusters).toContainEqual(
      expect.objectContaining({ name: 'EU', metadata: { region: 'eu-west' }, healthChecker: { type: 'TCP' } }),
    );

    const hosts = await get<{ hosts: { ip: string; port: number; metadata: object }[] }>(NS + '/instance/list', {
      serviceName: 'orders',
      groupName: 'shop',
      clusters: 'DEFAULT,EU',
      healthyOnly: 'false',
    });
    // The EU instance is disabled, so the client's list leaves it out; the catalog shows it.
    expect(hosts.hosts.map((h) => `${h.ip}:${h.port}`)).toEqual(['127.0.0.21:7001']);
    expect(hosts.hosts[0]?.metadata).toEqual({ zone: 'a', 'preserved.heart.beat.interval': '3000' });
    const eu = await get<{ list: { ip: string; port: number; enabled: boolean }[] }>(NS + '/catalog/instances', {
      serviceName: 'orders',
      groupName: 'shop',
      clusterName: 'EU',
      pageNo: '1',
      pageSize: '10',
    });
    expect(eu.list).toEqual([expect.objectContaining({ ip: '127.0.0.22', port: 7002, enabled: false })]);
    for (const [namespaceId, serviceName, port] of [
      ['dev', 'billing', 7003],
      ['prod', 'ledger', 7004],
    ] as const) {
      const list = await get<{ hosts: { port: number }[] }>(NS + '/instance/list', {
        namespaceId,
        serviceName,
        healthyOnly: 'false',
      });
      expect(list.hosts.map((h) => h.port)).toEqual([port]);
    }

    const switches = await get<{ clientBeatInterval: number; pushEnabled: boolean }>(NS + '/operator/switches');
    expect(switches).toMatchObject({ clientBeatInterval: 7000, pushEnabled: false });

    const users = await get<{ pageItems: { username: string }[] }>('/nacos/v1/auth/users', { pageSize: '100' });
    expect(users.pageItems.map((u) => u.username).sort()).toEqual(['alice', 'bob', 'nacos']);
    const roles = await get<{ pageItems: { role: string; username: string }[] }>('/nacos/v1/auth/roles');
    expect(roles.pageItems).toEqual(
      expect.arrayContaining([
        { role: 'developer', username: 'alice' },
        { role: 'viewer', username: 'bob' },
      ]),
    );
    const permissions = await get<{ pageItems: unknown[] }>('/nacos/v1/auth/permissions');
    expect(permissions.pageItems).toEqual(
      expect.arrayContaining([
        { role: 'developer', resource: 'dev:*:*', action: 'rw' },
        { role: 'viewer', resource: 'public:*:*', action: 'r' },
      ]),
    );
  });
});

describe('a database from a newer Beacon', () => {
  it('is refused on open, and left as it was', () => {
    const dir = dataDirWithFixture();
    const file = join(dir, 'beacon.db');
    setVersion(file, MIGRATIONS.length + 1);
    const before = readRaw(file);
    expect(() => new SqliteDatabase(dir)).toThrow(SchemaTooNewError);
    expect(() => new SqliteDatabase(dir)).toThrow(
      `has schema version ${MIGRATIONS.length + 1}, but this Beacon knows versions up to ${MIGRATIONS.length}`,
    );
    expect(readRaw(file)).toEqual(before);
  });

  it('stops the built server with that message and exit code 2', async () => {
    const dir = dataDirWithFixture();
    setVersion(join(dir, 'beacon.db'), 99);
    await using server = await spawnServer({ dataDir: dir, waitUntilReady: false });
    expect(await server.exited).toEqual({ code: 2, signal: null });
    expect(server.stderr()).toContain(
      `Beacon cannot start: ${join(dir, 'beacon.db')} has schema version 99, but this Beacon knows versions up to`,
    );
  });
});

describe('migrateSchema', () => {
  it('runs all steps on a new database and records the newest version', () => {
    const db = new Database(':memory:');
    expect(migrateSchema(db, ':memory:', MIGRATIONS)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('rolls every pending step back when one fails: the version and the tables stay as they were', () => {
    const db = new Database(':memory:');
    const failing = {
      version: 2,
      description: 'a step that fails half-way',
      up(d: Database.Database) {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => migrateSchema(db, ':memory:', [initialSchema, failing])).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([]);
    db.close();
  });

  it('refuses a list with a gap, so a step is never skipped', () => {
    const db = new Database(':memory:');
    expect(() => migrateSchema(db, ':memory:', [{ ...initialSchema, version: 2 }])).toThrow(/out of order/);
    db.close();
  });
});
