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

/** Every user, role binding and permission: a few rows, read whole. */
export interface AuthSnapshot {
  readonly users: UserRecord[];
  readonly roles: RoleBinding[];
  readonly permissions: PermissionRecord[];
}

/** Synchronous in the embedded adapter (SQLite), a promise in the cluster's (PostgreSQL). */
type Done<T> = T | Promise<T>;

/**
 * Where users, roles and permissions are kept: the port AccessDirectory writes through. Each call
 * is one transaction. The adds answer false when the row exists (perhaps created by another node
 * a moment ago), so the directory answers 409 as it does for what it already knows.
 *
 * - embedded: `AuthRepository`, the registry's SQLite database;
 * - cluster:  `PostgresAuthStore` (src/cluster/), shared by every node, which hears the others'
 *             changes through `onRemoteChange`.
 */
export interface AuthStore {
  load(): Done<AuthSnapshot>;
  addUser(user: UserRecord): Done<boolean>;
  /** The admin with its ROLE_ADMIN binding, unless a user of that name exists (then false). */
  addAdmin(user: UserRecord, binding: RoleBinding): Done<boolean>;
  /** False when the user is gone. */
  updateUser(user: UserRecord): Done<boolean>;
  /** Removes the user with its bindings, and the permissions of `orphanedRoles` (held by nobody now). */
  deleteUser(username: string, orphanedRoles: readonly string[]): Done<void>;
  addRole(binding: RoleBinding): Done<boolean>;
  /** Unbinds one user or (no username) everybody; `orphaned`: the role's permissions go too. */
  deleteRole(role: string, username: string | undefined, orphaned: boolean): Done<void>;
  addPermission(permission: PermissionRecord): Done<boolean>;
  deletePermission(permission: PermissionRecord): Done<void>;
  /**
   * Cluster only: the token secret every node shares. The first `candidate` offered is kept and
   * every later call returns it. Absent in embedded mode (the secret is a file in the data dir).
   */
  sharedTokenSecret?(candidate: string): Promise<string>;
  /** Cluster only: `listener` runs when another node changed the rows (or when that may have been missed). */
  onRemoteChange?(listener: () => Promise<void>): void;
  close?(): Promise<void>;
}

/** Injection token of the AuthStore (provided by StateBackendModule, which knows the mode). */
export const AUTH_STORE = Symbol('AuthStore');
