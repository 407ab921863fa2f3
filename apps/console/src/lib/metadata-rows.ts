/** Free key/value pairs as edited in a form: rows with stable ids so React keys survive edits. */
export interface MetadataRow {
  readonly id: number;
  readonly key: string;
  readonly value: string;
}

let nextRowId = 1;

export function newRow(key = '', value = ''): MetadataRow {
  return { id: nextRowId++, key, value };
}

export function rowsFromMetadata(
  metadata: Readonly<Record<string, string>>,
  skip: readonly string[] = [],
): MetadataRow[] {
  return Object.keys(metadata)
    .filter((key) => !skip.includes(key))
    .sort()
    .map((key) => newRow(key, metadata[key] ?? ''));
}

/** Errors by row id: blank keys with a value, duplicate keys, and keys the caller reserves. */
export function validateRows(
  rows: readonly MetadataRow[],
  reserved: Readonly<Record<string, string>> = {},
): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '') {
      if (row.value !== '') errors[row.id] = 'Enter a key for this value, or remove the row';
      continue;
    }
    if (reserved[key] !== undefined) errors[row.id] = reserved[key];
    else if (seen.has(key)) errors[row.id] = `Duplicate key "${key}"`;
    seen.add(key);
  }
  return errors;
}

/** The map the rows describe (blank rows dropped, keys trimmed). */
export function rowsToMetadata(rows: readonly MetadataRow[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key !== '') result[key] = row.value;
  }
  return result;
}

/** Keys to set (string) or clear (null) to turn `before` into `after`; empty when nothing changed. */
export function metadataChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const key of Object.keys(before)) if (!(key in after)) changes[key] = null;
  for (const [key, value] of Object.entries(after)) if (before[key] !== value) changes[key] = value;
  return changes;
}
