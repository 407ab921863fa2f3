import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithPermission, q, startAuthServer, type AuthServer } from './support/auth-server.js';

const PASSWORD = 'reader-Passw0rd';

/**
 * Security: what a signed-in user may see is what they may read. `/instance/statuses` (a Nacos
 * server-to-server endpoint) needs credentials and read permission, push-state details and resets
 * are for admins, and `/api/v1/namespaces` lists only the namespaces the caller can read.
 */
describe('read scopes', () => {
  let server: AuthServer;
  let reader: Record<string, string>;

  beforeAll(async () => {
    server = await startAuthServer();
    const admin = await server.adminHeaders();
    for (const namespaceId of ['team-a', 'team-b']) {
      const res = await server.http.send(
        'POST',
        `/nacos/v1/ns/instance?${q({ namespaceId, serviceName: 'svc', ip: '127.0.0.1', port: 80 })}`,
        { headers: admin },
      );
      expect(res.body).toBe('ok');
    }
    await createUserWithPermission(server, {
      username: 'reader-a',
      password: PASSWORD,
      role: 'reader-a-role',
      resource: 'team-a:*:*',
      action: 'r',
    });
    reader = { authorization: `Bearer ${await server.login('reader-a', PASSWORD)}` };
  });
  afterAll(async () => {
    await server.close();
  });

  const statuses = (namespaceId: string, headers: Record<string, string> = {}) =>
    server.http.send('GET', `/nacos/v1/ns/instance/statuses?${q({ key: `${namespaceId}##DEFAULT_GROUP@@svc` })}`, {
      headers,
    });

  it('/instance/statuses: 403 without credentials, 403 without read permission, 200 with it', async () => {
    const anonymous = await statuses('team-a');
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).not.toContain('127.0.0.1');
    const other = await statuses('team-b', reader);
    expect(other.status).toBe(403);
    expect(other.body).not.toContain('127.0.0.1');
    const own = await statuses('team-a', reader);
    expect(own.status).toBe(200);
    expect(own.json()).toEqual({ ips: ['127.0.0.1:80_true'] });
  });

  it('push/state: the totals for any user; the failed targets and a reset for admins only', async () => {
    expect((await server.http.send('GET', '/nacos/v1/ns/operator/push/state', { headers: reader })).status).toBe(200);
    for (const query of ['detail=true', 'reset=true', 'detail=TRUE&reset=false']) {
      for (const prefix of ['operator', 'ops']) {
        const res = await server.http.send('GET', `/nacos/v1/ns/${prefix}/push/state?${query}`, { headers: reader });
        expect(res.status, `${prefix} ${query}`).toBe(403);
      }
    }
    const admin = await server.http.send('GET', '/nacos/v1/ns/operator/push/state?detail=true&reset=true', {
      headers: await server.adminHeaders(),
    });
    expect(admin.status).toBe(200);
  });

  it('/api/v1/namespaces lists only what the caller can read; an admin sees all', async () => {
    const ids = async (headers: Record<string, string>) =>
      (await server.http.send('GET', '/api/v1/namespaces', { headers })).json<{ id: string }[]>().map((n) => n.id);
    expect(await ids(reader)).toEqual(['team-a']);
    expect(await ids(await server.adminHeaders())).toEqual(expect.arrayContaining(['public', 'team-a', 'team-b']));
  });
});
