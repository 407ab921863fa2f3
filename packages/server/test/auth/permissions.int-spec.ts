import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPermission,
  q,
  startAuthServer,
  type AuthServer,
  type HttpResponse,
} from './support/auth-server.js';

let server: AuthServer;
const tokens: Record<string, string> = {};

const USERS = [
  { username: 'reader', password: 'reader-pass-1', role: 'ROLE_READER', resource: 'public:*:*', action: 'r' },
  { username: 'writer', password: 'writer-pass-1', role: 'ROLE_WRITER', resource: 'public:*:*', action: 'rw' },
  { username: 'grouped', password: 'grouped-pass-1', role: 'ROLE_GROUP_A', resource: 'public:GROUP_A:*', action: 'rw' },
  {
    username: 'one-service',
    password: 'one-service-pass',
    role: 'ROLE_ONE',
    resource: 'public:DEFAULT_GROUP:naming/orders',
    action: 'rw',
  },
  { username: 'dev', password: 'dev-pass-123', role: 'ROLE_DEV', resource: 'dev:*:*', action: 'rw' },
  { username: 'nobody', password: 'nobody-pass-1' },
];

beforeAll(async () => {
  server = await startAuthServer();
  for (const user of USERS) {
    await createUserWithPermission(server, user);
    tokens[user.username] = await server.login(user.username, user.password);
  }
});

afterAll(() => server.close());

const bearer = (user: string) => ({ authorization: `Bearer ${tokens[user]}` });

function register(user: string, params: Record<string, string | number>): Promise<HttpResponse> {
  return server.http.send('POST', `/nacos/v1/ns/instance?${q({ ip: '10.1.0.1', port: 80, ...params })}`, {
    headers: bearer(user),
  });
}

function expectForbidden(res: HttpResponse): void {
  expect(res.status, res.body).toBe(403);
  expect(res.json()['message']).toBe('authorization failed!');
}

describe('a read-only user', () => {
  it('cannot register, deregister, beat or update', async () => {
    expect((await register('writer', { serviceName: 'ro-target' })).status).toBe(200);
    expectForbidden(await register('reader', { serviceName: 'ro-target', port: 81 }));
    const instance = q({ serviceName: 'ro-target', ip: '10.1.0.1', port: 80 });
    expectForbidden(
      await server.http.send('DELETE', `/nacos/v1/ns/instance?${instance}`, { headers: bearer('reader') }),
    );
    expectForbidden(
      await server.http.send('PUT', `/nacos/v1/ns/instance?${instance}&weight=3`, { headers: bearer('reader') }),
    );
    expectForbidden(
      await server.http.send('PUT', `/nacos/v1/ns/instance/beat?${instance}`, { headers: bearer('reader') }),
    );
    expectForbidden(
      await server.http.send('POST', `/nacos/v1/ns/service?${q({ serviceName: 'ro-new' })}`, {
        headers: bearer('reader'),
      }),
    );
    const api = await server.http.send('POST', '/api/v1/namespaces/public/services', {
      headers: bearer('reader'),
      json: { name: 'ro-api' },
    });
    expect(api.status).toBe(403);
    expect(api.json()).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      message: 'reader may not write public:DEFAULT_GROUP:naming/ro-api',
    });
  });

  it('can read what it may read', async () => {
    const list = await server.http.send('GET', `/nacos/v1/ns/instance/list?${q({ serviceName: 'ro-target' })}`, {
      headers: bearer('reader'),
    });
    expect(list.status).toBe(200);
    expect(list.json<{ hosts: unknown[] }>().hosts).toHaveLength(1);
    expect(
      (await server.http.send('GET', '/nacos/v1/ns/service/list?pageNo=1&pageSize=10', { headers: bearer('reader') }))
        .status,
    ).toBe(200);
    expect(
      (await server.http.send('GET', '/api/v1/namespaces/public/services', { headers: bearer('reader') })).status,
    ).toBe(200);
    expect(
      (
        await server.http.send('GET', '/api/v1/namespaces/public/services/DEFAULT_GROUP/ro-target', {
          headers: bearer('reader'),
        })
      ).status,
    ).toBe(200);
  });

  it('cannot read another namespace', async () => {
    expectForbidden(
      await server.http.send('GET', `/nacos/v1/ns/instance/list?${q({ serviceName: 'x', namespaceId: 'dev' })}`, {
        headers: bearer('reader'),
      }),
    );
    expect(
      (await server.http.send('GET', '/api/v1/namespaces/dev/services', { headers: bearer('reader') })).status,
    ).toBe(403);
    // /service/names without a namespace lists all of them: only a '*' namespace grant covers that.
    expectForbidden(await server.http.send('GET', '/nacos/v1/ns/service/names', { headers: bearer('reader') }));
  });

  it('the same holds with username + password parameters instead of a token', async () => {
    const creds = q({ username: 'reader', password: 'reader-pass-1' });
    expectForbidden(
      await server.http.send(
        'POST',
        `/nacos/v1/ns/instance?${q({ serviceName: 'ro-target', ip: '10.1.0.2', port: 80 })}&${creds}`,
      ),
    );
    expect((await server.http.send('GET', `/nacos/v1/ns/instance/list?serviceName=ro-target&${creds}`)).status).toBe(
      200,
    );
  });
});

