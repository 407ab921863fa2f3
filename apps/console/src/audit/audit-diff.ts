/** One field of an audited target that a write changed: absent on a side means it was not there. */
export interface DiffRow {
  readonly field: string;
  readonly before?: string;
  readonly after?: string;
}

export interface AuditDiff {
  /** `created`: nothing was there before; `deleted`: nothing is there after. */
  readonly kind: 'created' | 'changed' | 'deleted' | 'unchanged';
  readonly rows: DiffRow[];
}

type Json = unknown;

/**
 * Before and after as a readable diff: nested objects flattened to dotted fields (`metadata.zone`),
 * arrays and plain values written as JSON, and only the fields that differ listed.
 */
export function auditDiff(before: Json, after: Json): AuditDiff {
  const b = flatten(before);
  const a = flatten(after);
  const fields = [...new Set([...b.keys(), ...a.keys()])].sort();
  const rows: DiffRow[] = [];
  for (const field of fields) {
    const was = b.get(field);
    const is = a.get(field);
    if (was === is) continue;
    rows.push({ field, ...(was === undefined ? {} : { before: was }), ...(is === undefined ? {} : { after: is }) });
  }
  const kind =
    before === null || before === undefined
      ? 'created'
      : after === null || after === undefined
        ? 'deleted'
        : rows.length === 0
          ? 'unchanged'
          : 'changed';
  return { kind, rows };
}

function flatten(value: Json, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, Json>);
    // An empty object is a value of its own ("no metadata"), not nothing.
    if (entries.length === 0 && prefix) into.set(prefix, '{}');
    for (const [key, v] of entries) flatten(v, prefix ? `${prefix}.${key}` : key, into);
    return into;
  }
  if (prefix && value !== undefined) into.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  return into;
}
