import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The one SQLite connection of the server (WAL, synchronous=FULL), shared by the registry's store
 * and the auth repository so that both live in the same database file.
 */
export class SqliteDatabase {
  readonly path: string;
  readonly connection: Database.Database;

  constructor(dataDir: string) {
    if (dataDir === ':memory:') {
      this.path = ':memory:';
    } else {
      mkdirSync(dataDir, { recursive: true });
      this.path = join(dataDir, 'beacon.db');
    }
    this.connection = new Database(this.path);
    this.connection.pragma('journal_mode = WAL');
    this.connection.pragma('synchronous = FULL');
    this.connection.pragma('busy_timeout = 5000');
  }

  close(): void {
    if (this.connection.open) this.connection.close();
  }
}
