import type { Pool } from 'pg';
import type { AuditEntry, AuditJson, AuditQuery, AuditTargetType, NewAuditEntry } from './audit-entry.js';
import { auditWhere } from './audit-filter.js';
import type { AuditStore } from './audit-store.js';

interface AuditRow {
  id: string;
  at: string;
  actor: string;
  address: string;
  action: string;
  target_type: string;
  target: string;
  before_json: AuditJson;
  after_json: AuditJson;
}

/**
 * Cluster mode's AuditStore: table audit_log of the cluster's PostgreSQL (schema step 3), written by
 * every node. A failure rejects (the trail reports it); nothing is retried behind the writer's back.
 */
export class PostgresAuditStore implements AuditStore {
  constructor(private readonly pool: Pool) {}

  async append(e: NewAuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit_log (at, actor, address, action, target_type, target, before_json, after_json)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.at, e.user, e.address, e.action, e.targetType, e.target, JSON.stringify(e.before), JSON.stringify(e.after)],
    );
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = auditWhere(query, param);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map((r) => ({
      // BIGINT comes back as a string: ids and milliseconds fit a double.
      id: Number(r.id),
      at: Number(r.at),
      user: r.actor,
      address: r.address,
      action: r.action,
      targetType: r.target_type as AuditTargetType,
      target: r.target,
      before: r.before_json,
      after: r.after_json,
    }));
  }

  async prune(olderThan: number, keep: number): Promise<number> {
    const old = await this.pool.query('DELETE FROM audit_log WHERE at < $1', [olderThan]);
    const beyond = await this.pool.query(
      'DELETE FROM audit_log WHERE id <= (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET $1)',
      [keep],
    );
    return (old.rowCount ?? 0) + (beyond.rowCount ?? 0);
  }
}
