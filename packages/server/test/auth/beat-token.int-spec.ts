import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithPermission, q, startAuthServer, type AuthServer } from './support/auth-server.js';

/**
 * Beats with an `accessToken` parameter, as the Java 1.4 client sends them: the server remembers a
 * token it has verified (so later beats skip the check), and that memory must never outlive a
 * change of the user, their roles or their permissions.
 */
let server: AuthServer;

beforeAll(async () => {
  server = await startAuthServer();
});

afterAll(() => server.close());

const INSTANCE = { serviceName: 'DEFAULT_GROUP@@beating', ip: '127.0.0.21', port: 8080 };

function beat(token: string) {
  const beatJson = JSON.stringify({ ...INSTANCE, cluster: 'DEFAULT', weight: 1, metadata: {} });
  return server.http.send(
    'PUT',
    `/nacos/v1/ns/instance/beat?${q({ ...INSTANCE, namespaceId: 'public', accessToken: token })}`,
    { form: { beat: beatJson } },
  );
}

async function beatsTwice(token: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const res = await beat(token);
    expect(res.status, res.body).toBe(200);
    expect(res.json()['code']).toBe(10200);
  }
}

function expectRefused(res: { status: number; body: string; json(): Record<string, unknown> }, message: string): void {
  expect(res.status, res.body).toBe(403);
  expect(res.json()['message']).toBe(message);
}

describe('beats with a remembered token', () => {
  it('are refused from the first beat after the permission is revoked, and allowed again after a grant', async () => {
    const user = { username: 'beater', password: 'beater-pass-1', role: 'ROLE_BEATER', resource: 'public:*:*' };
    await createUserWithPermission(server, { ...user, action: 'rw' });
    const token = await server.login(user.username, user.password);
    await beatsTwice(token);
    const admin = await server.adminHeaders();
    const revoked = await server.http.send(
      'DELETE',
      `/nacos/v1/auth/permissions?${q({ role: user.role, resource: user.resource, action: 'rw' })}`,
      { headers: admin },
    );
    expect(revoked.status, revoked.body).toBe(200);
    expectRefused(await beat(token), 'authorization failed!');
    const granted = await server.http.send(
      'POST',
      `/nacos/v1/auth/permissions?${q({ role: user.role, resource: user.resource, action: 'rw' })}`,
      { headers: admin },
    );
    expect(granted.status, granted.body).toBe(200);
    await beatsTwice(token);
  });

  it('are refused from the first beat after the user is deleted', async () => {
    const user = { username: 'short-lived', password: 'short-lived-1', role: 'ROLE_SHORT', resource: 'public:*:*' };
    await createUserWithPermission(server, { ...user, action: 'rw' });
    const token = await server.login(user.username, user.password);
    await beatsTwice(token);
    const deleted = await server.http.send('DELETE', `/nacos/v1/auth/users?${q({ username: user.username })}`, {
      headers: await server.adminHeaders(),
    });
    expect(deleted.status, deleted.body).toBe(200);
    expectRefused(await beat(token), 'token invalid!');
  });

  it('are refused from the first beat after the role is taken away', async () => {
    const user = { username: 'unbound', password: 'unbound-pass-1', role: 'ROLE_UNBOUND', resource: 'public:*:*' };
    await createUserWithPermission(server, { ...user, action: 'rw' });
    const token = await server.login(user.username, user.password);
    await beatsTwice(token);
    const unbound = await server.http.send(
      'DELETE',
      `/nacos/v1/auth/roles?${q({ role: user.role, username: user.username })}`,
      { headers: await server.adminHeaders() },
    );
    expect(unbound.status, unbound.body).toBe(200);
    expectRefused(await beat(token), 'authorization failed!');
  });
});
