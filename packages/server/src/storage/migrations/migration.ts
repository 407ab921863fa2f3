import type Database from 'better-sqlite3';

/**
 * One numbered step of the SQLite schema. Steps run in order, each exactly once per database;
 * the database's `PRAGMA user_version` records the last step applied. A step that shipped is never
 * edited: a change to the schema is a new step.
 */
export interface Migration {
  /** 1, 2, 3, ...: the schema version the database has once this step has run. */
  readonly version: number;
  /** What the step does, for the start-up log. */
  readonly description: string;
  /** Runs inside the migration's transaction. */
  up(db: Database.Database): void;
}
