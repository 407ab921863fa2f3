import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
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
      // Users' password hashes and every instance live here: owner only. A directory that already
      // exists keeps the mode its operator gave it.
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      this.path = join(dataDir, 'beacon.db');
      // Created (or narrowed) before SQLite opens it; SQLite gives its -wal and -shm files the
      // database file's mode.
      closeSync(openSync(this.path, 'a', 0o600));
      chmodSync(this.path, 0o600);
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
