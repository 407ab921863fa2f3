import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../storage/sqlite-database.js';
import type { AuditEntry, AuditQuery, AuditTargetType, NewAuditEntry } from './audit-entry.js';
import { auditWhere } from './audit-filter.js';
import type { AuditStore } from './audit-store.js';

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  address: string;
  action: string;
  target_type: string;
  target: string;
  before_json: string;
  after_json: string;
}

/** The embedded AuditStore: table audit_log of the registry's SQLite database (migration 3). */
export class SqliteAuditStore implements AuditStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(database: SqliteDatabase) {
    this.db = database.connection;
    this.insert = this.db.prepare(
      `INSERT INTO audit_log (at, actor, address, action, target_type, target, before_json, after_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(e: NewAuditEntry): void {
    this.insert.run(
      e.at,
      e.user,
      e.address,
      e.action,
      e.targetType,
      e.target,
      JSON.stringify(e.before),
      JSON.stringify(e.after),
    );
  }

  query(query: AuditQuery): AuditEntry[] {
    const params: unknown[] = [];
    const where = auditWhere(query, (value) => {
      params.push(value);
      return '?';
    });
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`)
      .all(...params, query.limit) as AuditRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      user: r.actor,
      address: r.address,
      action: r.action,
      targetType: r.target_type as AuditTargetType,
      target: r.target,
      before: JSON.parse(r.before_json) as AuditEntry['before'],
      after: JSON.parse(r.after_json) as AuditEntry['after'],
    }));
  }

  prune(olderThan: number, keep: number): number {
    return this.db.transaction(() => {
      let deleted = this.db.prepare('DELETE FROM audit_log WHERE at < ?').run(olderThan).changes;
      deleted += this.db
        .prepare('DELETE FROM audit_log WHERE id <= (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?)')
        .run(keep).changes;
      return deleted;
    })();
  }
}
