import { ADMIN, REPO_ROOT, spawnServer, type SpawnedServer } from '@beacon/test-support';
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
  /**
   * Auth on, as Beacon starts by default, with the test admin and BENCH_USER: every request of the
   * scenario then carries `accessToken`, BENCH_USER's token.
   */
  auth?: boolean;
}

/** The user a scenario with auth on beats as: not an admin, allowed to write the namespace. */
export const BENCH_USER = { username: 'bench-app', password: 'bench-app-Passw0rd', resource: 'public:*:*' } as const;

/**
 * The built server (`node packages/server/dist/main.js`) in its own process, started by the shared
 * launcher (@beacon/test-support) on 127.0.0.1 and a free port, with auth off and a fresh data
 * directory, plus the probe hook for the runner.
 */
export class BeaconServer {
  private nextId = 1;
  /** The Nacos 2.x gRPC port, as the server logged it at start. */
  readonly grpcPort: number | undefined;
  /** With auth on: BENCH_USER's token, for every request a scenario sends. */
  accessToken: string | undefined;

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
        BEACON_ADMIN_PASSWORD: options.auth ? ADMIN.password : undefined,
        BEACON_TOKEN_SECRET: undefined,
        ...(options.auth ? { BEACON_AUTH: 'on' } : {}),
        ...options.env,
      },
    });
    const beacon = new BeaconServer(server);
    try {
      if (options.auth) beacon.accessToken = await beacon.benchUserToken();
    } catch (error) {
      await beacon.stop();
      throw error;
    }
    return beacon;
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

  /**
   * A token of BENCH_USER, an application's account as an operator would set it up: a role with
   * read-write permission on the `public` namespace (so every request also resolves a permission,
   * which an admin's would skip). Created through the Nacos auth API with the admin's token.
   */
  private async benchUserToken(): Promise<string> {
    const admin = await this.login(ADMIN.username, ADMIN.password);
    const role = 'bench-role';
    await this.post('/nacos/v1/auth/users', { username: BENCH_USER.username, password: BENCH_USER.password }, admin);
    await this.post('/nacos/v1/auth/roles', { role, username: BENCH_USER.username }, admin);
    await this.post('/nacos/v1/auth/permissions', { role, resource: BENCH_USER.resource, action: 'rw' }, admin);
    return this.login(BENCH_USER.username, BENCH_USER.password);
  }

  private async login(username: string, password: string): Promise<string> {
    const reply = (await this.post('/nacos/v1/auth/login', { username, password })) as { accessToken?: string };
    if (typeof reply.accessToken !== 'string') throw new Error(`login of ${username} gave no token`);
    return reply.accessToken;
  }

  private async post(path: string, params: Record<string, string>, accessToken?: string): Promise<unknown> {
    const body = new URLSearchParams({ ...params, ...(accessToken ? { accessToken } : {}) });
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, { method: 'POST', body });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
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
