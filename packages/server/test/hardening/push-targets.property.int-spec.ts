import { createSocket, type Socket } from 'node:dgram';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpiryScheduler, HealthCheckScheduler } from '@beacon/core';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { hostileText } from './support/hostile.js';
import { formOf, RawHttp, type RawRequest } from './support/raw-http.js';

const JAVA = { 'user-agent': 'Nacos-Java-Client:v1.4.1' };

/**
 * UDP push targets come from whatever `/instance/list` callers say (udpPort, clientIP). Hostile
 * ones must not cost a 5xx, and must not stop the pushes of the other subscribers of the service.
 * Every clientIP tried here is loopback or no address at all: nothing may leave the machine.
 */
describe('push targets from hostile /instance/list parameters', () => {
  let server: InProcessServer;
  let http: RawHttp;
  let receiver: Socket;
  const received = new Map<string, number>();

  beforeAll(async () => {
    server = await startInProcessServer({ env: { BEACON_AUTH: 'off', BEACON_PUSH_COALESCE_MS: '5' } });
    server.app.get(ExpiryScheduler).stop();
    server.app.get(HealthCheckScheduler).stop();
    http = new RawHttp('127.0.0.1', server.port);
    receiver = createSocket('udp4');
    receiver.on('message', (message) => {
      const raw = message[0] === 0x1f && message[1] === 0x8b ? gunzipSync(message) : message;
      const packet = JSON.parse(raw.toString('utf8')) as { type: string; data: string };
      const name = (JSON.parse(packet.data) as { name: string }).name;
      received.set(name, (received.get(name) ?? 0) + 1);
    });
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    receiver?.close();
    http?.close();
    await server?.close();
  });

  const udpPort = fc.oneof(
    fc.constantFrom('0', '-1', '65535', '65536', '70000', '2147483647', '1e3', '0x50', ' 8 '),
    fc.integer().map(String),
    hostileText,
  );
  const clientIP = fc.constantFrom('127.0.0.1', '127.0.0.2', '::1', '127.1', '', ' ', '\u0000', 'a\u0000b');

  it('no 5xx, and the other subscriber of the service still gets its push', async () => {
    let n = 0;
    const details = await fc.check(
      fc.asyncProperty(udpPort, clientIP, async (port, ip) => {
        const service = `pushed-${++n}`;
        const hostile: RawRequest = {
          method: 'GET',
          path: `/nacos/v1/ns/instance/list?${formOf([
            ['serviceName', service],
            ['udpPort', port],
            ['clientIP', ip],
          ])}`,
          headers: JAVA,
        };
        const res = await http.send(hostile);
        if (res.status >= 500) throw new Error(`${res.status} ${res.body}`);

        const subscribe = await http.send({
          method: 'GET',
          path: `/nacos/v1/ns/instance/list?${formOf([
            ['serviceName', service],
            ['udpPort', String(receiver.address().port)],
            ['clientIP', '127.0.0.1'],
          ])}`,
          headers: JAVA,
        });
        if (subscribe.status !== 200) throw new Error(`subscribe: ${subscribe.status} ${subscribe.body}`);
        const register = await http.send({
          method: 'POST',
          path: `/nacos/v1/ns/instance?${formOf([
            ['serviceName', service],
            ['ip', '127.0.0.1'],
            ['port', '1'],
          ])}`,
        });
        if (register.body !== 'ok') throw new Error(`register: ${register.status} ${register.body}`);
        const grouped = `DEFAULT_GROUP@@${service}`;
        for (const end = Date.now() + 2_000; !received.has(grouped) && Date.now() < end;) {
          await new Promise((r) => setTimeout(r, 5));
        }
        if (!received.has(grouped)) throw new Error(`no push reached the other subscriber of ${service}`);
        // The server still answers.
        if ((await http.send({ method: 'GET', path: '/api/v1/status' })).status !== 200) throw new Error('no status');
      }),
      { numRuns: 60 },
    );
    const [port, ip] = details.counterexample ?? [];
    expect(
      details.failed
        ? `udpPort=${JSON.stringify(port)} clientIP=${JSON.stringify(ip)}: ${String(details.errorInstance)}`
        : 'ok',
    ).toBe('ok');
  }, 60_000);
});
