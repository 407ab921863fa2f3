import { InvalidParameterError } from '@beacon/core';
import { AUDIT_TARGET_TYPES, type AuditEntry, type AuditTargetType } from '../audit/audit-entry.js';
import type { AuditTrail } from '../audit/audit-trail.js';

export { AUDIT_TARGET_TYPES };

/** The audit trail's filters as a caller writes them; every one left out keeps everything. */
export interface AuditFilters {
  /** A target path (`public/DEFAULT_GROUP@@orders`, `user:alice`): it and everything below it. */
  readonly target?: string | undefined;
  readonly targetType?: string | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  /** ISO 8601 or milliseconds since the epoch; inclusive. */
  readonly from?: string | undefined;
  /** ISO 8601 or milliseconds since the epoch; exclusive. */
  readonly to?: string | undefined;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
  readonly pageSize: number;
}

export interface AuditPage {
  readonly items: AuditEntry[];
  /** Where the next (older) page starts; absent on the last page. */
  readonly nextCursor: string | undefined;
}

/** Reading the audit trail: newest first, filtered, paged by a cursor that stays right while entries arrive. */
export class AuditLog {
  constructor(private readonly trail: AuditTrail) {}

  async search(filters: AuditFilters): Promise<AuditPage> {
    const from = timeOf('from', filters.from);
    const to = timeOf('to', filters.to);
    if (from !== undefined && to !== undefined && from >= to) throw new InvalidParameterError('from must be before to');
    const rows = await this.trail.query({
      target: text(filters.target),
      targetType: targetTypeOf(filters.targetType),
      user: text(filters.actor),
      action: text(filters.action),
      from,
      to,
      beforeId: cursorOf(filters.cursor),
      // One more than a page: whether there is a next page, without counting.
      limit: filters.pageSize + 1,
    });
    const items = rows.slice(0, filters.pageSize);
    const more = rows.length > filters.pageSize;
    return { items, nextCursor: more ? String(items[items.length - 1]!.id) : undefined };
  }
}

function text(value: string | undefined): string | undefined {
  // PostgreSQL refuses NUL in text: a 400 here rather than its error.
  if (value?.includes('\u0000')) throw new InvalidParameterError('filters must not contain NUL characters');
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function timeOf(name: string, value: string | undefined): number | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidParameterError(`${name} must be a time: ISO 8601 or milliseconds since the epoch`);
  }
  return ms;
}

function targetTypeOf(value: string | undefined): AuditTargetType | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  if (!(AUDIT_TARGET_TYPES as readonly string[]).includes(raw)) {
    throw new InvalidParameterError(`targetType must be one of ${AUDIT_TARGET_TYPES.join(', ')}`);
  }
  return raw as AuditTargetType;
}

function cursorOf(value: string | undefined): number | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id))
    throw new InvalidParameterError('cursor is not one this API gave');
  return id;
}
