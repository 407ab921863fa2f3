import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../storage/sqlite-database.js';

export interface UserRecord {
  readonly username: string;
  readonly passwordHash: string;
  /** Milliseconds; tokens issued before this second are refused. */
  readonly passwordChangedAt: number;
  readonly createdAt: number;
}

export interface RoleBinding {
  readonly role: string;
  readonly username: string;
}

export interface PermissionRecord {
  readonly role: string;
  readonly resource: string;
  readonly action: string;
}

interface UserRow {
  username: string;
  password_hash: string;
  password_changed_at: number;
  created_at: number;
}

/** Users, role bindings and permissions in the registry's own SQLite database (Nacos's three tables). */
export class AuthRepository {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(database: SqliteDatabase) {
    this.db = database.connection;
    const db = this.db;
    this.statements = {
      putUser: db.prepare(
        'INSERT OR REPLACE INTO auth_users (username, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?)',
      ),
      deleteUser: db.prepare('DELETE FROM auth_users WHERE username = ?'),
      deleteRolesOfUser: db.prepare('DELETE FROM auth_roles WHERE username = ?'),
      putRole: db.prepare('INSERT OR IGNORE INTO auth_roles (role, username) VALUES (?, ?)'),
      deleteRole: db.prepare('DELETE FROM auth_roles WHERE role = ?'),
      deleteRoleOfUser: db.prepare('DELETE FROM auth_roles WHERE role = ? AND username = ?'),
      putPermission: db.prepare('INSERT OR IGNORE INTO auth_permissions (role, resource, action) VALUES (?, ?, ?)'),
      deletePermission: db.prepare('DELETE FROM auth_permissions WHERE role = ? AND resource = ? AND action = ?'),
      deletePermissionsOfRole: db.prepare('DELETE FROM auth_permissions WHERE role = ?'),
    };
  }

  load(): { users: UserRecord[]; roles: RoleBinding[]; permissions: PermissionRecord[] } {
    return {
      users: (this.db.prepare('SELECT * FROM auth_users').all() as UserRow[]).map((r) => ({
        username: r.username,
        passwordHash: r.password_hash,
        passwordChangedAt: r.password_changed_at,
        createdAt: r.created_at,
      })),
      roles: this.db.prepare('SELECT role, username FROM auth_roles').all() as RoleBinding[],
      permissions: this.db.prepare('SELECT role, resource, action FROM auth_permissions').all() as PermissionRecord[],
    };
  }

  putUser(u: UserRecord): void {
    this.statements.putUser.run(u.username, u.passwordHash, u.passwordChangedAt, u.createdAt);
  }

  /** Removes the user with its role bindings. */
  deleteUser(username: string): void {
    this.transaction(() => {
      this.statements.deleteRolesOfUser.run(username);
      this.statements.deleteUser.run(username);
    });
  }

  putRole(b: RoleBinding): void {
    this.statements.putRole.run(b.role, b.username);
  }

  deleteRole(role: string, username?: string): void {
    if (username === undefined) this.statements.deleteRole.run(role);
    else this.statements.deleteRoleOfUser.run(role, username);
  }

  putPermission(p: PermissionRecord): void {
    this.statements.putPermission.run(p.role, p.resource, p.action);
  }

  deletePermission(p: PermissionRecord): void {
    this.statements.deletePermission.run(p.role, p.resource, p.action);
  }

  deletePermissionsOfRole(role: string): void {
    this.statements.deletePermissionsOfRole.run(role);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
