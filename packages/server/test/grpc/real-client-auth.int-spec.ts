/**
 * Auth for Nacos 2.x clients is the HTTP auth: the real client logs in over HTTP with its username
 * and password, then sends the token with every gRPC request; permissions apply per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NS } from '../support/nacos-wire.js';
import { spawnGrpcServer, type GrpcTestServer } from './support/grpc-server.js';
import { RustClient } from './support/rust-client.js';

const ADMIN_PASSWORD = 'grpc-admin-Passw0rd';
const READER_PASSWORD = 'reader-Passw0rd';

let beacon: GrpcTestServer;
const clients: RustClient[] = [];
let adminToken: string;

async function admin(method: string, path: string, form: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams({ ...form, accessToken: adminToken }).toString();
  return fetch(`http://${beacon.serverAddr}${path}`, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

async function client(username: string, password: string): Promise<RustClient> {
  const c = await RustClient.start({ serverAddr: beacon.serverAddr, username, password });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  beacon = await spawnGrpcServer({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const login = await fetch(`http://${beacon.serverAddr}/nacos/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=nacos&password=${ADMIN_PASSWORD}`,
  });
  adminToken = ((await login.json()) as { accessToken: string }).accessToken;
  // A user who may read everything in `public` and write nothing.
  expect((await admin('POST', '/nacos/v1/auth/users', { username: 'reader', password: READER_PASSWORD })).status).toBe(
    200,
  );
  expect((await admin('POST', '/nacos/v1/auth/roles', { role: 'READERS', username: 'reader' })).status).toBe(200);
  expect(
    (await admin('POST', '/nacos/v1/auth/permissions', { role: 'READERS', resource: 'public:*:*', action: 'r' }))
      .status,
  ).toBe(200);
});

afterAll(async () => {
  for (const c of clients) await c.kill('SIGKILL');
  await beacon?.[Symbol.asyncDispose]();
});

describe('with auth on', () => {
  it('a client with the admin username and password registers and reads', async () => {
    const app = await client('nacos', ADMIN_PASSWORD);
    await app.register('secured', 'G', { ip: '127.0.0.41', port: 80 });
    const res = await fetch(
      `http://${beacon.serverAddr}${NS}/instance/list?serviceName=secured&groupName=G&accessToken=${adminToken}`,
    );
    expect(((await res.json()) as { hosts: { ip: string }[] }).hosts.map((h) => h.ip)).toEqual(['127.0.0.41']);
    expect(await app.getAllInstances('secured', 'G')).toMatchObject([{ ip: '127.0.0.41', port: 80 }]);
  });

  it('a read-only user reads, and is refused a write', async () => {
    const reader = await client('reader', READER_PASSWORD);
    expect(await reader.getAllInstances('secured', 'G')).toMatchObject([{ ip: '127.0.0.41' }]);
    await expect(reader.register('secured', 'G', { ip: '127.0.0.42', port: 80 })).rejects.toThrow(
      /authorization failed/,
    );
    const res = await fetch(
      `http://${beacon.serverAddr}${NS}/instance/list?serviceName=secured&groupName=G&accessToken=${adminToken}`,
    );
    expect(((await res.json()) as { hosts: { ip: string }[] }).hosts.map((h) => h.ip)).toEqual(['127.0.0.41']);
  });

  it('a client with a wrong password can do nothing', async () => {
    const stranger = await client('reader', 'not-the-password');
    await expect(stranger.register('secured', 'G', { ip: '127.0.0.43', port: 80 })).rejects.toThrow();
  });
});
