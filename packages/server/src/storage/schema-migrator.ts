import type Database from 'better-sqlite3';
import type { Migration } from './migrations/migration.js';

/** The database was written by a newer Beacon: its schema is past every step this one knows. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${path} has schema version ${found}, but this Beacon knows versions up to ${known}: ` +
        'it was written by a newer Beacon. Start that version again, or restore a backup taken before ' +
        'the upgrade. Beacon did not change the file.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Brings the database to the newest schema: reads `PRAGMA user_version`, runs every later step in
 * order and records each, all in one transaction, so a failed upgrade leaves the file as it was.
 * A database with no version (0) is one from before versions existed, or a new one; step 1 adopts both.
 */
export function migrateSchema(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[],
  log: (message: string) => void = () => undefined,
): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version} is out of order (expected ${i + 1})`);
  });
  const latest = migrations.length;
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > latest) throw new SchemaTooNewError(path, found, latest);
  if (found === latest) return latest;

  const pending = migrations.slice(found);
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      // Inside the transaction: the step and its version commit together, or neither does.
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
  for (const m of pending) log(`${path}: schema ${m.version - 1} -> ${m.version}: ${m.description}`);
  return latest;
}
