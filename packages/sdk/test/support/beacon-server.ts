import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBeaconApp, loadConfig } from '../../../server/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const SERVER_MAIN = resolve(here, '../../../server/dist/main.js');

/** Settings every test server gets: loopback, quiet, fast expiry ticks, auth off unless a test wants it. */
const BASE_ENV: Record<string, string> = {
  HOST: '127.0.0.1',
  BEACON_LOG_LEVEL: 'error',
  BEACON_EXPIRY_TICK_MS: '100',
  BEACON_AUTH: 'off',
};

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'beacon-sdk-int-'));
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real server in this process, on a random loopback port, with its own SQLite file. */
export async function startServer(env: Record<string, string> = {}, dataDir = tempDataDir()): Promise<RunningServer> {
  const config = loadConfig({ ...BASE_ENV, PORT: '0', BEACON_DATA_DIR: dataDir, ...env });
  const app = await createBeaconApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export interface SpawnedServer extends RunningServer {
  readonly pid: number;
  /** SIGKILL: no shutdown hooks, connections just die. */
  kill(): Promise<void>;
}

/** The built server (`node packages/server/dist/main.js`) as its own process; restartable on the same port and data. */
export async function spawnServer(
  port: number,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<SpawnedServer> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run 'pnpm build' first`);
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    env: { ...process.env, ...BASE_ENV, BEACON_LOG_LEVEL: 'log', PORT: String(port), BEACON_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let output = '';
  await new Promise<void>((resolveReady, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        child.stdout?.off('data', onData);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    pid: child.pid!,
    kill,
    close: kill,
  };
}

/** A port that was free a moment ago (for a server that must come back on the same port). */
export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** A port where nothing listens: connections are refused. */
export const deadPort = freePort;

/** Accepts connections and never answers: the worst kind of server. */
export async function blackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
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

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** GET a Nacos-face URL without any client cache: the registry's truth. */
export async function listFromServer(
  url: string,
  serviceName: string,
): Promise<{ ip: string; port: number; healthy: boolean }[]> {
  const response = await fetch(`${url}/nacos/v1/ns/instance/list?serviceName=${encodeURIComponent(serviceName)}`);
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
