import type { AuditQuery } from './audit-entry.js';

/**
 * The WHERE clause of a query, the same for SQLite and PostgreSQL: `param(value)` adds a parameter
 * and returns its placeholder (`?` or `$n`). A target matches itself and every path below it.
 */
export function auditWhere(query: AuditQuery, param: (value: unknown) => string): string {
  const conditions: string[] = [];
  if (query.target !== undefined) {
    const below = `${query.target}/`;
    conditions.push(`(target = ${param(query.target)} OR substr(target, 1, ${param(below.length)}) = ${param(below)})`);
  }
  if (query.targetType !== undefined) conditions.push(`target_type = ${param(query.targetType)}`);
  if (query.user !== undefined) conditions.push(`actor = ${param(query.user)}`);
  if (query.action !== undefined) conditions.push(`action = ${param(query.action)}`);
  if (query.from !== undefined) conditions.push(`at >= ${param(query.from)}`);
  if (query.to !== undefined) conditions.push(`at < ${param(query.to)}`);
  if (query.beforeId !== undefined) conditions.push(`id < ${param(query.beforeId)}`);
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}
