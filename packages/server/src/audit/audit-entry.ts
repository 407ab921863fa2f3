import type { Actor } from '../wire/actor.js';

/** What an audited write changed: one kind of thing, named by a path (see `auditPath`). */
export const AUDIT_TARGET_TYPES = [
  'namespace',
  'service',
  'cluster',
  'instance',
  'switches',
  'server-status',
  'user',
  'role',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export interface AuditTarget {
  readonly type: AuditTargetType;
  /**
   * Where it is, outermost first, `/` between the parts: `public`, `public/DEFAULT_GROUP@@orders`,
   * `.../DEFAULT` (a cluster), `.../DEFAULT/127.0.0.1:8080` (an instance); `user:alice`,
   * `role:ops`, `switches`, `server-status`. A filter on a path matches it and everything below it.
   */
  readonly path: string;
}

/** Plain JSON: what before and after are stored as. */
export type AuditJson = null | boolean | number | string | AuditJson[] | { [key: string]: AuditJson };

/** One operator write as its writer reports it, once it is done. */
export interface AuditRecord {
  readonly actor: Actor;
  /** What was done, as the application names it: `editInstance`, `updateService`, `grantPermission`, ... */
  readonly action: string;
  readonly target: AuditTarget;
  /** The target as it was (null: it did not exist). */
  readonly before: unknown;
  /** The target as it is now (null: it is gone). */
  readonly after: unknown;
}

/** One row of the trail. */
export interface AuditEntry {
  /** Increases with every entry: the trail's order and its paging cursor. */
  readonly id: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly user: string;
  readonly address: string;
  readonly action: string;
  readonly targetType: AuditTargetType;
  readonly target: string;
  readonly before: AuditJson;
  readonly after: AuditJson;
}

/** An entry about to be written: everything but its id. */
export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Which entries to read, newest first. */
export interface AuditQuery {
  /** A target path: the entries of that target and of everything below it. */
  readonly target?: string | undefined;
  readonly targetType?: AuditTargetType | undefined;
  readonly user?: string | undefined;
  readonly action?: string | undefined;
  /** Milliseconds, inclusive. */
  readonly from?: number | undefined;
  /** Milliseconds, exclusive. */
  readonly to?: number | undefined;
  /** Only entries older than this id (the previous page's last). */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

/** The path of a namespace, service, cluster or instance, outermost first. */
export function auditPath(...parts: (string | number)[]): string {
  return parts.join('/');
}
