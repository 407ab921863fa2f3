import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, q, startAuthServer, type AuthServer } from './support/auth-server.js';

let server: AuthServer;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startAuthServer();
  admin = await server.adminHeaders();
});
afterAll(() => server.close());

describe('Nacos /v1/auth user administration (the Nacos console shapes)', () => {
  const send = (method: string, path: string, params: Record<string, string> = {}) =>
    server.http.send(method, `/nacos/v1/auth/${path}?${q(params)}`, { headers: admin });

  it('creates, lists, searches, re-passwords and deletes users', async () => {
    const created = await send('POST', 'users', { username: 'alice', password: 'alice-pass-1' });
    expect(created.status).toBe(200);
    expect(created.json()).toEqual({ code: 200, message: 'create user ok!', data: null });

    const again = await send('POST', 'users', { username: 'alice', password: 'alice-pass-1' });
    expect(again.status).toBe(400);
    expect(again.body).toBe("user 'alice' already exist!");

    const page = await send('GET', 'users', { pageNo: '1', pageSize: '10' });
    expect(page.json()).toEqual({
      totalCount: 2,
      pageNumber: 1,
      pagesAvailable: 1,
      pageItems: [{ username: 'alice' }, { username: 'nacos' }],
    });
    expect(page.body).not.toContain('scrypt');
    expect((await send('GET', 'users/search', { username: 'ali' })).json()).toEqual(['alice']);

    const updated = await send('PUT', 'users', { username: 'alice', newPassword: 'alice-pass-2' });
    expect(updated.json()).toEqual({ code: 200, message: 'update user ok!', data: null });
    await server.login('alice', 'alice-pass-2');

    expect((await send('DELETE', 'users', { username: 'alice' })).json()).toEqual({
      code: 200,
      message: 'delete user ok!',
      data: null,
    });
    expect((await send('DELETE', 'users', { username: 'alice' })).status).toBe(404);
  });

  it('refuses weak passwords, odd names and deleting the admin', async () => {
    const weak = await send('POST', 'users', { username: 'bob', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatch(/password must be 8 to 256 characters long/);
    expect((await send('POST', 'users', { username: 'bad name!', password: 'long-enough-1' })).status).toBe(400);
    const admin = await send('DELETE', 'users', { username: 'nacos' });
    expect(admin.status).toBe(400);
    expect(admin.body).toBe('cannot delete admin: nacos');
  });

  it('binds roles and grants permissions with Nacos resource strings', async () => {
    await send('POST', 'users', { username: 'carol', password: 'carol-pass-1' });
    expect((await send('POST', 'roles', { role: 'ROLE_DEV', username: 'carol' })).json()['message']).toBe(
      'add role ok!',
    );
    const admin = await send('POST', 'roles', { role: 'ROLE_ADMIN', username: 'carol' });
    expect(admin.status).toBe(400);
    expect(admin.body).toBe("role 'ROLE_ADMIN' is not permitted to create!");
    expect((await send('POST', 'roles', { role: 'ROLE_X', username: 'ghost' })).status).toBe(404);

    // The Nacos console grants `<namespaceId>:*:*`, with an empty id for public.
    expect(
      (await send('POST', 'permissions', { role: 'ROLE_DEV', resource: ':*:*', action: 'rw' })).json()['message'],
    ).toBe('add permission ok!');
    expect((await send('POST', 'permissions', { role: 'ROLE_DEV', resource: 'dev:*:*', action: 'r' })).status).toBe(
      200,
    );
    expect((await send('POST', 'permissions', { role: 'ROLE_DEV', resource: 'dev:*:*', action: 'x' })).status).toBe(
      400,
    );
    expect((await send('POST', 'permissions', { role: 'ROLE_DEV', resource: 'no-colons', action: 'r' })).status).toBe(
      400,
    );
    expect((await send('POST', 'permissions', { role: 'ROLE_NOBODY', resource: 'dev:*:*', action: 'r' })).status).toBe(
      404,
    );

    expect((await send('GET', 'roles', { pageNo: '1', pageSize: '10', username: 'carol' })).json()).toEqual({
      totalCount: 1,
      pageNumber: 1,
      pagesAvailable: 1,
      pageItems: [{ role: 'ROLE_DEV', username: 'carol' }],
    });
    expect((await send('GET', 'roles/search', { role: 'DEV' })).json()).toEqual(['ROLE_DEV']);
    expect(
      (await send('GET', 'permissions', { pageNo: '1', pageSize: '10', role: 'ROLE_DEV' })).json()['pageItems'],
    ).toEqual([
      { role: 'ROLE_DEV', resource: 'dev:*:*', action: 'r' },
      { role: 'ROLE_DEV', resource: 'public:*:*', action: 'rw' },
    ]);

    const token = await server.login('carol', 'carol-pass-1');
    const headers = { authorization: `Bearer ${token}` };
    const reg = (ns: string) =>
      server.http.send(
        'POST',
        `/nacos/v1/ns/instance?${q({ serviceName: 'c', ip: '10.2.0.1', port: 1, namespaceId: ns })}`,
        { headers },
      );
    expect((await reg('')).status).toBe(200);
    expect((await reg('dev')).status).toBe(403);
    expect(
      (await server.http.send('GET', '/nacos/v1/ns/instance/list?serviceName=c&namespaceId=dev', { headers })).status,
    ).toBe(200);
  });

  it('admin endpoints accept the admin by username + password parameters only when no other field collides', async () => {
    // GET /users has no username field of its own, so the parameters are the caller's credentials.
    const res = await server.http.send(
      'GET',
      `/nacos/v1/auth/users?${q({ username: 'nacos', password: ADMIN_PASSWORD })}`,
    );
    expect(res.status).toBe(200);
  });
});

describe('native /api/v1/auth user administration', () => {
  const send = (method: string, path: string, json?: unknown) =>
    server.http.send(method, `/api/v1/auth/${path}`, { headers: admin, ...(json === undefined ? {} : { json }) });

  it('manages users, roles and permissions with JSON', async () => {
    const created = await send('POST', 'users', { username: 'dave', password: 'dave-pass-1' });
    expect(created.status, created.body).toBe(201);
    expect(created.json()).toEqual({
      username: 'dave',
      admin: false,
      roles: [],
      permissions: [],
      createdAt: expect.any(Number),
    });
    expect((await send('POST', 'users', { username: 'dave', password: 'dave-pass-1' })).status).toBe(409);
    expect((await send('POST', 'users', { username: 'erin', password: 'short' })).status).toBe(400);

    expect((await send('POST', 'roles', { role: 'ROLE_OPS', username: 'dave' })).status).toBe(201);
    const granted = await send('POST', 'permissions', { role: 'ROLE_OPS', resource: 'public:*:*', action: 'r' });
    expect(granted.status).toBe(201);
    expect(granted.json()).toEqual({ role: 'ROLE_OPS', resource: 'public:*:*', action: 'r' });

    const users = await send('GET', 'users');
    const dave = users.json<{ username: string }[]>().find((u) => u.username === 'dave');
    expect(dave).toEqual({
      username: 'dave',
      admin: false,
      roles: ['ROLE_OPS'],
      permissions: [{ role: 'ROLE_OPS', resource: 'public:*:*', action: 'r' }],
      createdAt: expect.any(Number),
    });
    expect(users.body).not.toContain('scrypt');
    expect((await send('GET', 'roles')).json()).toContainEqual({ role: 'ROLE_OPS', username: 'dave' });

    const revoke = await server.http.send(
      'DELETE',
      `/api/v1/auth/permissions?${q({ role: 'ROLE_OPS', resource: 'public:*:*', action: 'r' })}`,
      { headers: admin },
    );
    expect(revoke.status).toBe(204);
    expect(
      (await server.http.send('DELETE', `/api/v1/auth/roles/ROLE_OPS?username=dave`, { headers: admin })).status,
    ).toBe(204);
    expect((await send('PUT', 'users/dave/password', { password: 'dave-pass-2' })).status).toBe(204);
    await server.login('dave', 'dave-pass-2');
    expect((await send('DELETE', 'users/dave')).status).toBe(204);
    expect((await send('DELETE', 'users/dave')).status).toBe(404);
    expect((await send('DELETE', 'users/nacos')).status).toBe(400);
    expect((await send('PUT', 'users/ghost/password', { password: 'ghost-pass-1' })).status).toBe(404);
  });
});
