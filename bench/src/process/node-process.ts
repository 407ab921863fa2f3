import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface NodeProcessOptions {
  /** Pin the process (all its threads) to this CPU with taskset, when available. */
  cpu?: number | undefined;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the child's stdout and stderr go: piped (to read them) or inherited. */
  output?: 'pipe' | 'inherit' | 'ignore';
}

const TASKSET = '/usr/bin/taskset';

export function canPin(): boolean {
  return existsSync(TASKSET);
}

/**
 * Starts `node <script>` with an IPC channel. Pinning goes through taskset, which execs node in
 * place, so the child's pid is node's pid and /proc readings are the server's own.
 */
export function spawnNode(script: string, args: string[], options: NodeProcessOptions = {}): ChildProcess {
  const nodeArgs = [...(options.execArgv ?? []), script, ...args];
  const pin = options.cpu !== undefined && canPin();
  const output = options.output ?? 'inherit';
  return spawn(
    pin ? TASKSET : process.execPath,
    pin ? ['-c', String(options.cpu), process.execPath, ...nodeArgs] : nodeArgs,
    {
      stdio: ['ignore', output, output, 'ipc'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    },
  );
}

/** Resolves with the first IPC message accepted by `match`, or rejects when the child exits first. */
export function nextMessage<T>(
  child: ChildProcess,
  match: (message: unknown) => message is T,
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!match(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${signal ?? code}) before answering`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Stops a child we started: SIGTERM, then SIGKILL if it lingers. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
