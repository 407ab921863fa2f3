import { createSocket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NamingClient, type NamingClientOptions, type ServiceChangeEvent } from '../src/index.js';
import { hasUdpPush, startServer, waitFor, type TestServer } from './support/beacon-server.js';
import { closeInChildProcess } from './support/close-probe.js';
import { nacosOnlyProxy } from './support/nacos-only-proxy.js';

const FAST = {
  'preserved.heart.beat.interval': '1000',
  'preserved.heart.beat.timeout': '3000',
  'preserved.ip.delete.timeout': '6000',
};

let server: TestServer;
let proxy: Awaited<ReturnType<typeof nacosOnlyProxy>>;
let udpAvailable = false;
const clients: NamingClient[] = [];

function client(options: Partial<NamingClientOptions> = {}): NamingClient {
  const c = new NamingClient({ serverAddresses: [proxy.url], requestTimeoutMs: 2000, ...options });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startServer();
  proxy = await nacosOnlyProxy(server.baseUrl);
  const probe = new NamingClient({ serverAddresses: [server.baseUrl] });
  await probe.registerInstance('udp-probe', { ip: '10.0.0.1', port: 1 });
  udpAvailable = await hasUdpPush(server.baseUrl, 'udp-probe');
  await probe.close();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('against a server without the watch stream (plain Nacos 1.x)', () => {
  it('detects that the stream is missing and keeps subscriptions current by polling', async () => {
    const consumer = client({ cacheMillis: 300, udpPush: false });
    const events: ServiceChangeEvent[] = [];
    const unsupported = consumer.nextEvent('watchState', (s) => s.state === 'unsupported');
    await consumer.subscribe('legacy', (e) => events.push(e));
    await unsupported;
    expect(consumer.watchMode).toBe('unsupported');

    await client().registerInstance('legacy', { ip: '10.10.0.1', port: 1, metadata: FAST });
    await expect.poll(() => events.at(-1)?.instances.map((i) => i.ip), { timeout: 3000 }).toEqual(['10.10.0.1']);
    expect(events.at(-1)!.source).toBe('poll');
  });

  it('registers for UDP push while polling and acks what is pushed', async (ctx) => {
    if (!udpAvailable) ctx.skip('the server does not push over UDP (yet)');
    const consumer = client();
    const events: ServiceChangeEvent[] = [];
    await consumer.subscribe('pushed', (e) => events.push(e));
    await consumer.nextEvent('watchState', (s) => s.state === 'unsupported');
    // The first poll after detection carries udpPort and clientIP: we become a push target.
    const subscribers = async () =>
      (
        (await fetch(`${server.baseUrl}/nacos/v1/ns/service/subscribers?serviceName=pushed`).then((r) => r.json())) as {
          subscribers: { ip: string; agent: string }[];
        }
      ).subscribers;
    await expect
      .poll(subscribers, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ ip: '127.0.0.1', agent: 'Nacos-Java-Client:v1.4.8' })]);
    const started = Date.now();
    await client().registerInstance('pushed', { ip: '10.11.0.1', port: 1, metadata: FAST });
    const pushed = await consumer.nextEvent('pushReceived', (p) => p.applied);
    expect(pushed.serviceName).toBe('DEFAULT_GROUP@@pushed');
    expect(events.at(-1)!.source).toBe('push');
    expect(events.at(-1)!.instances.map((i) => i.ip)).toEqual(['10.11.0.1']);
    console.log(`UDP push delivered a change ${Date.now() - started} ms after the registration`);
  });

  it('hands a UDP-pushed list to subscribers at once and acks it (the test plays the server pusher)', async () => {
    const consumer = client();
    const events: ServiceChangeEvent[] = [];
    await consumer.subscribe('hand-pushed', (e) => events.push(e));
    await consumer.nextEvent('watchState', (s) => s.state === 'unsupported');
    // Detection is followed by a poll that names our UDP port; wait for it (the server's cacheMillis is 3 s).
    const target = await waitFor(
      () =>
        proxy.requests.find(
          (u) =>
            u.searchParams.get('serviceName') === 'DEFAULT_GROUP@@hand-pushed' &&
            Number(u.searchParams.get('udpPort')) > 0,
        ),
      8000,
    );
    expect(target.searchParams.get('clientIP')).toBe('127.0.0.1');

    const info = {
      name: 'DEFAULT_GROUP@@hand-pushed',
      clusters: target.searchParams.get('clusters') ?? '',
      cacheMillis: 10000,
      lastRefTime: Date.now(),
      hosts: [
        { ip: '10.12.0.1', port: 1, weight: 1, healthy: true, enabled: true, clusterName: 'DEFAULT', metadata: {} },
      ],
    };
    const socket = createSocket('udp4');
    try {
      const ack = new Promise<string>((r) => socket.once('message', (m) => r(m.toString())));
      socket.send(
        JSON.stringify({ type: 'dom', data: JSON.stringify(info), lastRefTime: 123456789 }),
        Number(target.searchParams.get('udpPort')),
        '127.0.0.1',
      );
      expect(JSON.parse(await ack)).toEqual({ type: 'push-ack', lastRefTime: '123456789', data: '' });
    } finally {
      socket.close();
    }
    expect(events.at(-1)!.source).toBe('push');
    expect(events.at(-1)!.added.map((i) => i.ip)).toEqual(['10.12.0.1']);
  });

  it('close() releases every timer, stream and socket: a process with nothing else to do exits', async () => {
    const { code, output } = await closeInChildProcess(proxy.url, 'unsupported');
    expect(output).toContain('closed');
    expect(code).toBe(0);
    // And nothing was deregistered.
    const hosts = await fetch(`${server.baseUrl}/nacos/v1/ns/instance/list?serviceName=tidy`).then((r) => r.json());
    expect((hosts as { hosts: { ip: string }[] }).hosts.map((h) => h.ip)).toEqual(['10.13.0.1']);
  });
});
