import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithPermission, startAuthServer, type AuthServer } from './support/auth-server.js';

const require = createRequire(import.meta.url);

interface NamingClient {
  ready(): Promise<void>;
  registerInstance(service: string, instance: { ip: string; port: number }, group?: string): Promise<void>;
  getAllInstances(
    service: string,
    group?: string,
    clusters?: string,
    subscribe?: boolean,
  ): Promise<{ ip: string; port: number }[]>;
  close(): Promise<void>;
}

const { NacosNamingClient } = require('nacos-naming') as {
  NacosNamingClient: new (options: Record<string, unknown>) => NamingClient;
};

/** The client logs each server's refusal as a warning, then throws a generic error: keep the warnings. */
const refusals: { status?: number; message: string }[] = [];
const quietLogger = {
  info() {},
  error() {},
  debug() {},
  log() {},
  warn(error: unknown) {
    if (error instanceof Error)
      refusals.push({ status: (error as { status?: number }).status, message: error.message });
  },
};

let server: AuthServer;
const clients: NamingClient[] = [];

beforeAll(async () => {
  server = await startAuthServer();
  await createUserWithPermission(server, {
    username: 'app',
    password: 'app-password-1',
    role: 'ROLE_APP',
    resource: 'public:*:*',
    action: 'rw',
  });
  await createUserWithPermission(server, {
    username: 'viewer',
    password: 'viewer-password-1',
    role: 'ROLE_VIEW',
    resource: 'public:*:*',
    action: 'r',
  });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await server.close();
});

function client(username?: string, password?: string): NamingClient {
  const c = new NacosNamingClient({
    logger: quietLogger,
    serverList: `127.0.0.1:${server.port}`,
    namespace: 'public',
    ...(username ? { username, password } : {}),
  });
  clients.push(c);
  return c;
}

describe('the Node client nacos-naming@2.6.3 (username + password on every request)', () => {
  it('registers and lists with a read/write user', async () => {
    const app = client('app', 'app-password-1');
    await app.ready();
    await app.registerInstance('node-app', { ip: '10.4.0.1', port: 8080 });
    const hosts = await app.getAllInstances('node-app', 'DEFAULT_GROUP', '', false);
    expect(hosts.map((h) => `${h.ip}:${h.port}`)).toEqual(['10.4.0.1:8080']);
  });

  it('a read-only user lists but cannot register', async () => {
    const viewer = client('viewer', 'viewer-password-1');
    await viewer.ready();
    refusals.length = 0;
    await expect(viewer.registerInstance('node-viewer', { ip: '10.4.0.2', port: 8080 })).rejects.toThrow(
      /failed to req API/,
    );
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.status).toBe(403);
    expect(refusals[0]!.message).toContain('"message":"authorization failed!"');
    expect((await viewer.getAllInstances('node-app', 'DEFAULT_GROUP', '', false)).length).toBe(1);
  });

  it('without credentials nothing works', async () => {
    const anonymous = client();
    await anonymous.ready();
    refusals.length = 0;
    await expect(anonymous.registerInstance('node-anon', { ip: '10.4.0.3', port: 8080 })).rejects.toThrow(
      /failed to req API/,
    );
    expect(refusals[0]!.status).toBe(403);
    expect(refusals[0]!.message).toContain('"message":"user not found!"');
    const admin = await server.adminHeaders();
    const names = await server.http.send('GET', '/nacos/v1/ns/service/names?namespaceId=public', { headers: admin });
    expect(names.json()).toEqual({ services: { public: ['node-app'] }, count: 1 });
  });
});
