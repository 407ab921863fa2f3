import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import { ADMIN_USER, AccessDirectory } from './access-directory.js';
import { AuthRepository } from './auth-repository.js';
import { forgetInitialPassword, generateAdminPassword, keepInitialPassword } from './initial-admin-password.js';
import { PasswordHasher } from './password-hasher.js';

/** The file SqliteDatabase keeps in the data directory. */
const DATABASE_FILE = 'beacon.db';

/** The reset cannot be done; the message says why and what to do. */
export class AdminResetError extends Error {
  override name = 'AdminResetError';
}

export interface AdminResetResult {
  readonly password: string;
  /** Whether the password was generated here (else it was the one given). */
  readonly generated: boolean;
  /** Where a generated password is kept (`<data dir>/initial-admin-password`). */
  readonly file: string | undefined;
}

/**
 * Sets the admin's password directly in the data directory's database, for an operator who lost it.
 * Only while no server uses that database: a running server keeps the users in memory and would go
 * on accepting the old password, so the reset takes SQLite's exclusive lock and refuses when it
 * cannot have it. Tokens issued before the reset stop working (the password's change time moves).
 */
export async function resetAdminPassword(dataDir: string, given: string | undefined): Promise<AdminResetResult> {
  if (dataDir === ':memory:') throw new AdminResetError('BEACON_DATA_DIR is :memory:, there is nothing to reset');
  // Never create a database here: a mistyped directory must not become an empty registry.
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    throw new AdminResetError(`${dataDir} holds no Beacon database (${DATABASE_FILE}): is BEACON_DATA_DIR right?`);
  }
  const database = new SqliteDatabase(dataDir);
  try {
    claimExclusively(database);
    const directory = new AccessDirectory(new AuthRepository(database), new PasswordHasher());
    const password = given ?? generateAdminPassword();
    if (directory.user(ADMIN_USER)) await directory.changePassword(ADMIN_USER, password);
    else await directory.createAdmin(password);
    const file = given === undefined ? keepInitialPassword(dataDir, password) : undefined;
    if (given !== undefined) forgetInitialPassword(dataDir);
    return { password, generated: given === undefined, file };
  } finally {
    database.close();
  }
}

/** Holds the database's exclusive lock until the connection closes; a running server holds it open. */
function claimExclusively(database: SqliteDatabase): void {
  const db = database.connection;
  db.pragma('busy_timeout = 0');
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new AdminResetError(
      `a Beacon server is using ${database.path}: stop it, run this again, then start it ` +
        '(a running server keeps the users in memory and would not see the new password)',
    );
  }
  db.pragma('busy_timeout = 5000');
}
