import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The real Nacos 1.x Node client from npm (CommonJS).
import { NacosNamingClient } from 'nacos-naming';
import { delay, deregister, register, startServer, type InProcessServer } from './push-support.js';

interface Host {
  ip: string;
  port: number;
  healthy: boolean;
}

/** The part of the client this test drives (its bundled typings are loose). */
interface NamingClient {
  ready(): Promise<void>;
  close(): Promise<void>;
  subscribe(
    info: { serviceName: string; groupName?: string; clusters?: string },
    listener: (hosts: Host[]) => void,
  ): void;
}

const quietLogger = { info() {}, debug() {}, warn() {}, error() {}, log() {} };

describe('nacos-naming@2.6.3 subscribed to Beacon', () => {
  let server: InProcessServer;
  let client: NamingClient;

  beforeAll(async () => {
    server = await startServer();
    client = new NacosNamingClient({
      logger: quietLogger as unknown as typeof console,
      serverList: `127.0.0.1:${server.port}`,
      namespace: 'public',
    }) as unknown as NamingClient;
    await client.ready();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('fires the subscribe listener on a change long before its next poll', async () => {
    // The client ignores empty host lists, so the service starts with one instance.
    await register(server, 'DEFAULT_GROUP@@npm-client', '10.9.0.1', 8080);
    const updates: { hosts: Host[]; at: number }[] = [];
    const subscribedAt = performance.now();
    client.subscribe({ serviceName: 'npm-client' }, (hosts: Host[]) => updates.push({ hosts, at: performance.now() }));
    await waitFor(() => updates.length === 1, 5000);
    expect(updates[0]!.hosts.map((h) => h.ip)).toEqual(['10.9.0.1']);

    // Its poll timer fires 1 s after subscribing, then every cacheMillis: 10 s, since Beacon pushes.
    // Change the service just after that first poll, so the next one is ~10 s away.
    await delay(Math.max(0, subscribedAt + 1300 - performance.now()));
    const changedAt = performance.now();
    await register(server, 'DEFAULT_GROUP@@npm-client', '10.9.0.2', 8080);
    await waitFor(() => updates.length === 2, 5000);
    const latency = updates[1]!.at - changedAt;
    expect(updates[1]!.hosts.map((h) => h.ip).sort()).toEqual(['10.9.0.1', '10.9.0.2']);
    expect(latency).toBeLessThan(1000);

    // A deregistration travels the same way.
    const removedAt = performance.now();
    await deregister(server, 'DEFAULT_GROUP@@npm-client', '10.9.0.1', 8080);
    await waitFor(() => updates.length === 3, 5000);
    expect(updates[2]!.hosts.map((h) => h.ip)).toEqual(['10.9.0.2']);
    expect(updates[2]!.at - removedAt).toBeLessThan(1000);

    // The client acknowledged the pushes (it acks with a numeric lastRefTime).
    const state = JSON.parse(await (await fetch(`${server.baseUrl}/nacos/v1/ns/operator/push/state`)).text()) as {
      succeed: number;
      total: number;
    };
    expect(state.succeed).toBeGreaterThanOrEqual(2);
    console.log(`nacos-naming push latency: ${latency.toFixed(1)} ms, ${(updates[2]!.at - removedAt).toFixed(1)} ms`);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await delay(5);
  }
}
