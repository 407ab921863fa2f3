import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import { ADMIN_USER, AccessDirectory } from './access-directory.js';
import { redact } from '../config/cluster-config.js';
import { AuthRepository } from './auth-repository.js';
import type { AuthStore } from './auth-store.js';
import { forgetInitialPassword, generateAdminPassword, keepInitialPassword } from './initial-admin-password.js';
import { PasswordHasher } from './password-hasher.js';
import { reasonOf } from '../net/error-reason.js';
import type { AuditStore } from '../audit/audit-store.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import type { Actor } from '../wire/actor.js';

/** Who the audit trail says reset the password: whoever had the machine and ran the command. */
const COMMAND_LINE: Actor = { user: 'reset-admin-password', address: 'command line' };

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
    const password = await setAdminPassword(new AuthRepository(database), new SqliteAuditStore(database), given);
    const file = given === undefined ? keepInitialPassword(dataDir, password) : undefined;
    if (given !== undefined) forgetInitialPassword(dataDir);
    return { password, generated: given === undefined, file };
  } finally {
    database.close();
  }
}

/**
 * Cluster mode: sets the admin's password in the cluster's PostgreSQL (BEACON_DATABASE_URL). The
 * nodes may keep running: the change is announced to them as any other is, so every node takes the
 * new password at once. A generated password is printed only: no node's data dir is at hand here.
 */
export async function resetClusterAdminPassword(
  databaseUrl: string,
  given: string | undefined,
): Promise<AdminResetResult> {
  // Loaded on demand, as in the server: an embedded reset never loads pg.
  const [{ default: pg }, { PostgresAuthStore }, { PostgresAuditStore }] = await Promise.all([
    import('pg'),
    import('./postgres-auth-store.js'),
    import('../audit/postgres-audit-store.js'),
  ]);
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 3000, max: 2 });
  pool.on('error', () => undefined);
  try {
    let hasSchema: boolean;
    try {
      const { rows } = await pool.query<{ ok: boolean }>("SELECT to_regclass('auth_users') IS NOT NULL AS ok");
      hasSchema = rows[0]!.ok;
    } catch (error) {
      throw new AdminResetError(`cannot reach PostgreSQL at ${redact(databaseUrl)}: ${reasonOf(error)}`);
    }
    // Never create a schema here: a mistyped URL must not become an empty cluster.
    if (!hasSchema) {
      throw new AdminResetError(`${redact(databaseUrl)} holds no Beacon schema: is BEACON_DATABASE_URL right?`);
    }
    try {
      const password = await setAdminPassword(
        new PostgresAuthStore(pool, 'reset-admin-password'),
        new PostgresAuditStore(pool),
        given,
      );
      return { password, generated: given === undefined, file: undefined };
    } catch (error) {
      throw new AdminResetError(reasonOf(error));
    }
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** The given or a generated password, set on the admin (created if missing); returns it. */
async function setAdminPassword(store: AuthStore, audit: AuditStore, given: string | undefined): Promise<string> {
  const trail = new AuditTrail(audit, Date.now, (error) =>
    process.stderr.write(`the password was reset, but the audit trail could not record it: ${reasonOf(error)}\n`),
  );
  const directory = await AccessDirectory.open(store, new PasswordHasher(), trail);
  const password = given ?? generateAdminPassword();
  if (directory.user(ADMIN_USER)) await directory.changePassword(ADMIN_USER, password, COMMAND_LINE);
  else await directory.createAdmin(password);
  return password;
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
