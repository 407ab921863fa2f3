import { ConflictError } from '@beacon/core';
import { describe, expect, it } from 'vitest';
import { AccessDirectory } from './access-directory.js';
import type { AuthSnapshot, AuthStore, PermissionRecord, RoleBinding, UserRecord } from './auth-store.js';
import { PasswordHasher } from './password-hasher.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';

const OPERATOR = { user: 'nacos', address: '127.0.0.1' };
const trail = () =>
  new AuditTrail(new SqliteAuditStore(new SqliteDatabase(':memory:')), Date.now, (error) => {
    throw error;
  });

/**
 * The rows of a shared database, as the cluster's store sees them: `hold` makes the next write
 * wait until released, `fail` makes writes throw, and another "node" can change `rows` directly.
 */
class SharedRows implements AuthStore {
  rows: { users: UserRecord[]; roles: RoleBinding[]; permissions: PermissionRecord[] } = {
    users: [],
    roles: [],
    permissions: [],
  };
  fail: Error | undefined;
  private held: Promise<void> | undefined;
  private remote: (() => Promise<void>) | undefined;

  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((r) => (release = r));
    return release;
  }
  /** Another node changed the rows and notified. */
  changedElsewhere(change: () => void): Promise<void> {
    change();
    return this.remote!();
  }

  load(): AuthSnapshot {
    return structuredClone(this.rows);
  }
  onRemoteChange(listener: () => Promise<void>): void {
    this.remote = listener;
  }
  addUser(user: UserRecord): Promise<boolean> {
    return this.write(() => {
      if (this.rows.users.some((u) => u.username === user.username)) return false;
      this.rows.users.push(user);
      return true;
    });
  }
  addAdmin(): Promise<boolean> {
    return this.write(() => false);
  }
  updateUser(): Promise<boolean> {
    return this.write(() => true);
  }
  deleteUser(username: string): Promise<void> {
    return this.write(() => void (this.rows.users = this.rows.users.filter((u) => u.username !== username)));
  }
  addRole(binding: RoleBinding): Promise<boolean> {
    return this.write(() => this.rows.roles.push(binding) > 0);
  }
  deleteRole(): Promise<void> {
    return this.write(() => undefined);
  }
  addPermission(permission: PermissionRecord): Promise<boolean> {
    return this.write(() => this.rows.permissions.push(permission) > 0);
  }
  deletePermission(): Promise<void> {
    return this.write(() => undefined);
  }

  private async write<T>(change: () => T): Promise<T> {
    const held = this.held;
    this.held = undefined;
    await held;
    if (this.fail) throw this.fail;
    return change();
  }
}

const user = (username: string): UserRecord => ({ username, passwordHash: 'x', passwordChangedAt: 1, createdAt: 1 });

describe('AccessDirectory over a store', () => {
  it('changes nothing when the store fails, and tells no listener', async () => {
    const store = new SharedRows();
    const directory = await AccessDirectory.open(store, new PasswordHasher(), trail());
    let changes = 0;
    directory.onChange(() => changes++);
    store.fail = new Error('PostgreSQL is unavailable');
    await expect(directory.createUser('alice', 'alice-Passw0rd', OPERATOR)).rejects.toThrow(
      'PostgreSQL is unavailable',
    );
    expect(directory.user('alice')).toBeUndefined();
    expect(changes).toBe(0);
  });

  it('answers a conflict when the store already has the user another node created a moment ago', async () => {
    const store = new SharedRows();
    const directory = await AccessDirectory.open(store, new PasswordHasher(), trail());
    store.rows.users.push(user('alice'));
    await expect(directory.createUser('alice', 'alice-Passw0rd', OPERATOR)).rejects.toThrow(ConflictError);
  });

  it("reloads another node's change and tells the listeners", async () => {
    const store = new SharedRows();
    const directory = await AccessDirectory.open(store, new PasswordHasher(), trail());
    let changes = 0;
    directory.onChange(() => changes++);
    await store.changedElsewhere(() => {
      store.rows.users.push(user('bob'));
      store.rows.roles.push({ role: 'reader', username: 'bob' });
      store.rows.permissions.push({ role: 'reader', resource: 'public:*:*', action: 'r' });
    });
    expect(directory.user('bob')).toBeDefined();
    expect(directory.allows('bob', { namespaceId: 'public', groupName: 'G', serviceName: 's' }, 'r')).toBe(true);
    expect(changes).toBe(1);
  });

  it('runs a reload after a change in flight, so the reload cannot undo it', async () => {
    const store = new SharedRows();
    store.rows.users.push(user('bob'));
    store.rows.roles.push({ role: 'reader', username: 'bob' });
    const directory = await AccessDirectory.open(store, new PasswordHasher(), trail());
    const release = store.hold();
    const granted = directory.grant('reader', 'public:*:*', 'r', OPERATOR);
    // Another node's change arrives while the grant waits for the store: its reload waits for the grant.
    const reloaded = store.changedElsewhere(() => store.rows.users.push(user('carol')));
    await new Promise((r) => setTimeout(r, 10));
    expect(directory.user('carol')).toBeUndefined();
    release();
    await Promise.all([granted, reloaded]);
    expect(directory.user('carol')).toBeDefined();
    expect(directory.permissionList()).toEqual([{ role: 'reader', resource: 'public:*:*', action: 'r' }]);
  });
});
