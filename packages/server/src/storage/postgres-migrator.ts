import type { Pool } from 'pg';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './postgres-migrations.js';

/** Held while migrating, so that nodes starting together migrate one after the other. */
const MIGRATION_LOCK = 'beacon:schema-migrations';

export class PostgresSchemaTooNewError extends Error {}

/**
 * Applies the steps the database lacks, each in its own transaction, under a session advisory
 * lock: several nodes may start at once; the first migrates, the others wait, then find nothing to
 * do. Returns the versions it applied.
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
  log: (message: string) => void = () => undefined,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      const newest = Math.max(0, ...migrations.map((m) => m.version));
      const unknown = [...applied].filter((v) => v > newest);
      if (unknown.length > 0) {
        throw new PostgresSchemaTooNewError(
          `the database schema is at version ${Math.max(...unknown)}, newer than this Beacon knows (${newest}): run a newer Beacon`,
        );
      }
      const done: number[] = [];
      for (const step of migrations) {
        if (applied.has(step.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(step.sql);
          await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [
            step.version,
            step.description,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        log(`PostgreSQL schema: applied step ${step.version} (${step.description})`);
        done.push(step.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
