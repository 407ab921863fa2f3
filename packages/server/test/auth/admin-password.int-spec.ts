import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '@beacon/test-support';
import { Http, q } from './support/auth-server.js';
import { resetAdminPassword } from './support/reset-admin-password.js';

// Empty means unset: the built server runs with auth at its default, like a real first start,
// and without the test launcher's admin password and token secret.
const AUTH_DEFAULT = {
  BEACON_AUTH: '',
  BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
  BEACON_ADMIN_PASSWORD: undefined,
  BEACON_TOKEN_SECRET: undefined,
};

const dirs: string[] = [];
const servers: SpawnedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-admin-password-'));
  dirs.push(dir);
  return dir;
}

async function start(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ server: SpawnedServer; http: Http }> {
  const server = await spawnServer({ dataDir, env: { ...AUTH_DEFAULT, ...env } });
  servers.push(server);
  return { server, http: new Http(server.port) };
}

function generatedPassword(output: string): string | undefined {
  return /generated password:\s*\n\s*\n\s+(\S+)\s*\n/.exec(output)?.[1];
}

async function loginStatus(http: Http, password: string): Promise<number> {
  return (await http.send('POST', `/nacos/v1/auth/login?${q({ username: 'nacos', password })}`)).status;
}

async function token(http: Http, password: string): Promise<string> {
  const res = await http.send('POST', `/nacos/v1/auth/login?${q({ username: 'nacos', password })}`);
  expect(res.status, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

const passwordFile = (dataDir: string) => join(dataDir, 'initial-admin-password');
const mode = (file: string) => statSync(file).mode & 0o777;

describe('<data dir>/initial-admin-password', () => {
  it('holds the generated password (mode 0600) until the admin changes it', async () => {
    const dataDir = tempDir();
    const { server, http } = await start(dataDir);
    const printed = generatedPassword(server.stderr());
    expect(printed, server.stderr()).toBeDefined();
    expect(server.stderr()).toContain(passwordFile(dataDir));
    expect(readFileSync(passwordFile(dataDir), 'utf8')).toBe(`${printed}\n`);
    expect(mode(passwordFile(dataDir))).toBe(0o600);

    // Another user's password change leaves it alone; the admin's own removes it.
    const headers = { authorization: `Bearer ${await token(http, printed!)}` };
    expect(
      (
        await http.send('POST', '/api/v1/auth/users', {
          headers,
          json: { username: 'ops', password: 'ops-password-1' },
        })
      ).status,
    ).toBe(201);
    await http.send('PUT', '/api/v1/auth/users/ops/password', { headers, json: { password: 'ops-password-2' } });
    expect(existsSync(passwordFile(dataDir))).toBe(true);
    const change = await http.send('PUT', '/api/v1/auth/users/nacos/password', {
      headers,
      json: { password: 'the-admins-own-choice' },
    });
    expect(change.status, change.body).toBe(204);
    expect(existsSync(passwordFile(dataDir))).toBe(false);
    expect(await loginStatus(http, 'the-admins-own-choice')).toBe(200);
    http.close();
  });

  it('survives a start that fails after creating the admin (the port is taken)', async () => {
    const dataDir = tempDir();
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const failed = await spawnServer({ dataDir, port, env: AUTH_DEFAULT, waitUntilReady: false });
      const exit = await failed.exited;
      expect(exit.code, failed.stderr()).not.toBe(0);
      expect(failed.stderr()).toContain('EADDRINUSE');
      const kept = readFileSync(passwordFile(dataDir), 'utf8').trim();
      expect(kept).toBe(generatedPassword(failed.stderr()));
      // The next start does not print a new one: the kept password is the admin's.
      const { server, http } = await start(dataDir);
      expect(generatedPassword(server.stderr())).toBeUndefined();
      expect(await loginStatus(http, kept)).toBe(200);
      http.close();
    } finally {
      taken.close();
    }
  });

  it('is removed at start when it no longer is the admin password', async () => {
    const dataDir = tempDir();
    (await start(dataDir, { BEACON_ADMIN_PASSWORD: 'operator-chosen-1' })).http.close();
    expect(existsSync(passwordFile(dataDir))).toBe(false);
    await servers.pop()!.kill();
    writeFileSync(passwordFile(dataDir), 'not-the-password\n', { mode: 0o600 });
    (await start(dataDir)).http.close();
    expect(existsSync(passwordFile(dataDir))).toBe(false);
  });
});

describe('reset-admin-password (node packages/server/dist/bin/reset-admin-password.js)', () => {
  it('generates a new password while the server is stopped; old password and tokens stop working', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const original = generatedPassword(first.server.stderr())!;
    const oldToken = await token(first.http, original);
    first.http.close();
    await servers.pop()!.kill();
    // Token times are whole seconds: a token from the second of the reset would still count.
    await new Promise((r) => setTimeout(r, 1100));

    const result = await resetAdminPassword({ BEACON_DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    const fresh = /is now:\s*\n\s*\n\s+(\S+)\s*\n/.exec(result.stdout)?.[1];
    expect(fresh, result.stdout).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(fresh).not.toBe(original);
    expect(readFileSync(passwordFile(dataDir), 'utf8')).toBe(`${fresh}\n`);
    expect(mode(passwordFile(dataDir))).toBe(0o600);

    const { server, http } = await start(dataDir);
    expect(generatedPassword(server.stderr())).toBeUndefined();
    expect(await loginStatus(http, original)).toBe(403);
    expect(await loginStatus(http, fresh!)).toBe(200);
    const me = await http.send('GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${oldToken}` } });
    expect(me.status).toBe(401);
    // It is still the password the start kept (nothing removed the file).
    expect(existsSync(passwordFile(dataDir))).toBe(true);
    http.close();
  });

  it('takes BEACON_ADMIN_PASSWORD when set, and then keeps no password file', async () => {
    const dataDir = tempDir();
    (await start(dataDir)).http.close();
    await servers.pop()!.kill();
    const result = await resetAdminPassword({ BEACON_DATA_DIR: dataDir, BEACON_ADMIN_PASSWORD: 'reset-by-operator-1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('reset-by-operator-1');
    expect(existsSync(passwordFile(dataDir))).toBe(false);
    // The audit trail says who reset it (the command line), never the password.
    const db = new Database(join(dataDir, 'beacon.db'), { readonly: true });
    const rows = db.prepare('SELECT * FROM audit_log').all() as Record<string, unknown>[];
    db.close();
    expect(rows).toEqual([
      expect.objectContaining({
        actor: 'reset-admin-password',
        address: 'command line',
        action: 'changePassword',
        target: 'user:nacos',
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain('reset-by-operator-1');
    const { http } = await start(dataDir);
    expect(await loginStatus(http, 'reset-by-operator-1')).toBe(200);
    http.close();
  });

  it('refuses while a server uses the data dir, and changes nothing', async () => {
    const dataDir = tempDir();
    const { server, http } = await start(dataDir);
    const original = generatedPassword(server.stderr())!;
    const result = await resetAdminPassword({ BEACON_DATA_DIR: dataDir, BEACON_ADMIN_PASSWORD: 'never-applied-1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('a Beacon server is using');
    expect(result.stderr).toContain('stop it');
    expect(await loginStatus(http, original)).toBe(200);
    http.close();
    await servers.pop()!.kill();
    const again = await start(dataDir);
    expect(await loginStatus(again.http, 'never-applied-1')).toBe(403);
    expect(await loginStatus(again.http, original)).toBe(200);
    again.http.close();
  });

  it('refuses a directory without a Beacon database, and creates nothing there', async () => {
    const empty = tempDir();
    const result = await resetAdminPassword({ BEACON_DATA_DIR: empty });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('holds no Beacon database');
    expect(readdirSync(empty)).toEqual([]);
    const invalid = await resetAdminPassword({ BEACON_DATA_DIR: empty, BEACON_ADMIN_PASSWORD: 'short' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('BEACON_ADMIN_PASSWORD');
  });
});
