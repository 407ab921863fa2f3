import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';
import { migrateSchema } from './schema-migrator.js';

export interface SqliteDatabaseOptions {
  /** Where schema upgrades are reported (the server's log); silent by default. */
  readonly log?: (message: string) => void;
}

/**
 * The one SQLite connection of the server (WAL, synchronous=FULL), shared by the registry's store
 * and the auth repository so that both live in the same database file. Opening it brings the schema
 * to the newest version (see migrations/), or refuses a file written by a newer Beacon.
 */
export class SqliteDatabase {
  readonly path: string;
  readonly connection: Database.Database;

  constructor(dataDir: string, options: SqliteDatabaseOptions = {}) {
    if (dataDir === ':memory:') {
      this.path = ':memory:';
    } else {
      mkdirSync(dataDir, { recursive: true });
      this.path = join(dataDir, 'beacon.db');
    }
    this.connection = new Database(this.path);
    try {
      this.connection.pragma('journal_mode = WAL');
      this.connection.pragma('synchronous = FULL');
      this.connection.pragma('busy_timeout = 5000');
      migrateSchema(this.connection, this.path, MIGRATIONS, options.log);
    } catch (error) {
      this.connection.close();
      throw error;
    }
  }

  close(): void {
    if (this.connection.open) this.connection.close();
  }
}
