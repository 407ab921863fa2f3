import type { Pool, PoolClient } from 'pg';
import type {
  ClusterRecord,
  NamespaceRecord,
  OverrideRecord,
  PersistentInstanceRecord,
  ServiceRecord,
  StoredState,
  Switches,
} from '@beacon/core';
import type { StoreOp } from './store-op.js';

/** A service by namespace and name (`group@@name`). */
export interface ServiceName {
  readonly namespaceId: string;
  readonly serviceName: string;
}

const ADDRESS_WHERE = 'namespace_id = $1 AND service_name = $2 AND cluster_name = $3 AND ip = $4 AND port = $5';
const ADDRESS_CONFLICT =
  'ON CONFLICT (namespace_id, service_name, cluster_name, ip, port) DO UPDATE SET record = EXCLUDED.record';

/**
 * Durable state on PostgreSQL (cluster mode). Unlike SQLite it is asynchronous, so it is not core's
 * Store: the registry records its writes in a journal (cluster/journal-store.ts) and `write` commits
 * them in one transaction, all or nothing.
 */
export class PostgresStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Everything, or (`only`) the namespaces, the switches and just these services with their
   * clusters, persistent instances and overrides.
   */
  async load(only?: readonly ServiceName[]): Promise<StoredState> {
    const rows = async <T>(sql: string, params: unknown[] = []) =>
      (await this.pool.query<{ record: T }>(sql, params)).rows.map((r) => r.record);
    /** A table of service parts: every row, or those of the `only` services (`name`: the column naming the service). */
    const ofServices = <T>(table: string, name: string, order: string) =>
      only
        ? rows<T>(
            `SELECT record FROM ${table} WHERE (namespace_id, ${name}) IN ` +
              `(SELECT * FROM unnest($1::text[], $2::text[])) ${order}`,
            [only.map((s) => s.namespaceId), only.map((s) => s.serviceName)],
          )
        : rows<T>(`SELECT record FROM ${table} ${order}`);
    const [namespaces, services, clusters, instances, overrides, switches] = await Promise.all([
      rows<NamespaceRecord>('SELECT record FROM namespaces ORDER BY id'),
      ofServices<ServiceRecord>('services', 'name', 'ORDER BY namespace_id, name'),
      ofServices<ClusterRecord>('clusters', 'service_name', 'ORDER BY namespace_id, service_name, name'),
      ofServices<PersistentInstanceRecord>('instances', 'service_name', ''),
      ofServices<OverrideRecord>('overrides', 'service_name', ''),
      rows<Partial<Switches>>('SELECT record FROM switches WHERE id = 1'),
    ]);
    return { namespaces, services, clusters, instances, overrides, switches: switches[0] };
  }

  /** Commits every op in one transaction; on any failure nothing of them is written. */
  async write(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        await this.writeIn(client, ops);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  /** Writes the ops inside the caller's open transaction. */
  async writeIn(client: PoolClient, ops: readonly StoreOp[]): Promise<void> {
    for (const op of ops) await apply(client, op);
  }
}

async function apply(client: PoolClient, op: StoreOp): Promise<void> {
  switch (op.op) {
    case 'putNamespace': {
      const [r] = op.args;
      await client.query(
        'INSERT INTO namespaces (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record',
        [r.id, r],
      );
      return;
    }
    case 'deleteNamespace':
      await client.query('DELETE FROM namespaces WHERE id = $1', op.args);
      return;
    case 'putService': {
      const [r] = op.args;
      await client.query(
        `INSERT INTO services (namespace_id, name, record) VALUES ($1, $2, $3)
         ON CONFLICT (namespace_id, name) DO UPDATE SET record = EXCLUDED.record`,
        [r.namespaceId, r.name, r],
      );
      return;
    }
    case 'deleteService': {
      const [namespaceId, name] = op.args;
      await client.query('DELETE FROM services WHERE namespace_id = $1 AND name = $2', [namespaceId, name]);
      for (const table of ['clusters', 'instances', 'overrides']) {
        await client.query(`DELETE FROM ${table} WHERE namespace_id = $1 AND service_name = $2`, [namespaceId, name]);
      }
      return;
    }
    case 'putCluster': {
      const [r] = op.args;
      await client.query(
        `INSERT INTO clusters (namespace_id, service_name, name, record) VALUES ($1, $2, $3, $4)
         ON CONFLICT (namespace_id, service_name, name) DO UPDATE SET record = EXCLUDED.record`,
        [r.namespaceId, r.serviceName, r.name, r],
      );
      return;
    }
    case 'putInstance':
    case 'putOverride': {
      const [r] = op.args;
      const table = op.op === 'putInstance' ? 'instances' : 'overrides';
      await client.query(
        `INSERT INTO ${table} (namespace_id, service_name, cluster_name, ip, port, record)
         VALUES ($1, $2, $3, $4, $5, $6) ${ADDRESS_CONFLICT}`,
        [r.namespaceId, r.serviceName, r.clusterName, r.ip, r.port, r],
      );
      return;
    }
    case 'deleteInstance':
    case 'deleteOverride': {
      const [a] = op.args;
      const table = op.op === 'deleteInstance' ? 'instances' : 'overrides';
      await client.query(`DELETE FROM ${table} WHERE ${ADDRESS_WHERE}`, [
        a.namespaceId,
        a.serviceName,
        a.clusterName,
        a.ip,
        a.port,
      ]);
      return;
    }
    case 'putSwitches':
      await client.query(
        'INSERT INTO switches (id, record) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record',
        [op.args[0]],
      );
      return;
  }
}
