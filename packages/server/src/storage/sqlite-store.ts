import type Database from 'better-sqlite3';
import type {
  ClusterRecord,
  InstanceAddress,
  NamespaceRecord,
  OverrideRecord,
  PersistentInstanceRecord,
  ServiceRecord,
  Store,
  StoredState,
  Switches,
} from '@beacon/core';
import { SqliteDatabase } from './sqlite-database.js';

const ADDRESS = 'namespace_id = ? AND service_name = ? AND cluster_name = ? AND ip = ? AND port = ?';

/**
 * The core's Store on SQLite (WAL, synchronous=FULL): each call is committed before it returns,
 * so a write the registry acknowledged survives `kill -9` and power loss alike.
 */
export class SqliteStore implements Store {
  readonly path: string;
  private readonly database: SqliteDatabase;
  private readonly db: Database.Database;
  private readonly statements;

  /** Opens its own database in `dataDir` (schema upgraded on open), or uses the server's shared one. */
  constructor(source: string | SqliteDatabase) {
    this.database = typeof source === 'string' ? new SqliteDatabase(source) : source;
    this.path = this.database.path;
    this.db = this.database.connection;
    const db = this.db;
    this.statements = {
      putNamespace: db.prepare('INSERT OR REPLACE INTO namespaces (id, name, description) VALUES (?, ?, ?)'),
      deleteNamespace: db.prepare('DELETE FROM namespaces WHERE id = ?'),
      putService: db.prepare(
        'INSERT OR REPLACE INTO services (namespace_id, name, protect_threshold, metadata, selector) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteService: ['services', 'clusters', 'instances', 'overrides'].map((table) =>
        db.prepare(
          `DELETE FROM ${table} WHERE namespace_id = ? AND ${table === 'services' ? 'name' : 'service_name'} = ?`,
        ),
      ),
      putCluster: db.prepare(
        'INSERT OR REPLACE INTO clusters (namespace_id, service_name, name, settings) VALUES (?, ?, ?, ?)',
      ),
      putInstance: db.prepare(
        `INSERT OR REPLACE INTO instances (namespace_id, service_name, cluster_name, ip, port, instance_id, weight,
         healthy, enabled, app, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteInstance: db.prepare(`DELETE FROM instances WHERE ${ADDRESS}`),
      putOverride: db.prepare(
        `INSERT OR REPLACE INTO overrides (namespace_id, service_name, cluster_name, ip, port, metadata, weight, enabled)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteOverride: db.prepare(`DELETE FROM overrides WHERE ${ADDRESS}`),
      putMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    };
  }

  load(): StoredState {
    const all = <T>(sql: string) => this.db.prepare(sql).all() as T[];
    const switches = this.getMeta('switches');
    return {
      namespaces: all<NamespaceRecord>('SELECT id, name, description FROM namespaces'),
      services: all<{
        namespace_id: string;
        name: string;
        protect_threshold: number;
        metadata: string;
        selector: string;
      }>('SELECT * FROM services').map((r): ServiceRecord => ({
        namespaceId: r.namespace_id,
        name: r.name,
        protectThreshold: r.protect_threshold,
        metadata: JSON.parse(r.metadata) as ServiceRecord['metadata'],
        selector: JSON.parse(r.selector) as ServiceRecord['selector'],
      })),
      clusters: all<{ namespace_id: string; service_name: string; name: string; settings: string }>(
        'SELECT * FROM clusters',
      ).map((r): ClusterRecord => ({
        namespaceId: r.namespace_id,
        serviceName: r.service_name,
        name: r.name,
        settings: JSON.parse(r.settings) as ClusterRecord['settings'],
      })),
      instances: all<InstanceRow>('SELECT * FROM instances').map((r): PersistentInstanceRecord => ({
        ...addressOf(r),
        instanceId: r.instance_id,
        weight: r.weight,
        healthy: r.healthy === 1,
        enabled: r.enabled === 1,
        app: r.app,
        metadata: JSON.parse(r.metadata) as PersistentInstanceRecord['metadata'],
      })),
      overrides: all<OverrideRow>('SELECT * FROM overrides').map((r): OverrideRecord => ({
        ...addressOf(r),
        metadata: JSON.parse(r.metadata) as OverrideRecord['metadata'],
        ...(r.weight !== null ? { weight: r.weight } : {}),
        ...(r.enabled !== null ? { enabled: r.enabled === 1 } : {}),
      })),
      switches: switches === undefined ? undefined : (JSON.parse(switches) as Partial<Switches>),
    };
  }

  putNamespace(r: NamespaceRecord): void {
    this.statements.putNamespace.run(r.id, r.name, r.description);
  }
  deleteNamespace(id: string): void {
    this.statements.deleteNamespace.run(id);
  }
  putService(r: ServiceRecord): void {
    this.statements.putService.run(
      r.namespaceId,
      r.name,
      r.protectThreshold,
      JSON.stringify(r.metadata),
      JSON.stringify(r.selector),
    );
  }
  deleteService(namespaceId: string, serviceName: string): void {
    this.transaction(() => {
      for (const statement of this.statements.deleteService) statement.run(namespaceId, serviceName);
    });
  }
  putCluster(r: ClusterRecord): void {
    this.statements.putCluster.run(r.namespaceId, r.serviceName, r.name, JSON.stringify(r.settings));
  }
  putInstance(r: PersistentInstanceRecord): void {
    this.statements.putInstance.run(
      ...addressParams(r),
      r.instanceId,
      r.weight,
      r.healthy ? 1 : 0,
      r.enabled ? 1 : 0,
      r.app,
      JSON.stringify(r.metadata),
    );
  }
  deleteInstance(a: InstanceAddress): void {
    this.statements.deleteInstance.run(...addressParams(a));
  }
  putOverride(r: OverrideRecord): void {
    const enabled = r.enabled === undefined ? null : r.enabled ? 1 : 0;
    this.statements.putOverride.run(...addressParams(r), JSON.stringify(r.metadata), r.weight ?? null, enabled);
  }
  deleteOverride(a: InstanceAddress): void {
    this.statements.deleteOverride.run(...addressParams(a));
  }
  putSwitches(switches: Switches): void {
    this.putMeta('switches', JSON.stringify(switches));
  }
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value;
  }
  putMeta(key: string, value: string): void {
    this.statements.putMeta.run(key, value);
  }

  /** Closes the database, shared or not: the store is the last user at shutdown. */
  close(): void {
    this.database.close();
  }
}

interface InstanceRow {
  namespace_id: string;
  service_name: string;
  cluster_name: string;
  ip: string;
  port: number;
  instance_id: string;
  weight: number;
  healthy: number;
  enabled: number;
  app: string;
  metadata: string;
}

/** NULL weight or enabled: that field is not overridden. */
interface OverrideRow extends Pick<InstanceRow, 'namespace_id' | 'service_name' | 'cluster_name' | 'ip' | 'port'> {
  metadata: string;
  weight: number | null;
  enabled: number | null;
}

function addressOf(r: OverrideRow): InstanceAddress {
  return {
    namespaceId: r.namespace_id,
    serviceName: r.service_name,
    clusterName: r.cluster_name,
    ip: r.ip,
    port: r.port,
  };
}

function addressParams(a: InstanceAddress): [string, string, string, string, number] {
  return [a.namespaceId, a.serviceName, a.clusterName, a.ip, a.port];
}
