import type { Migration } from './migration.js';

/**
 * The audit trail (issue 24): one row per operator write, newest the highest id. Before and after
 * are JSON text. Indexed for the time window and the target filters; bounded by retention.
 */
export const auditLog: Migration = {
  version: 3,
  description: 'audit_log: operator writes with who, from where, when, what, before and after',
  up(db) {
    db.exec(`
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, address TEXT NOT NULL,
  action TEXT NOT NULL, target_type TEXT NOT NULL, target TEXT NOT NULL, before_json TEXT NOT NULL,
  after_json TEXT NOT NULL);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target);
`);
  },
};
