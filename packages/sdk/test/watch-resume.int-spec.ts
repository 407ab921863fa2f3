import { afterEach, describe, expect, it } from 'vitest';
import { NamingClient, type ServiceChangeEvent } from '../src/index.js';
import { hasWatchStream, makeDataDir, removeDataDir, startServer, type TestServer } from './support/beacon-server.js';
import { gateProxy } from './support/gate-proxy.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the watch stream across a server restart', () => {
  it('misses nothing when the restarted server numbers its changes anew', async (ctx) => {
    const dataDir = makeDataDir();
    cleanups.push(() => removeDataDir(dataDir));
    let server: TestServer = await startServer({}, dataDir);
    cleanups.push(() => server.close());
    if (!(await hasWatchStream(server.baseUrl))) ctx.skip('the server has no watch stream (yet)');
    const gate = await gateProxy(server.baseUrl);
    cleanups.push(() => gate.close());

    // A consumer that relies on the stream alone (no polls for a minute).
    const consumer = new NamingClient({ serverAddresses: [gate.url], cacheMillis: 60_000 });
    cleanups.push(() => consumer.close());
    const seen: ServiceChangeEvent[] = [];
    const live = consumer.nextEvent('watchState', (s) => s.state === 'live');
    await consumer.subscribe('resumed', (e) => seen.push(e));
    await live;

    // Let the consumer's last event id climb well above what the restarted server will start from.
    const direct = (url: string) => new NamingClient({ serverAddresses: [url] });
    const before = direct(server.baseUrl);
    for (let i = 0; i < 20; i++) await before.registerInstance('resumed', { ip: `10.40.0.${i}`, port: 1, weight: 1 });
    await expect.poll(() => seen.at(-1)?.instances.length, { timeout: 5000 }).toBe(20);
    await before.close();

    // The consumer is cut off; the server restarts (same data, ephemeral instances gone).
    gate.shut();
    await server.close();
    server = await startServer({}, dataDir);
    gate.target = server.baseUrl;

    // Someone else watches first, so the new server keeps a history from revision ~0...
    const other = direct(server.baseUrl);
    cleanups.push(() => other.close());
    await other.subscribe('unrelated', () => {});
    await other.nextEvent('watchState', (s) => s.state === 'live');
    // ...the instance the consumer must learn about gets a low revision...
    await other.registerInstance('resumed', { ip: '10.40.1.1', port: 1 });
    // ...and the new revisions climb past the consumer's old event id.
    for (let i = 0; i < 30; i++) await other.registerInstance('unrelated', { ip: `10.41.0.${i}`, port: 1 });

    const resumed = consumer.nextEvent('watchState', (s) => s.state === 'live');
    gate.open();
    await resumed;
    await expect.poll(() => seen.at(-1)?.instances.map((i) => i.ip), { timeout: 5000 }).toEqual(['10.40.1.1']);
  });
});
