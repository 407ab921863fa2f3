import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../storage/sqlite-database.js';
import type { AuthSnapshot, AuthStore, PermissionRecord, RoleBinding, UserRecord } from './auth-store.js';

interface UserRow {
  username: string;
  password_hash: string;
  password_changed_at: number;
  created_at: number;
}

/**
 * The embedded AuthStore: users, role bindings and permissions in the registry's own SQLite
 * database (Nacos's three tables). Synchronous, as SQLite is: a change is durable when it returns.
 */
export class AuthRepository implements AuthStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(database: SqliteDatabase) {
    this.db = database.connection;
    const db = this.db;
    this.statements = {
      addUser: db.prepare(
        'INSERT OR IGNORE INTO auth_users (username, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?)',
      ),
      updateUser: db.prepare('UPDATE auth_users SET password_hash = ?, password_changed_at = ? WHERE username = ?'),
      deleteUser: db.prepare('DELETE FROM auth_users WHERE username = ?'),
      deleteRolesOfUser: db.prepare('DELETE FROM auth_roles WHERE username = ?'),
      addRole: db.prepare('INSERT OR IGNORE INTO auth_roles (role, username) VALUES (?, ?)'),
      deleteRole: db.prepare('DELETE FROM auth_roles WHERE role = ?'),
      deleteRoleOfUser: db.prepare('DELETE FROM auth_roles WHERE role = ? AND username = ?'),
      addPermission: db.prepare('INSERT OR IGNORE INTO auth_permissions (role, resource, action) VALUES (?, ?, ?)'),
      deletePermission: db.prepare('DELETE FROM auth_permissions WHERE role = ? AND resource = ? AND action = ?'),
      deletePermissionsOfRole: db.prepare('DELETE FROM auth_permissions WHERE role = ?'),
    };
  }

  load(): AuthSnapshot {
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

  addUser(u: UserRecord): boolean {
    return this.statements.addUser.run(u.username, u.passwordHash, u.passwordChangedAt, u.createdAt).changes === 1;
  }

  addAdmin(u: UserRecord, binding: RoleBinding): boolean {
    return this.transaction(() => {
      if (!this.addUser(u)) return false;
      this.addRole(binding);
      return true;
    });
  }

  updateUser(u: UserRecord): boolean {
    return this.statements.updateUser.run(u.passwordHash, u.passwordChangedAt, u.username).changes === 1;
  }

  deleteUser(username: string, orphanedRoles: readonly string[]): void {
    this.transaction(() => {
      this.statements.deleteRolesOfUser.run(username);
      this.statements.deleteUser.run(username);
      for (const role of orphanedRoles) this.statements.deletePermissionsOfRole.run(role);
    });
  }

  addRole(b: RoleBinding): boolean {
    return this.statements.addRole.run(b.role, b.username).changes === 1;
  }

  deleteRole(role: string, username: string | undefined, orphaned: boolean): void {
    this.transaction(() => {
      if (username === undefined) this.statements.deleteRole.run(role);
      else this.statements.deleteRoleOfUser.run(role, username);
      if (orphaned) this.statements.deletePermissionsOfRole.run(role);
    });
  }

  addPermission(p: PermissionRecord): boolean {
    return this.statements.addPermission.run(p.role, p.resource, p.action).changes === 1;
  }

  deletePermission(p: PermissionRecord): void {
    this.statements.deletePermission.run(p.role, p.resource, p.action);
  }

  private transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
