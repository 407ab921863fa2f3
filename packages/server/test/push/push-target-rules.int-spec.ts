import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { delay, JAVA_UA, register, startServer, UdpReceiver, type InProcessServer } from './push-support.js';

/**
 * Security: UDP pushes go only to the address a poll came from (a `clientIP` naming someone else
 * is honoured only through a trusted proxy), a source may hold only so many targets, and each
 * target IP only so many bytes per second. Reflection and amplification against a third party
 * are what these rules prevent; every address here is loopback.
 */
describe('UDP push target rules', () => {
  const servers: InProcessServer[] = [];
  const receivers: UdpReceiver[] = [];
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await Promise.all(servers.map((s) => s.close()));
  });
  const start = async (env: Record<string, string> = {}) => {
    const server = await startServer({ BEACON_PUSH_COALESCE_MS: '10', ...env });
    servers.push(server);
    return server;
  };
  const receiver = async (address: string) => {
    const r = await UdpReceiver.open('number', address);
    receivers.push(r);
    return r;
  };

  /** `/instance/list` sent from a chosen loopback source address. */
  function pollFrom(
    server: InProcessServer,
    sourceAddress: string,
    params: Record<string, string | number>,
  ): Promise<{ status: number; body: { cacheMillis: number } }> {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          localAddress: sourceAddress,
          path: `/nacos/v1/ns/instance/list?${query.toString()}`,
          headers: { 'User-Agent': JAVA_UA },
          agent: false,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { cacheMillis: number } }),
          );
        },
      );
      req.once('error', reject);
      req.end();
    });
  }

  it('a clientIP other than the source address gets no pushes; the source address does', async () => {
    const server = await start();
    const victim = await receiver('127.0.0.2');
    // The poller's own socket, on the same port as the victim's (another address).
    const poller = await UdpReceiver.openAt(victim.port, '127.0.0.1');
    receivers.push(poller);
    const service = 'DEFAULT_GROUP@@reflect';
    await register(server, service, '127.0.0.50', 80);
    const polled = await pollFrom(server, '127.0.0.1', {
      serviceName: service,
      udpPort: victim.port,
      clientIP: '127.0.0.2',
    });
    expect(polled.status).toBe(200);

    await register(server, service, '127.0.0.51', 80);
    await poller.next();
    await delay(300);
    expect(victim.packets).toHaveLength(0);
  });

  it('through a trusted proxy, clientIP names the client that gets the pushes', async () => {
    const server = await start({ BEACON_TRUSTED_PROXIES: '127.0.0.1/32' });
    const client = await receiver('127.0.0.2');
    const service = 'DEFAULT_GROUP@@proxied';
    await register(server, service, '127.0.0.50', 80);
    await pollFrom(server, '127.0.0.1', { serviceName: service, udpPort: client.port, clientIP: '127.0.0.2' });
    await register(server, service, '127.0.0.51', 80);
    const packet = await client.next();
    expect(packet.info.hosts).toHaveLength(2);
  });

  it('a source address holds at most BEACON_PUSH_TARGETS_PER_SOURCE targets; past it the caller polls', async () => {
    const server = await start({ BEACON_PUSH_TARGETS_PER_SOURCE: '2' });
    const client = await receiver('127.0.0.3');
    const cacheMillis: number[] = [];
    for (const name of ['cap-a', 'cap-b', 'cap-c']) {
      await register(server, name, '127.0.0.50', 80);
      const polled = await pollFrom(server, '127.0.0.3', { serviceName: name, udpPort: client.port });
      cacheMillis.push(polled.body.cacheMillis);
    }
    // 10 s: pushed, the client may wait that long; 3 s: not pushed, it polls.
    expect(cacheMillis).toEqual([10000, 10000, 3000]);
    // Another source address has its own allowance.
    const other = await receiver('127.0.0.4');
    expect((await pollFrom(server, '127.0.0.4', { serviceName: 'cap-c', udpPort: other.port })).body.cacheMillis).toBe(
      10000,
    );
  });

  it('a target IP receives at most BEACON_PUSH_BYTES_PER_SECOND; the rest is dropped', async () => {
    const server = await start({ BEACON_PUSH_BYTES_PER_SECOND: '1024' });
    const client = await receiver('127.0.0.5');
    const service = 'DEFAULT_GROUP@@rate';
    // About 600 bytes per push: the one-second budget holds one, and refills by ~1.7 a second.
    await register(server, service, '127.0.0.50', 80, { metadata: JSON.stringify({ pad: 'x'.repeat(300) }) });
    await pollFrom(server, '127.0.0.5', { serviceName: service, udpPort: client.port });
    const started = performance.now();
    for (let i = 0; i < 10; i++) {
      await register(server, service, '127.0.0.50', 80, {
        weight: i + 1,
        metadata: JSON.stringify({ pad: 'x'.repeat(300) }),
      });
      await delay(50);
    }
    await delay(100);
    const seconds = (performance.now() - started) / 1000;
    const bytes = client.packets.reduce((n, p) => n + p.bytes, 0);
    expect(client.packets.length).toBeGreaterThanOrEqual(1);
    expect(bytes).toBeLessThanOrEqual(1024 + 1024 * seconds);
    expect(client.packets.length).toBeLessThan(6);
  });
});