describe('namespace, group and service scopes', () => {
  it('a read/write user of public writes in public only', async () => {
    expect((await register('writer', { serviceName: 'w1' })).status).toBe(200);
    expectForbidden(await register('writer', { serviceName: 'w1', namespaceId: 'dev' }));
    // A namespace whose id merely starts with "public" is another namespace.
    expectForbidden(await register('writer', { serviceName: 'w1', namespaceId: 'public:x' }));
    expectForbidden(await register('writer', { serviceName: 'w1', namespaceId: 'publicity' }));
    expect((await register('dev', { serviceName: 'd1', namespaceId: 'dev' })).status).toBe(200);
    expectForbidden(await register('dev', { serviceName: 'd1' }));
  });

  it('a group grant covers that group only, however the group is spelled', async () => {
    expect((await register('grouped', { serviceName: 'g1', groupName: 'GROUP_A' })).status).toBe(200);
    expect((await register('grouped', { serviceName: 'GROUP_A@@g2' })).status).toBe(200);
    expectForbidden(await register('grouped', { serviceName: 'g3' }));
    expectForbidden(await register('grouped', { serviceName: 'g3', groupName: 'GROUP_B' }));
    // A grouped serviceName wins over groupName, in the controller and so in the guard.
    expectForbidden(await register('grouped', { serviceName: 'DEFAULT_GROUP@@g4', groupName: 'GROUP_A' }));
    // The legacy `dom` parameter names the service too.
    expectForbidden(
      await server.http.send('POST', `/nacos/v1/ns/instance?${q({ dom: 'g5', ip: '10.1.0.1', port: 80 })}`, {
        headers: bearer('grouped'),
      }),
    );
    // Listing the whole namespace needs a namespace-wide grant, whatever serviceName is sent along.
    expectForbidden(
      await server.http.send(
        'GET',
        `/nacos/v1/ns/catalog/services?${q({ pageNo: 1, pageSize: 10, serviceName: 'GROUP_A@@g1' })}`,
        { headers: bearer('grouped') },
      ),
    );
    expectForbidden(
      await server.http.send(
        'GET',
        `/nacos/v1/ns/service/list?${q({ pageNo: 1, pageSize: 10, groupName: 'GROUP_A' })}`,
        { headers: bearer('grouped') },
      ),
    );
    // Native API: the path's group and name, joined as the controller joins them.
    expect(
      (await server.http.send('GET', '/api/v1/namespaces/public/services/GROUP_A/g1', { headers: bearer('grouped') }))
        .status,
    ).toBe(200);
    expect(
      (
        await server.http.send('GET', '/api/v1/namespaces/public/services/GROUP_A/DEFAULT_GROUP@@w1', {
          headers: bearer('grouped'),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await server.http.send('DELETE', '/api/v1/namespaces/public/services/DEFAULT_GROUP/w1', {
          headers: bearer('grouped'),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await server.http.send('POST', '/api/v1/namespaces/public/services', {
          headers: bearer('grouped'),
          json: { name: 'api-g', groupName: 'GROUP_A' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await server.http.send('POST', '/api/v1/namespaces/public/services', {
          headers: bearer('grouped'),
          json: { name: 'GROUP_B@@api-g', groupName: 'GROUP_A' },
        })
      ).status,
    ).toBe(403);
  });

  it('a service grant covers exactly that service', async () => {
    expect((await register('one-service', { serviceName: 'orders' })).status).toBe(200);
    expectForbidden(await register('one-service', { serviceName: 'orders2' }));
    expectForbidden(await register('one-service', { serviceName: 'order' }));
    expect(
      (
        await server.http.send('GET', `/nacos/v1/ns/instance/list?serviceName=orders`, {
          headers: bearer('one-service'),
        })
      ).status,
    ).toBe(200);
  });

  it('a user without any permission can log in but do nothing guarded', async () => {
    expectForbidden(
      await server.http.send('GET', `/nacos/v1/ns/instance/list?serviceName=w1`, { headers: bearer('nobody') }),
    );
    const me = await server.http.send('GET', '/api/v1/auth/me', { headers: bearer('nobody') });
    expect(me.json()).toMatchObject({
      username: 'nobody',
      admin: false,
      authEnabled: true,
      roles: [],
      permissions: [],
    });
  });
});

describe('admin-only endpoints', () => {
  it.each([
    ['PUT', `/nacos/v1/ns/operator/switches?${q({ entry: 'pushEnabled', value: 'false' })}`],
    ['POST', `/nacos/v1/console/namespaces?${q({ customNamespaceId: 'by-writer', namespaceName: 'w' })}`],
    ['DELETE', `/nacos/v1/console/namespaces?${q({ namespaceId: 'dev' })}`],
    ['GET', '/nacos/v1/auth/users'],
    ['POST', `/nacos/v1/auth/users?${q({ username: 'made-by-writer', newPassword: 'whatever-123' })}`],
    ['DELETE', `/nacos/v1/auth/users?${q({ username: 'reader' })}`],
    ['POST', `/nacos/v1/auth/roles?${q({ role: 'ROLE_WRITER', username: 'reader' })}`],
    ['POST', `/nacos/v1/auth/permissions?${q({ role: 'ROLE_WRITER', resource: '*:*:*', action: 'rw' })}`],
  ])('a read/write user gets 403 on %s %s', async (method, path) => {
    expectForbidden(await server.http.send(method, path, { headers: bearer('writer') }));
  });

  it.each([
    ['GET', '/api/v1/auth/users', undefined],
    ['POST', '/api/v1/auth/users', { username: 'made-by-writer', password: 'whatever-123' }],
    ['DELETE', '/api/v1/auth/users/reader', undefined],
    ['POST', '/api/v1/auth/roles', { role: 'ROLE_WRITER', username: 'reader' }],
    ['POST', '/api/v1/auth/permissions', { role: 'ROLE_WRITER', resource: '*:*:*', action: 'rw' }],
    ['PUT', '/api/v1/auth/users/reader/password', { password: 'taken-over-123' }],
  ])('native %s %s is 403 for a non-admin', async (method, path, json) => {
    const res = await server.http.send(method, path, { headers: bearer('writer'), ...(json ? { json } : {}) });
    expect(res.status, res.body).toBe(403);
  });

  it('nothing was changed by those attempts', async () => {
    const users = await server.http.send('GET', '/api/v1/auth/users', { headers: await server.adminHeaders() });
    const names = users.json<{ username: string }[]>().map((u) => u.username);
    expect(names).toContain('reader');
    expect(names).not.toContain('made-by-writer');
    expect((await server.login('reader', 'reader-pass-1')).length).toBeGreaterThan(20);
    const switches = await server.http.send('GET', '/nacos/v1/ns/operator/switches');
    expect(switches.json()['pushEnabled']).toBe(true);
  });
});

describe('changes take effect at once', () => {
  it('a user changes their own password; old tokens and the old password stop working', async () => {
    await createUserWithPermission(server, {
      username: 'changer',
      password: 'changer-pass-1',
      role: 'ROLE_CHANGER',
      resource: 'public:*:*',
      action: 'r',
    });
    const oldToken = await server.login('changer', 'changer-pass-1');
    // Tokens carry whole seconds: wait for the next one so the old token is strictly older.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const changed = await server.http.send(
      'PUT',
      `/nacos/v1/auth/users?${q({ username: 'changer', newPassword: 'changer-pass-2' })}`,
      {
        headers: { authorization: `Bearer ${oldToken}` },
      },
    );
    expect(changed.status, changed.body).toBe(200);
    expect(changed.json()).toEqual({ code: 200, message: 'update user ok!', data: null });
    const stale = await server.http.send('GET', '/nacos/v1/ns/instance/list?serviceName=w1', {
      headers: { authorization: `Bearer ${oldToken}` },
    });
    expect(stale.json()['message']).toBe('token invalid!');
    const oldLogin = await server.http.send(
      'POST',
      `/nacos/v1/auth/login?${q({ username: 'changer', password: 'changer-pass-1' })}`,
    );
    expect(oldLogin.status).toBe(403);
    const newToken = await server.login('changer', 'changer-pass-2');
    // ...and may not change someone else's.
    expectForbidden(
      await server.http.send('PUT', `/nacos/v1/auth/users?${q({ username: 'reader', newPassword: 'hijacked-123' })}`, {
        headers: { authorization: `Bearer ${newToken}` },
      }),
    );
    const native = await server.http.send('PUT', '/api/v1/auth/users/changer/password', {
      headers: { authorization: `Bearer ${newToken}` },
      json: { password: 'changer-pass-3' },
    });
    expect(native.status, native.body).toBe(204);
    await server.login('changer', 'changer-pass-3');
  });

  it('deleting a user kills their tokens and their cached username + password', async () => {
    await createUserWithPermission(server, {
      username: 'leaver',
      password: 'leaver-pass-1',
      role: 'ROLE_LEAVER',
      resource: 'public:*:*',
      action: 'r',
    });
    const token = await server.login('leaver', 'leaver-pass-1');
    const creds = q({ username: 'leaver', password: 'leaver-pass-1' });
    expect((await server.http.send('GET', `/nacos/v1/ns/instance/list?serviceName=w1&${creds}`)).status).toBe(200);
    const del = await server.http.send('DELETE', '/api/v1/auth/users/leaver', { headers: await server.adminHeaders() });
    expect(del.status).toBe(204);
    const res = await server.http.send('GET', '/nacos/v1/ns/instance/list?serviceName=w1', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.json()['message']).toBe('token invalid!');
    expect(
      (await server.http.send('GET', `/nacos/v1/ns/instance/list?serviceName=w1&${creds}`)).json()['message'],
    ).toBe('unknown user!');
  });

  it('revoking a permission or a role applies to the next request', async () => {
    await createUserWithPermission(server, {
      username: 'revokee',
      password: 'revokee-pass-1',
      role: 'ROLE_REVOKEE',
      resource: 'public:*:*',
      action: 'rw',
    });
    const token = await server.login('revokee', 'revokee-pass-1');
    const headers = { authorization: `Bearer ${token}` };
    const admin = await server.adminHeaders();
    expect((await register('writer', { serviceName: 'rv' })).status).toBe(200);
    const write = () =>
      server.http.send('POST', `/nacos/v1/ns/instance?${q({ serviceName: 'rv', ip: '10.9.9.9', port: 1 })}`, {
        headers,
      });
    expect((await write()).status).toBe(200);
    const revoked = await server.http.send(
      'DELETE',
      `/nacos/v1/auth/permissions?${q({ role: 'ROLE_REVOKEE', resource: 'public:*:*', action: 'rw' })}`,
      { headers: admin },
    );
    expect(revoked.json()).toEqual({ code: 200, message: 'delete permission ok!', data: null });
    expectForbidden(await write());
    const granted = await server.http.send(
      'POST',
      `/nacos/v1/auth/permissions?${q({ role: 'ROLE_REVOKEE', resource: 'public:*:*', action: 'r' })}`,
      { headers: admin },
    );
    expect(granted.status).toBe(200);
    expectForbidden(await write());
    expect((await server.http.send('GET', '/nacos/v1/ns/instance/list?serviceName=rv', { headers })).status).toBe(200);
    const unbound = await server.http.send(
      'DELETE',
      `/nacos/v1/auth/roles?${q({ role: 'ROLE_REVOKEE', username: 'revokee' })}`,
      { headers: admin },
    );
    expect(unbound.json()['message']).toBe('delete role of user revokee ok!');
    expectForbidden(await server.http.send('GET', '/nacos/v1/ns/instance/list?serviceName=rv', { headers }));
    // The role is gone with its last holder, and so are its permissions.
    const perms = await server.http.send('GET', '/api/v1/auth/permissions', { headers: admin });
    expect(perms.json<{ role: string }[]>().some((p) => p.role === 'ROLE_REVOKEE')).toBe(false);
  });
});
