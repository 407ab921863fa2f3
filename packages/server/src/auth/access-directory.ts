import { compareNames as compare, ConflictError, InvalidParameterError, NotFoundError } from '@beacon/core';
import { MIN_PASSWORD_LENGTH } from '../config/config.js';
import type { AuthSnapshot, AuthStore, PermissionRecord, RoleBinding, UserRecord } from './auth-store.js';
import type { PasswordHasher } from './password-hasher.js';
import { ACTIONS, PermissionPattern, type Action, type NamingResource } from './resource.js';
import type { AuditTarget } from '../audit/audit-entry.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Actor } from '../wire/actor.js';

/** The admin's name is Nacos's, as Nacos clients and docs expect. */
export const ADMIN_USER = 'nacos';
export const ADMIN_ROLE = 'ROLE_ADMIN';

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const MAX_PASSWORD_LENGTH = 256;

interface Grant {
  readonly record: PermissionRecord;
  readonly pattern: PermissionPattern;
}

/**
 * Who exists, which roles they hold and what each role may do. Kept in memory (a few rows) so the
 * per-request check costs no I/O. Every change is written to the AuthStore first, then applied
 * here: when the store refuses or fails, nothing changes. Changes run one at a time (with the
 * reloads another node's changes cause), so a reload never undoes a change made here meanwhile.
 * Every change an operator makes is recorded in the audit trail once it is done, with the user or
 * role before and after: roles and permissions, never a password or its hash (a password change
 * shows as when the password was set, `changedAt`).
 */
