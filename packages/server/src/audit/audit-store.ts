import type { AuditEntry, AuditQuery, NewAuditEntry } from './audit-entry.js';

/** Synchronous in the embedded adapter (SQLite), a promise in the cluster's (PostgreSQL). */
type Done<T> = T | Promise<T>;

/**
 * Where the audit trail is kept, durably when a call returns:
 *
 * - embedded: `SqliteAuditStore`, the registry's SQLite database (migration 3);
 * - cluster:  `PostgresAuditStore`, the cluster's PostgreSQL (schema step 3), shared by every node.
 */
export interface AuditStore {
  append(entry: NewAuditEntry): Done<void>;
  /** Newest first, at most `query.limit`. */
  query(query: AuditQuery): Done<AuditEntry[]>;
  /** Deletes entries older than `olderThan` (ms), then all but the newest `keep`; returns how many went. */
  prune(olderThan: number, keep: number): Done<number>;
}

/** Injection token of the AuditStore (provided by StateBackendModule, which knows the mode). */
export const AUDIT_STORE = Symbol('AuditStore');
