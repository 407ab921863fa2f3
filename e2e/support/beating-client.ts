import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './stop-process.js';

/** One line the client process printed: an SDK event with its payload. */
export interface ClientEvent {
  readonly event: string;
  readonly at: number;
  readonly intervalMs?: number;
  readonly previousMs?: number;
  readonly code?: number;
  readonly message?: string;
}

export interface ClientConfig {
  readonly baseUrl: string;
  readonly serviceName: string;
  readonly groupName?: string;
  readonly ip: string;
  readonly port: number;
  readonly metadata?: Record<string, string>;
}

const CLIENT_SCRIPT = fileURLToPath(new URL('./sdk-client.mjs', import.meta.url));

/**
 * A registering, beating client in its own Node process, so a test can kill it like a crashed
 * application. Its events arrive as JSON lines on stdout.
 */
export class BeatingClient {
  readonly events: ClientEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        try {
          this.events.push(JSON.parse(line) as ClientEvent);
        } catch {
          this.stderr += `${line}\n`;
        }
        for (const waiter of [...this.waiters]) waiter();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static start(config: ClientConfig): BeatingClient {
    const child = spawn(process.execPath, [CLIENT_SCRIPT, JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new BeatingClient(child);
  }

  /** Resolves with the first event, from index `from` on, that matches; fails after `timeoutMs`. */
  waitFor(predicate: (e: ClientEvent) => boolean, timeoutMs: number, from = 0): Promise<ClientEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(from).find(predicate);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`no matching client event within ${timeoutMs} ms; events:\n${this.describe()}\n${this.stderr}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Registers the instance again, as an application restarting its registration would. */
  reregister(): void {
    this.child.stdin!.write('reregister\n');
  }

  /** SIGKILL: no deregistration, the beats just stop. */
  async kill(): Promise<void> {
    await stopProcess(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await stopProcess(this.child);
  }

  describe(): string {
    return this.events.map((e) => JSON.stringify(e)).join('\n');
  }
}
