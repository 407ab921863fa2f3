import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawHttp } from './raw-http.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const MAIN = join(ROOT, 'packages/server/dist/main.js');

/** Builds the server (incremental `tsc -b`: a no-op when dist is current) so faults hit today's code. */
export function buildServer(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: ROOT, stdio: 'pipe' });
  if (!existsSync(MAIN)) throw new Error(`no ${MAIN} after tsc -b`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface SpawnOptions {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
}

const alive = new Set<ChildProcess>();

/**
 * The built server (`node packages/server/dist/main.js`) as a real process on 127.0.0.1, with
 * auth off, so that tests can `kill -9`, SIGSTOP and SIGCONT it.
 */
export class SpawnedServer {
  readonly http: RawHttp;
  /** When the server first answered; set by `ready()`. */
  readyAt = 0;
  private output = '';
  private exited: Promise<void>;

  private constructor(
    readonly options: SpawnOptions,
    private readonly proc: ChildProcess,
  ) {
    this.http = new RawHttp('127.0.0.1', options.port, 5_000);
    proc.stdout?.on('data', (d: Buffer) => this.record(d));
    proc.stderr?.on('data', (d: Buffer) => this.record(d));
    alive.add(proc);
    this.exited = new Promise((resolve) =>
      proc.once('exit', () => {
        alive.delete(proc);
        resolve();
      }),
    );
  }

  static async start(options: SpawnOptions, timeoutMs = 20_000): Promise<SpawnedServer> {
    const proc = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(options.port),
        BEACON_DATA_DIR: options.dataDir,
        BEACON_AUTH: 'off',
        BEACON_LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new SpawnedServer(options, proc);
    await server.ready(timeoutMs);
    return server;
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get logs(): string {
    return this.output;
  }

  /** Polls until the naming face answers UP; records the moment. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`server exited (${this.proc.exitCode}):\n${this.output}`);
      try {
        const res = await this.http.send({ method: 'GET', path: '/nacos/v1/ns/operator/metrics' });
        if (res.status === 200 && (JSON.parse(res.body) as { status: string }).status === 'UP') {
          this.readyAt = Date.now();
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`server not ready in ${timeoutMs} ms:\n${this.output}`);
  }

  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  stop(): void {
    this.proc.kill('SIGSTOP');
  }

  cont(): void {
    this.proc.kill('SIGCONT');
  }

  /** Ends the process whatever its state (a stopped process gets SIGCONT so that it can die). */
  async close(): Promise<void> {
    this.http.close();
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGCONT');
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  private record(data: Buffer): void {
    this.output = (this.output + data.toString('utf8')).slice(-20_000);
  }
}

/** Kills every server this test process spawned and did not close (for afterAll). */
export function killAllSpawned(): void {
  for (const proc of alive) {
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
  }
}

export function tempDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'beacon-faults-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
