import { REPO_ROOT, spawnServer, type SpawnedServer } from '@beacon/test-support';
import { nextMessage } from '../process/node-process.js';
import { sampleProcess, type ProcSample } from '../process/proc-stats.js';
import type { ProbeReport } from './probe-hook.js';

export { REPO_ROOT };
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
 * The built server (`node packages/server/dist/main.js`) in its own process, started by the shared
 * launcher (@beacon/test-support) on 127.0.0.1 and a free port, with auth off and a fresh data
 * directory, plus the probe hook for the runner.
 */
export class BeaconServer {
  private nextId = 1;
  /** The Nacos 2.x gRPC port, as the server logged it at start. */
  readonly grpcPort: number | undefined;

  private constructor(private readonly server: SpawnedServer) {
    this.grpcPort = grpcPortOf(server.stdout());
  }

  static async start(options: BeaconServerOptions = {}): Promise<BeaconServer> {
    const server = await spawnServer({
      ...(options.main !== undefined ? { main: options.main } : {}),
      ...(options.cpu !== undefined ? { cpu: options.cpu } : {}),
      execArgv: ['--import', PROBE_HOOK, ...(options.exposeGc ? ['--expose-gc'] : [])],
      ipc: true,
      readyTimeoutMs: 60_000,
      env: {
        BEACON_LOG_LEVEL: 'log',
        // The server as measured before the shared launcher: no admin is created (no scrypt at start)
        // and the token secret is generated, as on a first start with auth off.
        BEACON_ADMIN_PASSWORD: undefined,
        BEACON_TOKEN_SECRET: undefined,
        ...options.env,
      },
    });
    return new BeaconServer(server);
  }

  get port(): number {
    return this.server.port;
  }

  get pid(): number {
    return this.server.child.pid!;
  }

  /** The last lines the server printed, for error reports. */
  get recentOutput(): string {
    return (this.server.stdout() + this.server.stderr()).slice(-20_000);
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

  stop(): Promise<void> {
    return this.server.close();
  }

  private ask<T>(request: { type: string; [key: string]: unknown }): Promise<T> {
    const id = this.nextId++;
    const answer = nextMessage(
      this.server.child,
      (m): m is T => (m as { type?: string; id?: number })?.type === request.type && (m as { id?: number }).id === id,
      60_000,
    );
    this.server.child.send({ ...request, id });
    return answer;
  }
}

/** The gRPC port from the server's start-up log line ("Nacos 2.x gRPC on <host>:<port>"). */
function grpcPortOf(log: string): number | undefined {
  const match = /Nacos 2\.x gRPC on \S+:(\d+)/.exec(log);
  return match ? Number(match[1]) : undefined;
}
