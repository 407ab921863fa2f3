import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { spawnServer } from '@beacon/test-support';
import { Http, q, startAuthServer, type AuthServer } from './support/auth-server.js';

/** Everything the process writes to stdout and stderr while `work` runs. */
async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const grab = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  try {
    const result = await work();
    return { result, output: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const servers: AuthServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-first-start-'));
  dirs.push(dir);
  return dir;
}

async function start(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<{ server: AuthServer; output: string }> {
  const { result, output } = await captureOutput(() =>
    startAuthServer({ BEACON_LOG_LEVEL: 'log', ...env }, { dataDir }),
  );
  servers.push(result);
  return { server: result, output };
}

function generatedPassword(output: string): string | undefined {
  return /generated password:\s*\n\s*\n\s+(\S+)\s*\n/.exec(output)?.[1];
}

describe('first start', () => {
  it('without BEACON_ADMIN_PASSWORD, generates one, prints it once, and keeps it', async () => {
    const dataDir = tempDir();
    const first = await start({ BEACON_ADMIN_PASSWORD: undefined, BEACON_TOKEN_SECRET: undefined }, dataDir);
    const password = generatedPassword(first.output);
    expect(password, first.output).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const token = await first.server.login('nacos', password!);
    expect(first.output).toContain(`token secret: generated and kept in ${join(dataDir, 'token-secret')}`);
    // The secret file is private to the owner, and the password is stored only as a scrypt hash.
    expect(statSync(join(dataDir, 'token-secret')).mode & 0o777).toBe(0o600);
    await first.server.close();
    servers.length = 0;
    const db = Buffer.concat(
      ['beacon.db', 'beacon.db-wal']
        .filter((f) => existsSync(join(dataDir, f)))
        .map((f) => readFileSync(join(dataDir, f))),
    );
    expect(db.includes('scrypt$32768$8$1$')).toBe(true);
    expect(db.includes(password!)).toBe(false);

    const second = await start({ BEACON_ADMIN_PASSWORD: undefined, BEACON_TOKEN_SECRET: undefined }, dataDir);
    expect(generatedPassword(second.output)).toBeUndefined();
    expect(second.output).not.toContain(password);
    expect(second.output).toContain(`token secret: kept in ${join(dataDir, 'token-secret')}`);
    // Same password, and the token from before the restart is still good (same kept secret).
    await second.server.login('nacos', password!);
    const res = await second.server.http.send('GET', '/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });

  it('with BEACON_ADMIN_PASSWORD, uses it, prints no password, and ignores it once the admin exists', async () => {
    const dataDir = tempDir();
    const first = await start({ BEACON_ADMIN_PASSWORD: 'first-password-1' }, dataDir);
    expect(first.output).toContain("created the admin user 'nacos' with the password from BEACON_ADMIN_PASSWORD");
    expect(first.output).not.toContain('first-password-1');
    await first.server.login('nacos', 'first-password-1');
    await first.server.close();
    servers.length = 0;
    const second = await start({ BEACON_ADMIN_PASSWORD: 'second-password-2' }, dataDir);
    await second.server.login('nacos', 'first-password-1');
    const res = await second.server.http.send(
      'POST',
      `/nacos/v1/auth/login?${q({ username: 'nacos', password: 'second-password-2' })}`,
    );
    expect(res.status).toBe(403);
  });

  it('nacos/nacos, the old Nacos default, does not log in', async () => {
    const { server } = await start({}, tempDir());
    const res = await server.http.send('POST', `/nacos/v1/auth/login?${q({ username: 'nacos', password: 'nacos' })}`);
    expect(res.status).toBe(403);
  });

  it('tokens of one install are refused by another (each generates its own secret)', async () => {
    const a = await start({ BEACON_TOKEN_SECRET: undefined }, tempDir());
    const b = await start({ BEACON_TOKEN_SECRET: undefined }, tempDir());
    const token = await a.server.login();
    const res = await b.server.http.send('GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(readFileSync(join(a.server.dataDir, 'token-secret'), 'utf8')).not.toBe(
      readFileSync(join(b.server.dataDir, 'token-secret'), 'utf8'),
    );
  });
});

describe('configuration', () => {
  it('auth is on unless BEACON_AUTH=off', () => {
    expect(loadConfig({}).authEnabled).toBe(true);
    expect(loadConfig({ BEACON_AUTH: 'on' }).authEnabled).toBe(true);
    expect(loadConfig({ BEACON_AUTH: 'OFF' }).authEnabled).toBe(false);
    expect(loadConfig({}).tokenTtlSeconds).toBe(18000);
    expect(loadConfig({}).loginAttemptsPerMinute).toBe(10);
  });

  it.each([
    ['BEACON_TOKEN_SECRET', { BEACON_TOKEN_SECRET: 'too-short-secret' }, /at least 32 bytes/],
    [
      'BEACON_TOKEN_SECRET',
      { BEACON_TOKEN_SECRET: 'SecretKey012345678901234567890123456789012345678901234567890123456789' },
      /publicly known Nacos default/,
    ],
    ['BEACON_AUTH', { BEACON_AUTH: 'maybe' }, /'on' or 'off'/],
    ['BEACON_ADMIN_PASSWORD', { BEACON_ADMIN_PASSWORD: 'short' }, /at least 8 characters/],
    ['BEACON_ADMIN_PASSWORD', { BEACON_ADMIN_PASSWORD: ' padded-password ' }, /spaces/],
    ['BEACON_TOKEN_TTL_SECONDS', { BEACON_TOKEN_TTL_SECONDS: '5' }, /whole number/],
    ['BEACON_LOGIN_ATTEMPTS_PER_MINUTE', { BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '0' }, /whole number/],
  ])('refuses a bad %s at start', (variable, env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(variable);
  });

  it('a token secret file that is too short stops the start', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'token-secret'), 'short\n');
    await expect(captureOutput(() => startAuthServer({ BEACON_TOKEN_SECRET: undefined }, { dataDir }))).rejects.toThrow(
      /token-secret holds fewer than 32 bytes/,
    );
  });
});

describe('BEACON_AUTH=off', () => {
  it('warns at start and lets every request through', async () => {
    const { server, output } = await start({ BEACON_AUTH: 'off', BEACON_ADMIN_PASSWORD: undefined }, tempDir());
    expect(output).toMatch(/BEACON_AUTH=off: authentication is DISABLED/);
    expect(generatedPassword(output)).toBeUndefined();
    const res = await server.http.send(
      'POST',
      `/nacos/v1/ns/instance?${q({ serviceName: 'open', ip: '10.0.0.1', port: 1 })}`,
    );
    expect(res.status).toBe(200);
    const me = await server.http.send('GET', '/api/v1/auth/me');
    expect(me.json()).toMatchObject({ admin: true, authEnabled: false });
    expect((await server.http.send('GET', '/api/v1/auth/users')).status).toBe(200);
  });
});

describe('the real entry point (node packages/server/dist/main.js)', () => {
  // Empty means unset: the built server runs with auth at its default, like a real first start,
  // and without the test launcher's admin password and token secret.
  const env = { BEACON_AUTH: '', BEACON_ADMIN_PASSWORD: undefined, BEACON_TOKEN_SECRET: undefined };

  it('starts with auth on, prints a generated admin password once, and refuses anonymous writes', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ dataDir, env });
    let token: string;
    let password: string | undefined;
    try {
      password = generatedPassword(first.stderr());
      expect(password, first.stderr()).toBeDefined();
      const http = new Http(first.port);
      const register = `/nacos/v1/ns/instance?${q({ serviceName: 'real', ip: '10.0.0.1', port: 1 })}`;
      const anonymous = await http.send('POST', register);
      expect(anonymous.status).toBe(403);
      expect(anonymous.json()['message']).toBe('user not found!');
      const login = await http.send('POST', `/nacos/v1/auth/login?${q({ username: 'nacos', password: password! })}`);
      expect(login.status).toBe(200);
      token = login.json<{ accessToken: string }>().accessToken;
      expect((await http.send('POST', `${register}&accessToken=${token}`)).status).toBe(200);
      http.close();
    } finally {
      await first.kill();
    }

    const second = await spawnServer({ dataDir, env });
    try {
      expect(generatedPassword(second.stderr())).toBeUndefined();
      expect(second.stdout() + second.stderr()).not.toContain(password);
      const http = new Http(second.port);
      const me = await http.send('GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      http.close();
    } finally {
      await second.kill();
    }
  });
});
