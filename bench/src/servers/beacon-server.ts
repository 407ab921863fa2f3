import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextMessage, spawnNode, stopProcess } from '../process/node-process.js';
import { sampleProcess, type ProcSample } from '../process/proc-stats.js';
import type { ProbeReport } from './probe-hook.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
const PROBE_HOOK = new URL('./probe-hook.js', import.meta.url).href;

export interface BeaconServerOptions {
  cpu?: number | undefined;
  /** The server's entry point; the workspace build by default. */
  main?: string | undefined;
  /** Start with --expose-gc so that memory can be read after a full collection. */
  exposeGc?: boolean;
  env?: Record<string, string>;
}

/**
 * The built server (`node packages/server/dist/main.js`) in its own process, on 127.0.0.1 and a
 * random port, with auth off and a fresh data directory, plus the probe hook for the runner.
 */
export class BeaconServer {
  private nextId = 1;
  private readonly output: string[] = [];
  /** The Nacos 2.x gRPC port, as the server logged it at start. */
  grpcPort: number | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(options: BeaconServerOptions = {}): Promise<BeaconServer> {
    const main = options.main ?? SERVER_MAIN;
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first`);
    const dataDir = mkdtempSync(join(tmpdir(), 'beacon-bench-'));
    const child = spawnNode(main, [], {
      cpu: options.cpu,
      execArgv: ['--import', PROBE_HOOK, ...(options.exposeGc ? ['--expose-gc'] : [])],
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        BEACON_AUTH: 'off',
        BEACON_DATA_DIR: dataDir,
        BEACON_LOG_LEVEL: 'log',
        NO_COLOR: '1',
        ...options.env,
      },
      output: 'pipe',
    });
    const lines: string[] = [];
    let grpcPort: number | undefined;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
        const scan = (chunk: Buffer) => {
          for (const line of chunk.toString('utf8').split('\n')) {
            if (line.trim() !== '') lines.push(line);
            const grpc = /Nacos 2\.x gRPC on \S+:(\d+)/.exec(line);
            if (grpc) grpcPort = Number(grpc[1]);
            const match = /listening on http:\/\/[^\s:]+:(\d+)/.exec(line);
            if (match) {
              clearTimeout(timer);
              resolve(Number(match[1]));
            }
          }
        };
        child.stdout!.on('data', scan);
        child.stderr!.on('data', scan);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`server exited (${code}) before listening:\n${lines.slice(-20).join('\n')}`));
        });
      });
      const server = new BeaconServer(child, dataDir, port);
      server.grpcPort = grpcPort;
      // Keep draining the pipes (a full pipe would block the server); keep the tail for errors.
      const keep = (chunk: Buffer) => {
        server.output.push(chunk.toString('utf8'));
        if (server.output.length > 50) server.output.shift();
      };
      child.stdout!.removeAllListeners('data').on('data', keep);
      child.stderr!.removeAllListeners('data').on('data', keep);
      return server;
    } catch (error) {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last lines the server printed, for error reports. */
  get recentOutput(): string {
    return this.output.join('');
  }

  sample(): ProcSample {
    return sampleProcess(this.pid);
  }

  probe(): Promise<ProbeReport> {
    return this.ask<{ report: ProbeReport }>({ type: 'probe' }).then((m) => m.report);
  }

  /** Memory after full collections; needs `exposeGc`. */
  async collectGarbage(): Promise<ProbeReport> {
    const reply = await this.ask<{ report: ProbeReport; collected: boolean }>({ type: 'gc' });
    if (!reply.collected) throw new Error('server was not started with --expose-gc');
    return reply.report;
  }

  async startProfile(): Promise<void> {
    await this.ask({ type: 'profile-start' });
  }

  async stopProfile(file: string): Promise<void> {
    const reply = await this.ask<{ error?: string }>({ type: 'profile-stop', file });
    if (reply.error) throw new Error(`profiling failed: ${reply.error}`);
  }

  async stop(): Promise<void> {
    await stopProcess(this.child);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private ask<T>(request: { type: string; [key: string]: unknown }): Promise<T> {
    const id = this.nextId++;
    const answer = nextMessage(
      this.child,
      (m): m is T => (m as { type?: string; id?: number })?.type === request.type && (m as { id?: number }).id === id,
      60_000,
    );
    this.child.send({ ...request, id });
    return answer;
  }
}
