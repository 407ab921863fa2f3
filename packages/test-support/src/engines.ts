/**
 * Real engines for cluster mode, for tests and the bench: a `redis-server` and a PostgreSQL 15 cluster, each in its own
 * temporary directory on a free 127.0.0.1 port, stopped (and removed) by `close()`.
 *
 * PostgreSQL's `initdb` and `pg_ctl` refuse to run as root, so when the tests run as root they run
 * as the `postgres` user (`runuser -u postgres --`), which is given the temporary directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

// ---- Redis -----------------------------------------------------------------------------------------

export interface RedisEngine extends AsyncDisposable {
  readonly port: number;
  /** The running redis-server's process id (the bench samples its CPU). */
  readonly pid: number | undefined;
  readonly url: string;
  /** Kills the server (SIGKILL: nothing saved) and starts a new, empty one on the same port. */
  restartEmpty(): Promise<void>;
  /** Kills the server; `start()` brings one back (empty unless started `persistent`). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisOptions {
  /** Keep data across `stop()` + `start()` (append-only file, fsync always): an outage, not a loss. */
  readonly persistent?: boolean;
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisEngine> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'beacon-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    const proc = spawn(
      REDIS_SERVER,
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
        ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    await waitFor(`redis-server on ${port}`, () => redisAnswers(port));
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  const close = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  await start();
  return {
    port,
    get pid() {
      return child?.pid;
    },
    url: `redis://127.0.0.1:${port}/0`,
    start,
    stop,
    restartEmpty: async () => {
      await stop();
      await start();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function redisAnswers(port: number): boolean {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' });
  return result.stdout.trim() === 'PONG';
}

// ---- PostgreSQL ------------------------------------------------------------------------------------

export interface PostgresEngine extends AsyncDisposable {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  readonly url: string;
  /** A fresh database on this server, for a test that wants its own. */
  createDatabase(name: string): string;
  /** Stops the server (fast: connections are cut); `start()` brings it back with its data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresEngine> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'beacon-pg-'));
  const dataDir = join(dir, 'data');
  if (userInfo().uid === 0) chownSync(dir, postgresUid(), postgresGid());
  run(`${POSTGRES_BIN}/initdb`, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);

  const start = async () => {
    run(`${POSTGRES_BIN}/pg_ctl`, [
      '-D',
      dataDir,
      '-l',
      join(dir, 'server.log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      '-w',
      'start',
    ]);
  };
  const stop = async () => {
    run(`${POSTGRES_BIN}/pg_ctl`, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], true);
  };
  const close = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    createDatabase: (name) => {
      run(`${POSTGRES_BIN}/createdb`, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    start,
    stop,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Runs a PostgreSQL tool, as `postgres` when we are root. */
function run(command: string, args: string[], tolerateFailure = false): void {
  const asRoot = userInfo().uid === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', cwd: '/' });
  if (result.status !== 0 && !tolerateFailure) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
  }
}

function postgresUid(): number {
  return Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
}

function postgresGid(): number {
  return Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
}

async function waitFor(what: string, ready: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
