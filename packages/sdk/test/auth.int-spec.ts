import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, NamingClient, type NamingClientOptions, type ServiceChangeEvent } from '../src/index.js';
import { startServer, type TestServer } from './support/beacon-server.js';

const PASSWORD = 'sdk-test-password';
const FAST = {
  'preserved.heart.beat.interval': '1000',
  'preserved.heart.beat.timeout': '3000',
  'preserved.ip.delete.timeout': '6000',
};

let server: TestServer;
let authEnforced = false;
const clients: NamingClient[] = [];

function client(options: Partial<NamingClientOptions> = {}): NamingClient {
  const c = new NamingClient({ serverAddresses: [server.baseUrl], requestTimeoutMs: 2000, ...options });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startServer({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: PASSWORD });
  const anonymous = await fetch(`${server.baseUrl}/nacos/v1/ns/instance/list?serviceName=probe`);
  authEnforced = anonymous.status === 403;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server.close();
});

describe('against a server with auth on', () => {
  it('logs in with username and password, then registers, beats and discovers with the token', async (ctx) => {
    if (!authEnforced) ctx.skip('the server does not enforce auth (yet)');
    const app = client({ username: 'nacos', password: PASSWORD });
    await app.registerInstance('secured', { ip: '10.30.0.1', port: 1, metadata: FAST });
    const beat = await app.nextEvent('beat');
    expect(beat.code).toBe(10200);
    const seen: ServiceChangeEvent[] = [];
    await app.subscribe('secured', (e) => seen.push(e));
    expect(seen[0]!.instances.map((i) => i.ip)).toEqual(['10.30.0.1']);
    expect(await app.getServerStatus()).toBe('UP');
  });

  it('follows the watch stream with the same token when the server has one', async (ctx) => {
    if (!authEnforced) ctx.skip('the server does not enforce auth (yet)');
    const probe = await fetch(`${server.baseUrl}/api/v1/watch`);
    await probe.body?.cancel();
    if (probe.status === 404) ctx.skip('the server has no watch stream (yet)');
    expect(probe.status).toBe(401);
    const app = client({ username: 'nacos', password: PASSWORD });
    await app.getAllInstances('secured');
    const state = await app.nextEvent('watchState', (s) => s.state === 'live' || s.state === 'unsupported');
    expect(state.state).toBe('live');
  });

  it('says that credentials are needed when none were given', async (ctx) => {
    if (!authEnforced) ctx.skip('the server does not enforce auth (yet)');
    const app = client();
    const error = await app.registerInstance('secured', { ip: '10.30.0.2', port: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('requires authentication; set username and password');
    // A refused registration schedules no beat.
    expect(app.beatIntervalOf('secured', { ip: '10.30.0.2', port: 1 })).toBeUndefined();
  });

  it('says that the login was refused when the password is wrong', async (ctx) => {
    if (!authEnforced) ctx.skip('the server does not enforce auth (yet)');
    const app = client({ username: 'nacos', password: 'not-the-password' });
    await expect(app.getAllInstances('secured', { subscribe: false })).rejects.toThrow(
      "login refused for user 'nacos'",
    );
  });
});
