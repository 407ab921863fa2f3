import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@beacon/test-support';
import { stopProcess } from './stop-process.js';

const EXAMPLE_DIR = join(REPO_ROOT, 'examples/nestjs-greeter');

/** One app of examples/nestjs-greeter (built), as its own process on 127.0.0.1 and a free port. */
export class ExampleApp {
  private output = '';
  /** Nest re-raises the signal after its shutdown hooks, so a graceful stop ends with `signal: 'SIGTERM'`. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `dist/<app>/main.js` with `env` and resolves once it prints where it listens. */
  static async start(app: 'greeter' | 'caller', env: Record<string, string>): Promise<ExampleApp> {
    const main = join(EXAMPLE_DIR, 'dist', app, 'main.js');
    if (!existsSync(main)) throw new Error(`the example is not built (${main} is missing): run \`pnpm build\` first`);
    const child = spawn(process.execPath, [main], {
      cwd: EXAMPLE_DIR,
      env: { ...process.env, NO_COLOR: '1', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${app} did not listen in 20 s:\n${output}`)), 20_000);
      child.stdout!.on('data', () => {
        const match = new RegExp(`${app} listening on (http://[\\d.]+:\\d+)`).exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${app} exited with ${code}:\n${output}`));
      });
    });
    const started = new ExampleApp(app, child, url);
    started.output = output;
    child.stdout!.on('data', (chunk: Buffer) => (started.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (started.output += chunk.toString()));
    return started;
  }

  /** `ip:port`, as the app registers itself. */
  get address(): string {
    return new URL(this.url).host;
  }

  logs(): string {
    return this.output;
  }

  /** SIGKILL: a crash; nothing is deregistered, the beats just stop. */
  kill(): Promise<void> {
    return stopProcess(this.child, 'SIGKILL');
  }

  /** SIGTERM: Nest's shutdown hooks run, the app deregisters, then stops serving. */
  stop(): Promise<void> {
    return stopProcess(this.child, 'SIGTERM');
  }
}
