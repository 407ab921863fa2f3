/** What only the SDK's tests need around the shared launcher (@beacon/test-support). */
import { createServer, type Socket } from 'node:net';
import {
  freePort,
  makeDataDir,
  removeDataDir,
  spawnServer as spawnBuiltServer,
  startInProcessServer,
  type InProcessServer,
  type SpawnedServer,
} from '@beacon/test-support';

export { freePort, makeDataDir, removeDataDir, type SpawnedServer };
export type TestServer = InProcessServer;

/** Settings every SDK test server gets: fast expiry ticks (auth is off by default). */
const SDK_ENV: Record<string, string> = { BEACON_EXPIRY_TICK_MS: '100' };

/** The built server in this process, on a random loopback port, with its own SQLite file (or `dataDir`'s). */
export function startServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  return startInProcessServer({ env: { ...SDK_ENV, ...env }, ...(dataDir ? { dataDir } : {}) });
}

/** The built server as its own process, ready; restartable on the same port and data dir. */
export function spawnServer(port: number, dataDir: string, env: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnBuiltServer({ port, dataDir, env: { ...SDK_ENV, ...env } });
}

/** A port where nothing listens: connections are refused. */
export const deadPort = freePort;

/** Accepts connections and never answers: the worst kind of server. */
export async function blackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** GET a Nacos-face list without any client cache: the registry's truth (as the admin when auth is on). */
export async function listFromServer(
  url: string,
  serviceName: string,
  adminPassword?: string,
): Promise<{ ip: string; port: number; healthy: boolean }[]> {
  const query = new URLSearchParams({ serviceName });
  if (adminPassword !== undefined) {
    query.set('username', 'nacos');
    query.set('password', adminPassword);
  }
  const response = await fetch(`${url}/nacos/v1/ns/instance/list?${query.toString()}`);
  const body = (await response.json()) as { hosts: { ip: string; port: number; healthy: boolean }[] };
  return body.hosts;
}

/** Whether the server offers the watch stream (it may not, before the push work lands). */
export async function hasWatchStream(url: string): Promise<boolean> {
  const controller = new AbortController();
  try {
    const response = await fetch(`${url}/api/v1/watch?namespaceId=public`, { signal: controller.signal });
    return response.ok && (response.headers.get('content-type') ?? '').includes('text/event-stream');
  } catch {
    return false;
  } finally {
    controller.abort();
  }
}

/** Whether the server registers UDP push targets (it then tells polling clients of an existing service cacheMillis 10000). */
export async function hasUdpPush(url: string, existingService: string): Promise<boolean> {
  const query = `serviceName=${encodeURIComponent(existingService)}&udpPort=9&clientIP=127.0.0.1`;
  const response = await fetch(`${url}/nacos/v1/ns/instance/list?${query}`, {
    headers: { 'User-Agent': 'Nacos-Java-Client:v1.4.8' },
  });
  const body = (await response.json()) as { cacheMillis?: number };
  return body.cacheMillis === 10_000;
}

/** Resolves with the first defined value `find` returns, checking every 20 ms. */
export async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = find();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing turned up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
