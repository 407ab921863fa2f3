import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from '../push/push-support.js';
import { startInProcessServer } from '@beacon/test-support';
import {
  createUserWithPermission,
  nowSeconds,
  q,
  signJwt,
  startAuthServer,
  TOKEN_SECRET,
  type AuthServer,
} from './support/auth-server.js';

const PASSWORD = 'watcher-Passw0rd';

/**
 * Security: a watch stream outlives the request that opened it, so it must end when its
 * credentials stop granting it: the user deleted, their password changed, their permission
 * revoked, their token expired. And streams are capped per user and in total.
 */
describe('watch streams and the access that opened them', () => {
  let server: AuthServer;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    server = await startAuthServer({ BEACON_WATCH_KEEPALIVE_MS: '200', BEACON_MAX_WATCH_STREAMS_PER_USER: '2' });
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await server.close();
  });

  async function watcher(username: string, role = `${username}-role`): Promise<string> {
    await createUserWithPermission(server, { username, password: PASSWORD, role, resource: 'public:*:*', action: 'r' });
    return server.login(username, PASSWORD);
  }
  async function watch(token: string): Promise<SseReader> {
    const reader = await SseReader.open(server, { accessToken: token });
    readers.push(reader);
    await reader.until(() => reader.snapshots().length === 1);
    return reader;
  }
  async function admin(method: string, path: string, form: Record<string, string>): Promise<void> {
    const res = await server.http.send(method, `${path}?${q(form)}`, { headers: await server.adminHeaders() });
    expect(res.status).toBe(200);
  }

  it('ends when the user is deleted', async () => {
    const stream = await watch(await watcher('w-deleted'));
    await admin('DELETE', '/nacos/v1/auth/users', { username: 'w-deleted' });
    await stream.until(() => stream.ended, 3000);
  });

  it("ends when the user's password changes", async () => {
    const stream = await watch(await watcher('w-password'));
    await admin('PUT', '/nacos/v1/auth/users', { username: 'w-password', newPassword: 'another-Passw0rd' });
    await stream.until(() => stream.ended, 3000);
  });

  it('ends when the permission that granted it is revoked, and not before', async () => {
    const stream = await watch(await watcher('w-perm', 'w-perm-role'));
    // An unrelated change is checked too, and leaves the stream open.
    await createUserWithPermission(server, { username: 'w-unrelated', password: PASSWORD });
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.ended).toBe(false);
    await admin('DELETE', '/nacos/v1/auth/permissions', { role: 'w-perm-role', resource: 'public:*:*', action: 'r' });
    await stream.until(() => stream.ended, 3000);
  });

  it('ends when its token expires', async () => {
    await watcher('w-expiry');
    const token = signJwt({ sub: 'w-expiry', iat: nowSeconds(), exp: nowSeconds() + 2 }, TOKEN_SECRET);
    const stream = await watch(token);
    expect(stream.ended).toBe(false);
    await stream.until(() => stream.ended, 4000);
  });

  it('a user holds at most BEACON_MAX_WATCH_STREAMS_PER_USER streams: the next gets 429', async () => {
    const token = await watcher('w-capped');
    await watch(token);
    await watch(token);
    await expect(SseReader.open(server, { accessToken: token })).rejects.toThrow('watch answered 429');
    // Another user is not affected.
    await watch(await watcher('w-other'));
  });

  it('a token issued in the same second as a password change stops working with it', async () => {
    await watcher('w-same-second');
    const token = await server.login('w-same-second', PASSWORD);
    await admin('PUT', '/nacos/v1/auth/users', { username: 'w-same-second', newPassword: 'another-Passw0rd' });
    const res = await server.http.send('GET', `/nacos/v1/ns/service/list?${q({ pageNo: 1, pageSize: 10 })}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
  });
});

describe('watch streams in total', () => {
  it('the server holds at most BEACON_MAX_WATCH_STREAMS streams: the next gets 429', async () => {
    await using server = await startInProcessServer({ env: { BEACON_MAX_WATCH_STREAMS: '2' } });
    const open = [await SseReader.open(server), await SseReader.open(server)];
    await expect(SseReader.open(server)).rejects.toThrow('watch answered 429');
    open[0]!.close();
    await new Promise((r) => setTimeout(r, 200));
    open.push(await SseReader.open(server));
    for (const r of open) r.close();
  });
});
