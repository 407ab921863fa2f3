import { makeDataDir, removeDataDir, spawnServer, type SpawnedServer } from '@beacon/test-support';
import { RawHttp } from './raw-http.js';

export { freePort } from '@beacon/test-support';

export interface FaultServerOptions {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
}

/**
 * The built server in a child process (`spawnServer` of @beacon/test-support), auth off, that
 * a test can `kill -9`, freeze with SIGSTOP and resume with SIGCONT. Readiness is polled every
 * 20 ms so that "back within one beat interval" is measured from the moment the server answers.
 */
export class FaultServer {
  readonly http: RawHttp;
  /** When the server first answered UP. */
  readyAt = 0;

  private constructor(
    readonly options: FaultServerOptions,
    private readonly process: SpawnedServer,
  ) {
    this.http = new RawHttp('127.0.0.1', options.port, 5_000);
  }

  static async start(options: FaultServerOptions, timeoutMs = 20_000): Promise<FaultServer> {
    const process = await spawnServer({
      dataDir: options.dataDir,
      port: options.port,
      env: { BEACON_AUTH: 'off', ...options.env },
      waitUntilReady: false,
    });
    const server = new FaultServer(options, process);
    try {
      await server.ready(timeoutMs);
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  private async ready(timeoutMs: number): Promise<void> {
    let exited = false;
    void this.process.exited.then(() => (exited = true));
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !exited;) {
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
    throw new Error(`server not ready (exited: ${exited}); stderr:\n${this.process.stderr()}`);
  }

  async kill9(): Promise<void> {
    await this.process.kill('SIGKILL');
  }

  stop(): void {
    this.process.child.kill('SIGSTOP');
  }

  cont(): void {
    this.process.child.kill('SIGCONT');
  }

  /** Ends the process whatever its state (a stopped process gets SIGCONT first so that it can die). */
  async close(): Promise<void> {
    this.http.close();
    if (this.process.child.exitCode === null && this.process.child.signalCode === null) this.cont();
    await this.process.kill('SIGKILL');
  }
}

export function tempDataDir(): { path: string; remove(): void } {
  const path = makeDataDir();
  return { path, remove: () => removeDataDir(path) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