export class AccessDirectory {
  private readonly users = new Map<string, UserRecord>();
  private readonly rolesOfUser = new Map<string, Set<string>>();
  private readonly grantsOfRole = new Map<string, Grant[]>();
  private readonly listeners: (() => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private pendingReload: Promise<void> | undefined;
  private changes = 0;

  constructor(
    private readonly store: AuthStore,
    private readonly hasher: PasswordHasher,
    private readonly trail: AuditTrail,
    stored: AuthSnapshot,
    private readonly now: () => number = Date.now,
  ) {
    this.replace(stored);
    store.onRemoteChange?.(() => this.reload());
  }

  /** Loads the store's rows; in cluster mode, also follows the changes other nodes make. */
  static async open(store: AuthStore, hasher: PasswordHasher, trail: AuditTrail): Promise<AccessDirectory> {
    return new AccessDirectory(store, hasher, trail, await store.load());
  }

  /** Called after every change (the credential cache listens). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Counts the changes applied so far (here or, in cluster mode, reloaded from another node's): a
   * conclusion drawn from the directory holds exactly as long as the generation it was drawn at.
   */
  get generation(): number {
    return this.changes;
  }

  user(username: string): UserRecord | undefined {
    return this.users.get(username);
  }

  isAdmin(username: string): boolean {
    return this.rolesOfUser.get(username)?.has(ADMIN_ROLE) ?? false;
  }

  /** A permission matches when its resource pattern matches and its action string holds the action. */
  allows(username: string, resource: NamingResource, action: Action): boolean {
    if (this.isAdmin(username)) return true;
    for (const role of this.rolesOfUser.get(username) ?? []) {
      for (const grant of this.grantsOfRole.get(role) ?? []) {
        if (grant.record.action.includes(action) && grant.pattern.matches(resource)) return true;
      }
    }
    return false;
  }

  /** Whether the user may read anything in the namespace: what decides if they see it listed. */
  readsInNamespace(username: string, namespaceId: string): boolean {
    if (this.isAdmin(username)) return true;
    for (const role of this.rolesOfUser.get(username) ?? []) {
      for (const grant of this.grantsOfRole.get(role) ?? []) {
        if (grant.record.action.includes('r') && grant.pattern.matchesNamespace(namespaceId)) return true;
      }
    }
    return false;
  }

  userList(): UserRecord[] {
    return [...this.users.values()].sort((a, b) => compare(a.username, b.username));
  }

  rolesOf(username: string): string[] {
    return [...(this.rolesOfUser.get(username) ?? [])].sort(compare);
  }

  roleBindings(): RoleBinding[] {
    const result: RoleBinding[] = [];
    for (const [username, roles] of this.rolesOfUser) for (const role of roles) result.push({ role, username });
    return result.sort((a, b) => compare(a.role, b.role) || compare(a.username, b.username));
  }

  roleNames(): string[] {
    return [...new Set(this.roleBindings().map((b) => b.role))];
  }

  permissionList(): PermissionRecord[] {
    return [...this.grantsOfRole.values()]
      .flat()
      .map((g) => g.record)
      .sort((a, b) => compare(a.role, b.role) || compare(a.resource, b.resource) || compare(a.action, b.action));
  }

  permissionsOf(username: string): PermissionRecord[] {
    const roles = new Set(this.rolesOfUser.get(username) ?? []);
    return this.permissionList().filter((p) => roles.has(p.role));
  }

  async createUser(username: string, password: string, actor: Actor): Promise<UserRecord> {
    checkName('username', username);
    checkPassword(password);
    if (this.users.has(username)) throw new ConflictError(`user '${username}' already exist!`);
    const passwordHash = await this.hasher.hash(password);
    return this.exclusive(async () => {
      // Checked again: another request may have created the same user while we were hashing.
      if (this.users.has(username)) throw new ConflictError(`user '${username}' already exist!`);
      const now = this.now();
      const record: UserRecord = { username, passwordHash, passwordChangedAt: now, createdAt: now };
      // False when another node created it a moment ago.
      if (!(await this.store.addUser(record))) throw new ConflictError(`user '${username}' already exist!`);
      this.users.set(username, record);
      this.changed();
      await this.audit(actor, 'createUser', userTarget(username), null, this.userSnapshot(username));
      return record;
    });
  }

  /**
   * The first start's admin: user `nacos` holding ROLE_ADMIN, in one transaction. False when the
   * admin exists already (another node of the cluster created it first): then it is loaded here.
   */
  async createAdmin(password: string): Promise<boolean> {
    const passwordHash = await this.hasher.hash(password);
    const now = this.now();
    const record: UserRecord = { username: ADMIN_USER, passwordHash, passwordChangedAt: now, createdAt: now };
    const binding: RoleBinding = { role: ADMIN_ROLE, username: ADMIN_USER };
    return this.exclusive(async () => {
      if (!(await this.store.addAdmin(record, binding))) {
        this.replace(await this.store.load());
        this.changed();
        return false;
      }
      this.users.set(ADMIN_USER, record);
      this.bindInMemory(binding);
      this.changed();
      return true;
    });
  }

  async changePassword(username: string, password: string, actor: Actor): Promise<void> {
    this.requireUser(username);
    checkPassword(password);
    const passwordHash = await this.hasher.hash(password);
    return this.exclusive(async () => {
      const existing = this.requireUser(username);
      // Also the user's token version: strictly increasing, so tokens of the old password never match it.
      const passwordChangedAt = Math.max(this.now(), existing.passwordChangedAt + 1);
      const record: UserRecord = { ...existing, passwordHash, passwordChangedAt };
      if (!(await this.store.updateUser(record))) throw new NotFoundError(`user ${username} not exist!`);
      this.users.set(username, record);
      this.changed();
      // When the password was set, before and after: its value never reaches the trail.
      const when = (at: number) => ({ changedAt: new Date(at).toISOString() });
      await this.audit(
        actor,
        'changePassword',
        userTarget(username),
        when(existing.passwordChangedAt),
        when(passwordChangedAt),
      );
    });
  }

  deleteUser(username: string, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      this.requireUser(username);
      const before = this.userSnapshot(username);
      if (this.isAdmin(username)) throw new InvalidParameterError(`cannot delete admin: ${username}`);
      const roles = [...(this.rolesOfUser.get(username) ?? [])];
      const orphaned = roles.filter((role) => this.orphanedWithout(role, [username]));
      await this.store.deleteUser(username, orphaned);
      this.users.delete(username);
      this.rolesOfUser.delete(username);
      for (const role of orphaned) this.grantsOfRole.delete(role);
      this.changed();
      await this.audit(actor, 'deleteUser', userTarget(username), before, null);
    });
  }

  bindRole(role: string, username: string, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      checkName('role', role);
      if (role === ADMIN_ROLE) throw new InvalidParameterError(`role '${ADMIN_ROLE}' is not permitted to create!`);
      if (!this.users.has(username)) throw new NotFoundError(`user '${username}' not found!`);
      const conflict = new ConflictError(`user '${username}' already bound to the role '${role}'!`);
      if (this.rolesOfUser.get(username)?.has(role)) throw conflict;
      const binding = { role, username };
      const before = this.userSnapshot(username);
      if (!(await this.store.addRole(binding))) throw conflict;
      this.bindInMemory(binding);
      this.changed();
      await this.audit(actor, 'bindRole', userTarget(username), before, this.userSnapshot(username));
    });
  }

  /** Unbinds one user, or every user when `username` is omitted; a role nobody holds loses its grants. */
  unbindRole(role: string, username: string | undefined, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      if (role === ADMIN_ROLE) throw new InvalidParameterError(`role '${ADMIN_ROLE}' cannot be removed`);
      const holders = username === undefined ? this.holdersOf(role) : [username];
      if (!holders.some((u) => this.rolesOfUser.get(u)?.has(role))) {
        throw new NotFoundError(`role '${role}'${username === undefined ? '' : ` of user '${username}'`} not found!`);
      }
      const orphaned = this.orphanedWithout(role, holders);
      // One user's roles, or (everybody's) the role with its holders and permissions.
      const [target, snapshot] =
        username === undefined
          ? [roleTarget(role), () => this.roleSnapshot(role)]
          : [userTarget(username), () => this.userSnapshot(username)];
      const before = snapshot();
      await this.store.deleteRole(role, username, orphaned);
      for (const u of holders) this.rolesOfUser.get(u)?.delete(role);
      if (orphaned) this.grantsOfRole.delete(role);
      this.changed();
      await this.audit(actor, 'unbindRole', target, before, snapshot());
    });
  }

  grant(role: string, resource: string, action: string, actor: Actor): Promise<PermissionRecord> {
    return this.exclusive(async () => {
      if (!this.holdersOf(role).length) throw new NotFoundError(`role ${role} not found!`);
      if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new InvalidParameterError(`action must be one of ${ACTIONS.join(', ')}, got '${action}'`);
      }
      const pattern = PermissionPattern.parse(resource);
      const record: PermissionRecord = { role, resource: pattern.text, action };
      const conflict = new ConflictError(`permission already exist!`);
      if (this.grantsOfRole.get(role)?.some((g) => sameGrant(g.record, record))) throw conflict;
      const before = this.roleSnapshot(role);
      if (!(await this.store.addPermission(record))) throw conflict;
      this.grantInMemory(record);
      this.changed();
      await this.audit(actor, 'grantPermission', roleTarget(role), before, this.roleSnapshot(role));
      return record;
    });
  }

  revoke(role: string, resource: string, action: string, actor: Actor): Promise<void> {
    return this.exclusive(async () => {
      const grants = this.grantsOfRole.get(role) ?? [];
      // Match the stored (normalized) form as well as what the caller typed.
      let text = resource;
      try {
        text = PermissionPattern.parse(resource).text;
      } catch {
        // not a valid pattern: it can only match nothing
      }
      const index = grants.findIndex((g) => g.record.action === action && g.record.resource === text);
      if (index < 0) throw new NotFoundError(`permission not found!`);
      const before = this.roleSnapshot(role);
      await this.store.deletePermission(grants[index]!.record);
      grants.splice(index, 1);
      this.changed();
      await this.audit(actor, 'revokePermission', roleTarget(role), before, this.roleSnapshot(role));
    });
  }

  /**
   * Another node changed the rows (cluster mode): read them all again, then tell the listeners, as
   * for a change made here. Coalesced: one reload still waiting to run covers later notifications.
   */
  reload(): Promise<void> {
    this.pendingReload ??= this.exclusive(async () => {
      this.pendingReload = undefined;
      this.replace(await this.store.load());
      this.changed();
    });
    return this.pendingReload;
  }

  /** A user as the audit trail shows it: never the password or its hash. */
  private userSnapshot(username: string): { username: string; admin: boolean; roles: string[] } | null {
    if (!this.users.has(username)) return null;
    return { username, admin: this.isAdmin(username), roles: this.rolesOf(username) };
  }

  /** A role as the audit trail shows it: who holds it and what it may do. */
  private roleSnapshot(role: string): { role: string; holders: string[]; permissions: PermissionRecord[] } {
    return {
      role,
      holders: this.holdersOf(role).sort(compare),
      permissions: (this.grantsOfRole.get(role) ?? []).map((g) => g.record),
    };
  }

  private audit(actor: Actor, action: string, target: AuditTarget, before: unknown, after: unknown): Promise<void> {
    return this.trail.record({ actor, action, target, before, after });
  }

  private requireUser(username: string): UserRecord {
    const user = this.users.get(username);
    if (!user) throw new NotFoundError(`user ${username} not exist!`);
    return user;
  }

  private holdersOf(role: string): string[] {
    return [...this.rolesOfUser].filter(([, roles]) => roles.has(role)).map(([username]) => username);
  }

  /** Whether `role` has grants and nobody but `leaving` holds it: then its grants go with them. */
  private orphanedWithout(role: string, leaving: readonly string[]): boolean {
    return this.grantsOfRole.has(role) && this.holdersOf(role).every((u) => leaving.includes(u));
  }

  /** Runs `work` after every change queued before it: changes and reloads never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private replace(stored: AuthSnapshot): void {
    this.users.clear();
    this.rolesOfUser.clear();
    this.grantsOfRole.clear();
    for (const u of stored.users) this.users.set(u.username, u);
    for (const b of stored.roles) this.bindInMemory(b);
    for (const p of stored.permissions) this.grantInMemory(p);
  }

  private bindInMemory(b: RoleBinding): void {
    let roles = this.rolesOfUser.get(b.username);
    if (!roles) this.rolesOfUser.set(b.username, (roles = new Set()));
    roles.add(b.role);
  }

  private grantInMemory(p: PermissionRecord): void {
    let pattern: PermissionPattern;
    try {
      pattern = PermissionPattern.parse(p.resource);
    } catch {
      return; // a row this version cannot read grants nothing
    }
    let grants = this.grantsOfRole.get(p.role);
    if (!grants) this.grantsOfRole.set(p.role, (grants = []));
    grants.push({ record: p, pattern });
  }

  private changed(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }
}

function userTarget(username: string): AuditTarget {
  return { type: 'user', path: `user:${username}` };
}

function roleTarget(role: string): AuditTarget {
  return { type: 'role', path: `role:${role}` };
}

function checkName(what: string, value: string): void {
  if (!NAME.test(value)) {
    throw new InvalidParameterError(`${what} must be 1 to 64 characters of letters, digits, '_', '.', '@' or '-'`);
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidParameterError(
      `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
  // Nacos-face parameters are trimmed, so such a password could never be typed back in.
  if (password.trim() !== password) throw new InvalidParameterError('password must not start or end with spaces');
}

function sameGrant(a: PermissionRecord, b: PermissionRecord): boolean {
  return a.role === b.role && a.resource === b.resource && a.action === b.action;
}
