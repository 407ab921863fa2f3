import { describe, expect, it, vi } from 'vitest';
import { AccessDirectory } from './access-directory.js';
import type { AuthSnapshot, AuthStore } from './auth-store.js';
import { Authenticator } from './authenticator.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordHasher } from './password-hasher.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import { TokenService } from './token-service.js';

const OPERATOR = { user: 'nacos', address: '127.0.0.1' };
const trail = () =>
  new AuditTrail(new SqliteAuditStore(new SqliteDatabase(':memory:')), Date.now, (error) => {
    throw error;
  });

/** An embedded store that accepts every write (the directory keeps the rows in memory anyway). */
const acceptingStore: AuthStore = {
  load: () => ({ users: [], roles: [], permissions: [] }),
  addUser: () => true,
  addAdmin: () => true,
  updateUser: () => true,
  deleteUser: () => undefined,
  addRole: () => true,
  deleteRole: () => undefined,
  addPermission: () => true,
  deletePermission: () => undefined,
};

const ROWS: AuthSnapshot = {
  users: [
    { username: 'alice', passwordHash: 'unused', passwordChangedAt: 1, createdAt: 1 },
    { username: 'bob', passwordHash: 'unused', passwordChangedAt: 1, createdAt: 1 },
  ],
  roles: [
    { role: 'app', username: 'alice' },
    { role: 'app', username: 'bob' },
  ],
  permissions: [{ role: 'app', resource: 'public:*:*', action: 'rw' }],
};

function setUp() {
  const clock = { now: 1_700_000_000_000 };
  const now = () => clock.now;
  const tokens = new TokenService(Buffer.from('unit-test-secret-unit-test-secret-0123'), 60, now);
  const hasher = new PasswordHasher();
  const directory = new AccessDirectory(acceptingStore, hasher, trail(), structuredClone(ROWS), now);
  const authenticator = new Authenticator(tokens, directory, hasher, new LoginRateLimiter(10), now);
  const verify = vi.spyOn(tokens, 'verify');
  const tokenOf = (username: string) => authenticator.issueToken({ username, admin: false }).token;
  return { clock, directory, authenticator, verify, tokenOf };
}

describe('Authenticator with verified tokens remembered', () => {
  it('checks a token once, then answers the same token from memory until it expires', () => {
    const { clock, authenticator, verify, tokenOf } = setUp();
    const token = tokenOf('alice');
    const first = authenticator.byToken(token);
    expect(first).toEqual({ ok: true, identity: { username: 'alice', admin: false, expiresAt: clock.now + 60_000 } });
    clock.now += 59_999;
    expect(authenticator.byToken(token)).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
    clock.now += 1;
    expect(authenticator.byToken(token)).toEqual({ ok: false, failure: { kind: 'token-expired' } });
  });

  it('never remembers a refusal: a bad token is checked every time', () => {
    const { authenticator, verify, tokenOf } = setUp();
    const forged = tokenOf('alice').slice(0, -2) + 'xx';
    expect(authenticator.byToken(forged)).toEqual({ ok: false, failure: { kind: 'token-invalid' } });
    expect(authenticator.byToken(forged).ok).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it("a deleted user's remembered token is refused on the very next request", async () => {
    const { directory, authenticator, tokenOf } = setUp();
    const token = tokenOf('bob');
    expect(authenticator.byToken(token).ok).toBe(true);
    await directory.deleteUser('bob', OPERATOR);
    expect(authenticator.byToken(token)).toEqual({ ok: false, failure: { kind: 'token-invalid' } });
  });

  it('a password change ends the remembered token at once', async () => {
    const { clock, directory, authenticator, tokenOf } = setUp();
    const token = tokenOf('alice');
    expect(authenticator.byToken(token).ok).toBe(true);
    clock.now += 1;
    await directory.changePassword('alice', 'alice-new-Passw0rd', OPERATOR);
    expect(authenticator.byToken(token)).toEqual({ ok: false, failure: { kind: 'token-invalid' } });
  });

  it('any change of roles or permissions makes every remembered token be checked again', async () => {
    const { directory, authenticator, verify, tokenOf } = setUp();
    const token = tokenOf('alice');
    expect(authenticator.byToken(token)).toMatchObject({ identity: { admin: false } });
    await directory.revoke('app', 'public:*:*', 'rw', OPERATOR);
    expect(authenticator.byToken(token).ok).toBe(true);
    expect(verify).toHaveBeenCalledTimes(2);
    expect(directory.allows('alice', { namespaceId: 'public', groupName: 'G', serviceName: 's' }, 'w')).toBe(false);
    await directory.unbindRole('app', 'alice', OPERATOR);
    authenticator.byToken(token);
    expect(verify).toHaveBeenCalledTimes(3);
  });
});
