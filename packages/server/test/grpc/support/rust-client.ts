/**
 * A real Nacos 2.x client (nacos-sdk-rust, through nacos-sdk-rust-binding-node) in a child process,
 * driven from a test: it derives the gRPC port from the HTTP port (+1000), exactly as applications
 * using it do. Kill it with `kill('SIGKILL')` to play a crashed application.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NacosServiceInstance } from 'nacos-sdk-rust-binding-node';

const DRIVER = fileURLToPath(new URL('./rust-client-driver.mjs', import.meta.url));

/** The instance shape of the binding (its own type, so the harness cannot drift from it). */
export type NacosInstance = NacosServiceInstance;

export interface ClientOptions {
  /** `127.0.0.1:<HTTP port>`; the client adds 1000 for gRPC. */
  serverAddr: string;
  namespace?: string;
  username?: string;
  password?: string;
  /** The client ignores pushes of an empty list unless this is false (its default is true). */
  namingPushEmptyProtection?: boolean;
}

export interface Push {
  readonly key: string;
  readonly instances: NacosInstance[];
  /** Date.now() in the client process when the listener ran. */
  readonly at: number;
}

interface Reply {
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
  event?: string;
  key?: string;
  instances?: NacosInstance[];
  at?: number;
}

export class RustClient implements AsyncDisposable {
  readonly pushes: Push[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private readonly pushWaiters: { test: (p: Push) => boolean; resolve: (p: Push) => void }[] = [];
  private stderr = '';

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  static async start(options: ClientOptions): Promise<RustClient> {
    const child = spawn(process.execPath, [DRIVER, JSON.stringify({ namespace: '', ...options })], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', RUST_LOG: 'off' },
    });
    const client = new RustClient(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`client exited (${code}): ${client.stderr}`)));
    });
    return client;
  }

  register(service: string, group: string, instance: NacosInstance): Promise<void> {
    return this.call('register', [service, group, instance]) as Promise<void>;
  }
  deregister(service: string, group: string, instance: NacosInstance): Promise<void> {
    return this.call('deregister', [service, group, instance]) as Promise<void>;
  }
  batchRegister(service: string, group: string, instances: NacosInstance[]): Promise<void> {
    return this.call('batchRegister', [service, group, instances]) as Promise<void>;
  }
  getAllInstances(service: string, group: string): Promise<NacosInstance[]> {
    return this.call('getAllInstances', [service, group]) as Promise<NacosInstance[]>;
  }
  selectInstances(service: string, group: string): Promise<NacosInstance[]> {
    return this.call('selectInstances', [service, group]) as Promise<NacosInstance[]>;
  }
  selectOneHealthy(service: string, group: string): Promise<NacosInstance> {
    return this.call('selectOneHealthy', [service, group]) as Promise<NacosInstance>;
  }
  subscribe(service: string, group: string): Promise<void> {
    return this.call('subscribe', [service, group]) as Promise<void>;
  }

  /** The first push (already received or still to come) that satisfies `test`. */
  nextPush(test: (p: Push) => boolean, timeoutMs = 5000): Promise<Push> {
    const seen = this.pushes.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching push within ${timeoutMs} ms; got ${JSON.stringify(this.pushes)}`)),
        timeoutMs,
      );
      this.pushWaiters.push({
        test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    return exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill('SIGKILL');
  }

  private call(op: string, args: unknown[], timeoutMs = 15_000): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${op} got no answer within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`${op} failed: ${reply.error}`));
      });
      this.child.stdin!.write(JSON.stringify({ id, op, args }) + '\n');
    });
  }

  private onLine(line: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      return; // the binding's own logging
    }
    if (reply.event === 'push') {
      const push: Push = { key: reply.key ?? '', instances: reply.instances ?? [], at: reply.at ?? Date.now() };
      this.pushes.push(push);
      for (const waiter of [...this.pushWaiters]) {
        if (waiter.test(push)) {
          this.pushWaiters.splice(this.pushWaiters.indexOf(waiter), 1);
          waiter.resolve(push);
        }
      }
      return;
    }
    if (reply.id !== undefined) this.waiting.get(reply.id)?.(reply);
  }
}
