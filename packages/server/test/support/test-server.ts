/**
 * Test servers for integration tests, on 127.0.0.1 only, each with its own fresh data directory.
 *
 * - `startTestServer()` runs the real app in this process on port 0 (fast; full access to `app`).
 * - `spawnBuiltServer()` runs the built `dist/main.js` as a child process (restarts, signals, crashes).
 *
 * Both return disposable handles: use `await using server = await startTestServer()`, or keep the
 * handle and call `close()` in `afterAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBeaconApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';

export const SERVER_PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const BUILT_MAIN = join(SERVER_PACKAGE_DIR, 'dist', 'main.js');
export const READINESS_PATH = '/nacos/v1/console/health/readiness';

/** A fresh empty directory under the OS temp dir; remove it with `removeDataDir`. */
export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'beacon-int-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// ---- in-process ---------------------------------------------------------------------------------

export interface TestServer extends AsyncDisposable {
  readonly baseUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly app: NestFastifyApplication;
  /** Closes the app, then removes the data dir unless it was passed in. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Reuse this data dir (it is then left in place on close). Default: a fresh temporary one. */
  dataDir?: string;
  /** Extra environment, read by `loadConfig` (e.g. `BEACON_BODY_LIMIT_BYTES`). */
  env?: Record<string, string>;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeDataDir();
  const config = loadConfig({
    BEACON_LOG_LEVEL: 'error',
    // Auth is on by default in real starts; tests that are about auth turn it on (test/auth/).
    BEACON_AUTH: 'off',
    // Persistent instances are probed: a test that registers one outside loopback fails instead
    // of making this machine contact it.
    BEACON_HEALTH_CHECK_ALLOW: '127.0.0.0/8',
    ...options.env,
    PORT: '0',
    HOST: '127.0.0.1',
    BEACON_DATA_DIR: dataDir,
  });
  let app: NestFastifyApplication | undefined;
  try {
    app = await createBeaconApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app?.close().catch(() => undefined);
    if (ownsDir) removeDataDir(dataDir);
    throw error;
  }
  const address = app.getHttpServer().address();
  if (address === null || typeof address !== 'object') throw new Error('test server has no TCP address');
  const started = app;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= started.close().finally(() => {
      if (ownsDir) removeDataDir(dataDir);
    }));
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    port: address.port,
    dataDir,
    app: started,
    close,
    [Symbol.asyncDispose]: close,
  };
}

// ---- built server in a child process -------------------------------------------------------------

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnedServer extends AsyncDisposable {
  readonly baseUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Settles when the process has exited. */
  readonly exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  /** Sends the signal (default SIGTERM) and waits for the exit. A no-op after exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface SpawnOptions {
  /** Required: the caller owns it (restarts reuse it) and removes it. */
  dataDir: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Extra environment; overrides PORT/HOST/BEACON_DATA_DIR too (config tests). */
  env?: Record<string, string>;
}

/** Starts `dist/main.js` and does not wait for anything; see `spawnBuiltServer`. */
export async function launchBuiltServer(options: SpawnOptions): Promise<SpawnedServer> {
  assertBuildIsFresh();
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [BUILT_MAIN], {
    cwd: SERVER_PACKAGE_DIR,
    env: {
      PATH: process.env['PATH'] ?? '',
      NO_COLOR: '1',
      BEACON_LOG_LEVEL: 'warn',
      BEACON_AUTH: 'off',
      BEACON_HEALTH_CHECK_ALLOW: '127.0.0.0/8',
      PORT: String(port),
      HOST: '127.0.0.1',
      BEACON_DATA_DIR: options.dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  live.add(child);
  void exited.then(() => live.delete(child));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    dataDir: options.dataDir,
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    kill,
    [Symbol.asyncDispose]: async () => {
      await kill('SIGKILL');
    },
  };
}

/**
 * Starts `dist/main.js` and waits until readiness answers `OK`; kills it and throws if it never
 * does. Without a given port it takes a free one, and tries another if that was taken meanwhile.
 */
export async function spawnBuiltServer(options: SpawnOptions, timeoutMs = 20_000): Promise<SpawnedServer> {
  for (let attempt = 1; ; attempt++) {
    const server = await launchBuiltServer(options);
    const deadline = Date.now() + timeoutMs;
    let exit: Exit | undefined;
    void server.exited.then((e) => (exit = e));
    while (Date.now() < deadline && exit === undefined) {
      try {
        const res = await fetch(server.baseUrl + READINESS_PATH, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200 && (await res.text()) === 'OK' && exit === undefined) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (exit === undefined) {
      await server.kill('SIGKILL');
      throw new Error(`built server not ready within ${timeoutMs} ms; stderr:\n${server.stderr()}`);
    }
    if (options.port !== undefined || attempt === 3 || !server.stderr().includes('EADDRINUSE')) {
      throw new Error(`built server exited early (${JSON.stringify(exit)}); stderr:\n${server.stderr()}`);
    }
  }
}

/** Children still running when the test process exits are killed, so a failed test leaks nothing. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

let buildChecked = false;

/**
 * Child-process tests run `dist`; a stale build would test old code, so refuse to run it. `tsc -b`
 * refreshes `tsconfig.tsbuildinfo` whenever it has looked at newer sources, so compare with that.
 */
function assertBuildIsFresh(): void {
  if (buildChecked) return;
  const stale: string[] = [];
  for (const pkg of ['core', 'server']) {
    const root = join(SERVER_PACKAGE_DIR, '..', pkg);
    const buildInfo = join(root, 'tsconfig.tsbuildinfo');
    const builtAt = existsSync(BUILT_MAIN) && existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : 0;
    for (const source of listSources(join(root, 'src'))) if (statSync(source).mtimeMs > builtAt) stale.push(source);
  }
  if (stale.length > 0) {
    throw new Error(`the build is older than the sources (run \`npx tsc -b\`): ${stale.slice(0, 5).join(', ')}`);
  }
  buildChecked = true;
}

function listSources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSources(path));
    else if (/\.ts$/.test(entry.name) && !/\.(d|spec|int-spec)\.ts$/.test(entry.name)) files.push(path);
  }
  return files;
}
