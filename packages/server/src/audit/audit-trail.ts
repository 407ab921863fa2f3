import type { AuditEntry, AuditJson, AuditQuery, AuditRecord } from './audit-entry.js';
import type { AuditStore } from './audit-store.js';

/** Keys whose values are secrets wherever they appear in a before or after (metadata included). */
const SECRET_KEY = /(^|[^a-z])pass($|[^a-z])|passw(or)?d|passphrase|secret|token|credential|private.?key|api.?key/i;
export const REDACTED = '***';

/**
 * The audit trail: every operator write, once done, with who, from where, when, what, and the target
 * before and after. Writers call `record` only after their change succeeded, so a refused or failed
 * write leaves no entry. Secrets never reach the store: a value under a key that names one (password,
 * secret, token, ...) is recorded as `***`, and no writer hands over a password or its hash.
 */
export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly now: () => number,
    /** A write that is done but could not be recorded is reported, not undone. */
    private readonly reportError: (error: unknown, record: AuditRecord) => void,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    try {
      await this.store.append({
        at: this.now(),
        user: record.actor.user,
        address: record.actor.address,
        action: record.action,
        targetType: record.target.type,
        target: record.target.path,
        before: auditJson(record.before),
        after: auditJson(record.after),
      });
    } catch (error) {
      this.reportError(error, record);
    }
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    return this.store.query(query);
  }
}

/** A value as the trail keeps it: plain JSON, secrets masked, `undefined` as null. */
export function auditJson(value: unknown): AuditJson {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(auditJson);
  if (value instanceof Map) return auditJson(Object.fromEntries(value));
  if (value instanceof Set) return auditJson([...value]);
  if (typeof value === 'object') {
    const result: { [key: string]: AuditJson } = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      result[key] = SECRET_KEY.test(key) ? REDACTED : auditJson(v);
    }
    return result;
  }
  return typeof value === 'bigint' ? value.toString() : null;
}
