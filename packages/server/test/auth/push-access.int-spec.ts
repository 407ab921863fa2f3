/**
 * Issue 21, item 2: gRPC subscriptions and UDP push targets outlive the request that made them, so
 * (like watch streams) they must stop receiving when their credentials stop granting them: the
 * permission revoked, the user deleted, the token expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosGrpcServer } from '../support/built-internals.js';
import { RawClient } from '../grpc/support/raw-client.js';
import { JAVA_UA, UdpReceiver } from '../push/push-support.js';
import {
  createUserWithPermission,
  nowSeconds,
  q,
  signJwt,
  startAuthServer,
  TOKEN_SECRET,
  type AuthServer,
} from './support/auth-server.js';

const PASSWORD = 'pusher-Passw0rd';

describe('pushes and the access that asked for them', () => {
  let server: AuthServer;
  const clients: RawClient[] = [];
  const receivers: UdpReceiver[] = [];
  let nextPort = 1000;

  beforeAll(async () => {
    server = await startAuthServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const r of receivers) r.close();
    await server.close();
  });

  async function reader(username: string): Promise<string> {
    const role = `${username}-role`;
    await createUserWithPermission(server, { username, password: PASSWORD, role, resource: 'public:*:*', action: 'r' });
    return server.login(username, PASSWORD);
  }
  async function admin(method: string, path: string, form: Record<string, string>): Promise<void> {
    const res = await server.http.send(method, `${path}?${q(form)}`, { headers: await server.adminHeaders() });
    expect(res.status, `${method} ${path}: ${res.body}`).toBe(200);
  }
  /** A change of the service: an instance registered by the admin. */
  const change = (service: string) =>
    admin('POST', '/nacos/v1/ns/instance', { serviceName: service, ip: '127.0.0.41', port: String(nextPort++) });

  async function subscribed(service: string, token: string): Promise<RawClient> {
    const client = new RawClient(server.app.get(NacosGrpcServer).port!);
    clients.push(client);
    await client.connect();
    const reply = await client.request(
      'SubscribeServiceRequest',
      { namespace: 'public', serviceName: service, groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' },
      { accessToken: token },
    );
    expect(reply.type).toBe('SubscribeServiceResponse');
    return client;
  }
  const pushes = (c: RawClient) => c.received.filter((m) => m.type === 'NotifySubscriberRequest').length;
  async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !condition();) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** Nothing more arrives for a while after a change (several coalescing windows). */
  async function quietAfter(changeIt: () => Promise<void>, count: () => number): Promise<void> {
    const before = count();
    await changeIt();
    await new Promise((r) => setTimeout(r, 500));
    expect(count()).toBe(before);
  }

  it('gRPC: a revoked permission stops the pushes at once', async () => {
    const client = await subscribed('g-perm', await reader('g-perm-user'));
    await change('g-perm');
    await until(() => pushes(client) >= 1);
    await admin('DELETE', '/nacos/v1/auth/permissions', {
      role: 'g-perm-user-role',
      resource: 'public:*:*',
      action: 'r',
    });
    await quietAfter(
      () => change('g-perm'),
      () => pushes(client),
    );
    // No longer listed as a subscriber either.
    const listed = await server.http.send('GET', `/nacos/v1/ns/service/subscribers?${q({ serviceName: 'g-perm' })}`, {
      headers: await server.adminHeaders(),
    });
    expect(listed.json<{ count: number }>().count).toBe(0);
  });

  it('gRPC: a deleted user gets no more pushes', async () => {
    const client = await subscribed('g-del', await reader('g-del-user'));
    await change('g-del');
    await until(() => pushes(client) >= 1);
    await admin('DELETE', '/nacos/v1/auth/users', { username: 'g-del-user' });
    await quietAfter(
      () => change('g-del'),
      () => pushes(client),
    );
  });

  it('gRPC: once its token expired, a connection gets no pushes and is asked to reconnect', async () => {
    await reader('g-exp-user');
    const token = signJwt({ sub: 'g-exp-user', iat: nowSeconds(), exp: nowSeconds() + 2 }, TOKEN_SECRET);
    const client = await subscribed('g-exp', token);
    await change('g-exp');
    await until(() => pushes(client) >= 1);
    await new Promise((r) => setTimeout(r, 2100));
    await quietAfter(
      () => change('g-exp'),
      () => pushes(client),
    );
    expect(client.received.some((m) => m.type === 'ConnectResetRequest')).toBe(true);
  });

  it('UDP: a deleted user stops receiving at once, not at the target expiry', async () => {
    const token = await reader('u-del-user');
    const receiver = await UdpReceiver.open();
    receivers.push(receiver);
    const poll = await server.http.send(
      'GET',
      `/nacos/v1/ns/instance/list?${q({ serviceName: 'u-del', udpPort: receiver.port, accessToken: token })}`,
      { headers: { 'User-Agent': JAVA_UA } },
    );
    expect(poll.status).toBe(200);
    await change('u-del');
    await receiver.next((p) => p.info.name.endsWith('u-del'));
    await admin('DELETE', '/nacos/v1/auth/users', { username: 'u-del-user' });
    await quietAfter(
      () => change('u-del'),
      () => receiver.packets.length,
    );
  });
});
