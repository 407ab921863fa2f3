import { MemoryStore, type Store, type StoredState } from '@beacon/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres, PostgresSchemaTooNewError } from '../../src/storage/postgres-migrator.js';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres-migrations.js';
import { PostgresStore } from '../../src/storage/postgres-store.js';
import type { StoreOp } from '../../src/storage/store-op.js';
import { startPostgres, type PostgresEngine } from '@beacon/test-support';

let engine: PostgresEngine;

beforeAll(async () => {
  engine = await startPostgres();
}, 60_000);

afterAll(async () => {
  await engine?.close();
});

const address = {
  namespaceId: 'public',
  serviceName: 'DEFAULT_GROUP@@db',
  clusterName: 'DEFAULT',
  ip: '127.0.0.1',
  port: 5432,
};
const settings = { protectThreshold: 0.5, metadata: { tier: 'gold' }, selector: { type: 'none' as const } };

/** Every kind of write, including replacements and deletions, in an order the registry could make. */
const OPS: StoreOp[] = [
  { op: 'putNamespace', args: [{ id: 'team-a', name: 'Team A', description: 'first' }] },
  { op: 'putNamespace', args: [{ id: 'team-a', name: 'Team A', description: 'second' }] },
  { op: 'putNamespace', args: [{ id: 'gone', name: 'Gone', description: '' }] },
  { op: 'deleteNamespace', args: ['gone'] },
  { op: 'putService', args: [{ namespaceId: 'public', name: 'DEFAULT_GROUP@@db', ...settings }] },
  { op: 'putService', args: [{ namespaceId: 'public', name: 'DEFAULT_GROUP@@old', ...settings }] },
  {
    op: 'putCluster',
    args: [
      {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@db',
        name: 'DEFAULT',
        settings: {
          healthChecker: { type: 'TCP' },
          defaultPort: 80,
          defaultCheckPort: 80,
          useIPPort4Check: true,
          metadata: {},
        },
      },
    ],
  },
  {
    op: 'putInstance',
    args: [
      { ...address, instanceId: 'x', weight: 2, healthy: true, enabled: true, app: 'DEFAULT', metadata: { a: '1' } },
    ],
  },
  {
    op: 'putInstance',
    args: [
      {
        ...address,
        serviceName: 'DEFAULT_GROUP@@old',
        instanceId: 'y',
        weight: 1,
        healthy: true,
        enabled: true,
        app: 'DEFAULT',
        metadata: {},
      },
    ],
  },
  { op: 'putOverride', args: [{ ...address, metadata: { 'preserved.heart.beat.timeout': '9000' } }] },
  { op: 'putOverride', args: [{ ...address, port: 1, metadata: { k: 'v' } }] },
  { op: 'deleteOverride', args: [{ ...address, port: 1 }] },
  { op: 'deleteService', args: ['public', 'DEFAULT_GROUP@@old'] },
  { op: 'putSwitches', args: [{ ...new MemoryStore().load().switches, clientBeatInterval: 3000 } as never] },
];

function applyTo(store: Store, op: StoreOp): void {
  (store[op.op] as (...args: unknown[]) => void)(...op.args);
}

interface Keyed {
  namespaceId?: string;
  name?: string;
  serviceName?: string;
  ip?: string;
  port?: number;
  id?: string;
}

const keyOf = (x: Keyed) => JSON.stringify([x.namespaceId, x.serviceName, x.name, x.ip, x.port, x.id]);
const byKey = (a: Keyed, b: Keyed) => keyOf(a).localeCompare(keyOf(b));

/** Row order is not part of the contract: compare both states sorted by key. */
function sorted(state: StoredState): StoredState {
  return {
    ...state,
    namespaces: [...state.namespaces].sort(byKey),
    services: [...state.services].sort(byKey),
    clusters: [...state.clusters].sort(byKey),
    instances: [...state.instances].sort(byKey),
    overrides: [...state.overrides].sort(byKey),
  };
}

describe('PostgreSQL durable state', () => {
  it('applies the schema once when five nodes migrate at the same moment', async () => {
    const url = engine.createDatabase('concurrent');
    const pools = Array.from({ length: 5 }, () => new pg.Pool({ connectionString: url, max: 1 }));
    try {
      const applied = await Promise.all(pools.map((p) => migratePostgres(p)));
      expect(applied.flat()).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
      const { rows } = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses to start on a schema newer than it knows', async () => {
    const pool = new pg.Pool({ connectionString: engine.createDatabase('newer'), max: 1 });
    try {
      await migratePostgres(pool);
      await pool.query("INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')");
      await expect(migratePostgres(pool)).rejects.toThrow(PostgresSchemaTooNewError);
    } finally {
      await pool.end();
    }
  });

  it('holds exactly what the in-memory reference store holds after the same writes', async () => {
    const pool = new pg.Pool({ connectionString: engine.createDatabase('roundtrip'), max: 2 });
    try {
      await migratePostgres(pool);
      const store = new PostgresStore(pool);
      const reference = new MemoryStore();
      for (const op of OPS) applyTo(reference, op);
      await store.write(OPS);
      expect(sorted(await store.load())).toEqual(sorted(reference.load()));
    } finally {
      await pool.end();
    }
  });

  it('writes nothing of a batch that fails part-way', async () => {
    const pool = new pg.Pool({ connectionString: engine.createDatabase('atomic'), max: 2 });
    try {
      await migratePostgres(pool);
      const store = new PostgresStore(pool);
      const broken: StoreOp = { op: 'putNamespace', args: [{ id: null as never, name: 'x', description: '' }] };
      await expect(
        store.write([{ op: 'putNamespace', args: [{ id: 'kept-out', name: 'K', description: '' }] }, broken]),
      ).rejects.toThrow();
      expect((await store.load()).namespaces).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
