import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Exit, SpawnOptions, SpawnedServer } from './beacon-server.js';
import { makeDataDir, removeDataDir } from './data-dir.js';
import { freePort } from './free-port.js';
import { assertBuildIsFresh } from './fresh-build.js';
import { BUILT_MAIN, READINESS_PATH, SERVER_PACKAGE_DIR } from './paths.js';
import { TEST_ENV, adminOf, mergeEnv } from './test-environment.js';

const TASKSET = '/usr/bin/taskset';
/** How long a SIGTERM may take before close() sends SIGKILL. */
const STOP_GRACE_MS = 5000;

/**
 * The built server (`node packages/server/dist/main.js`) as its own process, on a free loopback port
 * with a temp data dir, ready (readiness answers `OK`) unless `waitUntilReady: false`. The URL is
 * built from PORT and HOST, never read back from the log, so any HOST works.
 */
export async function spawnServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeDataDir();
  try {
    for (let attempt = 1; ; attempt++) {
      const server = await launch(options, dataDir, ownsDir);
      if (options.waitUntilReady === false) return server;
      const exit = await untilReady(server, options.readyTimeoutMs ?? 20_000);
      if (exit === undefined) return server;
      // A free port can be taken between the probe and the child's listen: try another one.
      if (options.port !== undefined || attempt === 3 || !server.stderr().includes('EADDRINUSE')) {
        throw new Error(`built server exited early (${JSON.stringify(exit)}); output:\n${server.stderr()}`);
      }
    }
  } catch (error) {
    if (ownsDir) removeDataDir(dataDir);
    throw error;
  }
}

async function launch(options: SpawnOptions, dataDir: string, ownsDir: boolean): Promise<SpawnedServer> {
  const main = options.main ?? BUILT_MAIN;
  if (options.main === undefined) assertBuildIsFresh();
  else if (!existsSync(main)) throw new Error(`${main} is missing`);
  const port = options.port ?? (await freePort());
  const env = mergeEnv(
    { PATH: process.env['PATH'] },
    TEST_ENV,
    { BEACON_LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', BEACON_DATA_DIR: dataDir },
    options.env,
  );
  const nodeArgs = [...(options.execArgv ?? []), main];
  const pin = options.cpu !== undefined && existsSync(TASKSET);
  // taskset execs node in place, so the child's pid is the server's own (for /proc readings).
  const child = spawn(
    pin ? TASKSET : process.execPath,
    pin ? ['-c', String(options.cpu), process.execPath, ...nodeArgs] : nodeArgs,
    {
      cwd: SERVER_PACKAGE_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    },
  );
  let out = '';
  let err = '';
  // Always drained: a full pipe would block the server.
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out = keepTail(out + chunk)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err = keepTail(err + chunk)));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  live.add(child);
  void exited.then(() => live.delete(child));

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      // A stopped (SIGSTOP) process must be continued to handle SIGTERM.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await kill('SIGTERM');
      clearTimeout(timer);
      if (ownsDir) removeDataDir(dataDir);
    })());
  const host = env['HOST'] ?? '127.0.0.1';
  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${env['PORT'] ?? port}`,
    port: Number(env['PORT'] ?? port),
    dataDir,
    admin: adminOf(env),
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    kill,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Polls readiness; undefined once ready, or how the process exited before it was. */
async function untilReady(server: SpawnedServer, timeoutMs: number): Promise<Exit | undefined> {
  let exit: Exit | undefined;
  void server.exited.then((e) => (exit = e));
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (exit !== undefined) return exit;
    try {
      const res = await fetch(server.baseUrl + READINESS_PATH, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 && (await res.text()) === 'OK' && exit === undefined) return undefined;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (exit !== undefined) return exit;
  await server.kill('SIGKILL');
  throw new Error(`built server not ready within ${timeoutMs} ms; output:\n${server.stderr()}`);
}

/** Output kept for error reports and assertions; a long run keeps its latest part. */
function keepTail(text: string): string {
  return text.length > 1_000_000 ? text.slice(-500_000) : text;
}

/** Children still running when the test process exits are killed, so a failed test leaks nothing. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
