import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthGuard } from '../support/built-internals.js';
import {
  ADMIN_PASSWORD,
  createUserWithPermission,
  q,
  startAuthServer,
  type AuthServer,
} from './support/auth-server.js';

describe('every route is classified', () => {
  it('each registered route under /nacos and /api has an explicit entry in auth/route-policy.ts', async () => {
    const server = await startAuthServer();
    try {
      expect(server.app.get(AuthGuard).unclassifiedRoutes()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('tokens, passwords and accessToken parameters never reach the logs', () => {
  let server: AuthServer;
  const chunks: string[] = [];
  const secrets: string[] = [ADMIN_PASSWORD, 'logged-user-pass-1', 'logged-user-pass-2', 'typed-into-the-name-field'];

  beforeAll(async () => {
    const grab = (chunk: unknown) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(grab);
    vi.spyOn(process.stderr, 'write').mockImplementation(grab);
    server = await startAuthServer({ BEACON_LOG_LEVEL: 'verbose', BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '20' });
  });

  afterAll(async () => {
    await server.close();
    vi.restoreAllMocks();
  });

  it('after logins, failures, rate limiting and requests carrying secrets everywhere', async () => {
    const http = server.http;
    const token = await server.login();
    secrets.push(token);
    await createUserWithPermission(server, { username: 'logged', password: 'logged-user-pass-1' });
    await http.send('PUT', `/nacos/v1/auth/users?${q({ username: 'logged', newPassword: 'logged-user-pass-2' })}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await http.send('POST', '/api/v1/auth/login', { json: { username: 'logged', password: 'logged-user-pass-2' } });
    await http.send('POST', '/nacos/v1/auth/login', { form: { username: 'typed-into-the-name-field', password: 'x' } });
    await http.send('POST', '/nacos/v1/auth/login', { form: { username: 'nacos', password: 'logged-user-pass-1' } });
    await http.send(
      'GET',
      `/nacos/v1/ns/instance/list?${q({ serviceName: 's', username: 'nacos', password: ADMIN_PASSWORD })}`,
    );
    await http.send('GET', `/nacos/v1/ns/no/such/api?accessToken=${token}`);
    await http.send('GET', `/nacos/v1/ns/instance/list;accessToken=${token}?serviceName=s`);
    await http.send('GET', `/nacos/v1/ns/instance/list;password=${ADMIN_PASSWORD}`);
    await http.send('GET', `/api/v1/status?accessToken=${token}x`);
    await http.send('GET', '/api/v1/status', { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 25; i++) {
      await http.send('POST', '/nacos/v1/auth/login', { form: { username: 'nacos', password: ADMIN_PASSWORD } });
    }
    const output = chunks.join('');
    // The capture works: the failed logins and the rate limit were logged...
    expect(output).toContain("failed login for user 'nacos' from 127.0.0.1");
    expect(output).toContain('failed login for an unknown user name from 127.0.0.1');
    expect(output).toContain('login rate limit reached by 127.0.0.1');
    // ...and not one secret was.
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/accessToken=[^*]/);
  });
});
