/**
 * Beacon as the registry of real Nacos 2.x clients (nacos-sdk-rust via nacos-sdk-rust-binding-node),
 * against the built server: they find gRPC on HTTP + 1000, register over their connection, get
 * pushes, and their instances live exactly as long as that connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { spawnGrpcServer, type GrpcTestServer } from './support/grpc-server.js';
import { RustClient, type NacosInstance, type Push } from './support/rust-client.js';

const GROUP = 'G2';

interface HostList {
  hosts: { ip: string; port: number; healthy: boolean; ephemeral: boolean }[];
}

let beacon: GrpcTestServer;
let http: NacosWire;
const clients: RustClient[] = [];

async function client(): Promise<RustClient> {
  // Pushes of an empty list must reach the listener, or a test could not see an instance leave.
  const c = await RustClient.start({ serverAddr: beacon.serverAddr, namingPushEmptyProtection: false });
  clients.push(c);
  return c;
}

async function httpHosts(service: string): Promise<string[]> {
  const res = await http.get(`${NS}/instance/list`, { serviceName: service, groupName: GROUP });
  expect(res.status).toBe(200);
  return res
    .json<HostList>()
    .hosts.map((h) => `${h.ip}:${h.port}`)
    .sort();
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const addresses = (instances: NacosInstance[]) => instances.map((i) => `${i.ip}:${i.port}`).sort();
const pushOf = (service: string, expected: string[]) => (p: Push) =>
  p.key === `${GROUP}@@${service}` && JSON.stringify(addresses(p.instances)) === JSON.stringify(expected);

beforeAll(async () => {
  beacon = await spawnGrpcServer();
  http = new NacosWire(`http://${beacon.serverAddr}`, 'plain');
});

afterAll(async () => {
  for (const c of clients) await c.kill('SIGKILL');
  await beacon?.[Symbol.asyncDispose]();
});

describe('a Nacos 2.x client (nacos-sdk-rust)', () => {
  it('registers over gRPC, and the instance shows in the 1.x list', async () => {
    const app = await client();
    await app.register('orders', GROUP, { ip: '127.0.0.11', port: 8080, metadata: { v: '1' } });
    expect(await httpHosts('orders')).toEqual(['127.0.0.11:8080']);
    const all = await app.getAllInstances('orders', GROUP);
    expect(all).toMatchObject([{ ip: '127.0.0.11', port: 8080, healthy: true, ephemeral: true, metadata: { v: '1' } }]);
    expect(await app.selectOneHealthy('orders', GROUP)).toMatchObject({ ip: '127.0.0.11', port: 8080 });
  });

  it('pushes a registration to a subscriber in under a second', async () => {
    const watcher = await client();
    const app = await client();
    await watcher.subscribe('payments', GROUP);
    const before = Date.now();
    await app.register('payments', GROUP, { ip: '127.0.0.12', port: 9090 });
    const push = await watcher.nextPush(pushOf('payments', ['127.0.0.12:9090']), 5000);
    expect(push.at - before).toBeLessThan(1000);
  });

  it('batch-registers, and deregisters with subscribers told', async () => {
    const watcher = await client();
    const app = await client();
    await watcher.subscribe('stock', GROUP);
    await app.batchRegister('stock', GROUP, [
      { ip: '127.0.0.13', port: 1 },
      { ip: '127.0.0.14', port: 2 },
    ]);
    expect(await httpHosts('stock')).toEqual(['127.0.0.13:1', '127.0.0.14:2']);
    expect(addresses(await app.selectInstances('stock', GROUP))).toEqual(['127.0.0.13:1', '127.0.0.14:2']);
    await watcher.nextPush(pushOf('stock', ['127.0.0.13:1', '127.0.0.14:2']));

    await app.deregister('stock', GROUP, { ip: '127.0.0.13', port: 1 });
    expect(await httpHosts('stock')).toEqual(['127.0.0.14:2']);
    await watcher.nextPush(pushOf('stock', ['127.0.0.14:2']));
  });

  it('pushes an instance registered over HTTP to gRPC subscribers', async () => {
    const watcher = await client();
    await watcher.subscribe('mixed', GROUP);
    const res = await http.post(`${NS}/instance`, {
      serviceName: 'mixed',
      groupName: GROUP,
      ip: '127.0.0.15',
      port: 7000,
    });
    expect(res.status).toBe(200);
    await watcher.nextPush(pushOf('mixed', ['127.0.0.15:7000']), 1000);
  });

  it('removes the instances of a client killed with SIGKILL within 3 s, and tells subscribers', async () => {
    const watcher = await client();
    const doomed = await client();
    await watcher.subscribe('fragile', GROUP);
    await doomed.register('fragile', GROUP, { ip: '127.0.0.16', port: 6000 });
    await watcher.nextPush(pushOf('fragile', ['127.0.0.16:6000']));

    const killedAt = Date.now();
    await doomed.kill('SIGKILL');
    const hosts = await eventually(
      () => httpHosts('fragile'),
      (h) => h.length === 0,
      3000,
    );
    expect(hosts).toEqual([]);
    expect(Date.now() - killedAt).toBeLessThan(3000);
    await watcher.nextPush(pushOf('fragile', []), 3000);
  });
});

describe('after a server restart', () => {
  it('clients reconnect and their registrations come back by themselves', async () => {
    const app = await client();
    await app.register('survivor', GROUP, { ip: '127.0.0.17', port: 5000 });
    expect(await httpHosts('survivor')).toEqual(['127.0.0.17:5000']);

    await beacon.restart();
    const hosts = await eventually(
      () => httpHosts('survivor'),
      (h) => h.length === 1,
      30_000,
    );
    expect(hosts).toEqual(['127.0.0.17:5000']);
  }, 60_000);
});
