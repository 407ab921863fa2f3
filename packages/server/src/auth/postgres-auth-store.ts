import { Logger } from '@nestjs/common';
import { UnavailableError } from '@beacon/core';
import type { Pool, PoolClient } from 'pg';
import type { AuthSnapshot, AuthStore, PermissionRecord, RoleBinding, UserRecord } from './auth-store.js';
import { PostgresNotifications } from '../storage/postgres-notifications.js';
import { reasonOf } from '../net/error-reason.js';

/** The channel every auth change is announced on; the payload is the writing node's id. */
const AUTH_CHANNEL = 'beacon_auth';
const RELOAD_RETRY_MS = 1000;

interface UserRow {
  username: string;
  password_hash: string;
  password_changed_at: string;
  created_at: string;
}

/**
 * Cluster mode's AuthStore: the auth tables of PostgreSQL (migration 1), shared by every node.
 * Each change is one transaction that also sends `NOTIFY beacon_auth`, which PostgreSQL delivers
 * only when it commits; the other nodes, LISTENing, reload the (few) rows and so see the change
 * within milliseconds. A failure answers 503 and, the transaction rolled back, changes nothing.
 */
export class PostgresAuthStore implements AuthStore {
  private readonly logger = new Logger('Auth');
  private readonly listeners: (() => Promise<void>)[] = [];
  private notifications: PostgresNotifications | undefined;
  /** A notification came before anyone listened: the first listener hears it. */
  private missed = false;

  constructor(
    private readonly pool: Pool,
    /** This node's id, sent with its notifications so that it does not reload for its own changes. */
    private readonly node: string,
  ) {}

  /** Starts following the other nodes' changes: from here on, none is missed. */
  async follow(databaseUrl: string): Promise<void> {
    this.notifications = new PostgresNotifications(
      databaseUrl,
      AUTH_CHANNEL,
      (origin) => {
        if (origin !== this.node) this.remoteChange();
      },
      () => {
        this.logger.log('listening to auth changes again: reloading users, roles and permissions');
        this.remoteChange();
      },
      (error) => this.logger.warn(`auth changes of other nodes are not heard: ${reasonOf(error)}`),
    );
    await this.notifications.start();
  }

  onRemoteChange(listener: () => Promise<void>): void {
    this.listeners.push(listener);
    if (this.missed) {
      this.missed = false;
      this.remoteChange();
    }
  }

  async close(): Promise<void> {
    await this.notifications?.stop();
  }

  /** The three tables as of one moment (one repeatable-read transaction), not three. */
  load(): Promise<AuthSnapshot> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
      const users = await c.query<UserRow>('SELECT * FROM auth_users');
      const roles = await c.query<RoleBinding>('SELECT role, username FROM auth_roles');
      const permissions = await c.query<PermissionRecord>('SELECT role, resource, action FROM auth_permissions');
      return {
        users: users.rows.map((r) => ({
          username: r.username,
          passwordHash: r.password_hash,
          // BIGINT comes back as a string: milliseconds fit a double.
          passwordChangedAt: Number(r.password_changed_at),
          createdAt: Number(r.created_at),
        })),
        roles: roles.rows,
        permissions: permissions.rows,
      };
    });
  }

  addUser(u: UserRecord): Promise<boolean> {
    return this.write((c) => insertUser(c, u));
  }

  addAdmin(u: UserRecord, binding: RoleBinding): Promise<boolean> {
    // ON CONFLICT: of nodes starting together, exactly one inserts the admin.
    return this.write(async (c) => (await insertUser(c, u)) && (await insertRole(c, binding)));
  }

  updateUser(u: UserRecord): Promise<boolean> {
    return this.write(async (c) => {
      const result = await c.query(
        'UPDATE auth_users SET password_hash = $1, password_changed_at = $2 WHERE username = $3',
        [u.passwordHash, u.passwordChangedAt, u.username],
      );
      return result.rowCount === 1;
    });
  }

  deleteUser(username: string, orphanedRoles: readonly string[]): Promise<void> {
    return this.write(async (c) => {
      await c.query('DELETE FROM auth_roles WHERE username = $1', [username]);
      await c.query('DELETE FROM auth_users WHERE username = $1', [username]);
      if (orphanedRoles.length > 0) {
        await c.query('DELETE FROM auth_permissions WHERE role = ANY($1)', [orphanedRoles]);
      }
    });
  }

  addRole(b: RoleBinding): Promise<boolean> {
    return this.write((c) => insertRole(c, b));
  }

  deleteRole(role: string, username: string | undefined, orphaned: boolean): Promise<void> {
    return this.write(async (c) => {
      if (username === undefined) await c.query('DELETE FROM auth_roles WHERE role = $1', [role]);
      else await c.query('DELETE FROM auth_roles WHERE role = $1 AND username = $2', [role, username]);
      if (orphaned) await c.query('DELETE FROM auth_permissions WHERE role = $1', [role]);
    });
  }

  addPermission(p: PermissionRecord): Promise<boolean> {
    return this.write(async (c) => {
      const result = await c.query(
        'INSERT INTO auth_permissions (role, resource, action) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [p.role, p.resource, p.action],
      );
      return result.rowCount === 1;
    });
  }

  deletePermission(p: PermissionRecord): Promise<void> {
    return this.write(async (c) => {
      await c.query('DELETE FROM auth_permissions WHERE role = $1 AND resource = $2 AND action = $3', [
        p.role,
        p.resource,
        p.action,
      ]);
    });
  }

  /** The first node to start keeps its candidate (ON CONFLICT DO NOTHING); every node reads the kept one. */
  async sharedTokenSecret(candidate: string): Promise<string> {
    await this.pool.query('INSERT INTO token_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
      candidate,
    ]);
    const { rows } = await this.pool.query<{ secret: string }>('SELECT secret FROM token_secret WHERE id = 1');
    return rows[0]!.secret;
  }

  /** One transaction; when it changed something, the NOTIFY goes out with its commit. */
  private write<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', async (c) => {
      const result = await work(c);
      if (result !== false) await c.query('SELECT pg_notify($1, $2)', [AUTH_CHANNEL, this.node]);
      return result;
    });
  }

  /** `work` inside `begin` … COMMIT on a pooled connection; any failure rolls back and answers 503. */
  private async transaction<T>(begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    let failed = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw unavailable(error);
    } finally {
      // A connection that failed may be broken: the pool replaces it.
      client.release(failed);
    }
  }

  private remoteChange(): void {
    if (this.listeners.length === 0) {
      this.missed = true;
      return;
    }
    for (const listener of this.listeners) {
      listener().catch((error: unknown) => {
        this.logger.warn(`reloading users, roles and permissions failed, retrying: ${reasonOf(error)}`);
        setTimeout(() => this.remoteChange(), RELOAD_RETRY_MS).unref();
      });
    }
  }
}

async function insertUser(c: PoolClient, u: UserRecord): Promise<boolean> {
  const result = await c.query(
    `INSERT INTO auth_users (username, password_hash, password_changed_at, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [u.username, u.passwordHash, u.passwordChangedAt, u.createdAt],
  );
  return result.rowCount === 1;
}

async function insertRole(c: PoolClient, b: RoleBinding): Promise<boolean> {
  const result = await c.query('INSERT INTO auth_roles (role, username) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    b.role,
    b.username,
  ]);
  return result.rowCount === 1;
}

function unavailable(error: unknown): UnavailableError {
  return new UnavailableError(
    `PostgreSQL is unavailable, nothing was changed in users, roles or permissions: ${reasonOf(error)}`,
  );
}
