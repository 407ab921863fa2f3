import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { createUserWithPermission, Http, q, startAuthServer, type AuthServer } from './support/auth-server.js';

/** Nacos compatibility: login with auth off, and the console's change-your-own-password calls. */
describe('login with auth off', () => {
  let server: InProcessServer;
  let http: Http;
  beforeAll(async () => {
    server = await startInProcessServer({ env: { BEACON_AUTH: 'off' } });
    http = new Http(server.port);
  });
  afterAll(async () => {
    http.close();
    await server.close();
  });

  it.each(['/nacos/v1/auth/login', '/nacos/v1/auth/users/login'])(
    '%s answers 200 with a token-shaped reply for any credentials, and the token is accepted',
    async (path) => {
      const res = await http.send('POST', `${path}?username=nacos`, { form: { password: 'anything' } });
      expect(res.status).toBe(200);
      const body = res.json<{ accessToken: string; tokenTtl: number; globalAdmin: boolean; username: string }>();
      expect(body).toEqual({ accessToken: expect.any(String), tokenTtl: 18000, globalAdmin: true, username: 'nacos' });
      expect(body.accessToken).not.toBe('');
      const list = await http.send(
        'GET',
        `/nacos/v1/ns/service/list?${q({ pageNo: 1, pageSize: 10, accessToken: body.accessToken })}`,
      );
      expect(list.status).toBe(200);
    },
  );
});

describe("changing one's own password as the Nacos console does", () => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['/nacos/v1/auth/users/password', '/nacos/v1/auth/password'])(
    'PUT %s with the old password changes it; the old password and old tokens stop working',
    async (path) => {
      const username = `self-${path.length}`;
      await createUserWithPermission(server, { username, password: 'old-Passw0rd' });
      const token = await server.login(username, 'old-Passw0rd');
      const headers = { authorization: `Bearer ${token}` };

      const wrong = await server.http.send(
        'PUT',
        `${path}?${q({ oldPassword: 'not-it-0000', newPassword: 'new-Passw0rd' })}`,
        { headers },
      );
      expect(wrong.status).toBe(400);
      expect(wrong.body).toBe('Old password is invalid');

      const res = await server.http.send('PUT', path, {
        headers,
        form: { oldPassword: 'old-Passw0rd', newPassword: 'new-Passw0rd' },
      });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ code: 200, message: 'Update password success' });

      await expect(server.login(username, 'old-Passw0rd')).rejects.toThrow('403');
      expect(await server.login(username, 'new-Passw0rd')).toEqual(expect.any(String));
      const stale = await server.http.send('GET', `/nacos/v1/ns/service/list?${q({ pageNo: 1, pageSize: 10 })}`, {
        headers,
      });
      expect(stale.status).toBe(403);
    },
  );

  it('needs credentials', async () => {
    const res = await server.http.send('PUT', '/nacos/v1/auth/users/password', {
      form: { oldPassword: 'x', newPassword: 'new-Passw0rd' },
    });
    expect(res.status).toBe(403);
  });
});
