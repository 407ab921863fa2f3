import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
const CONSOLE_INDEX = join(REPO_ROOT, 'apps/console/dist/index.html');

export interface BeaconServer {
  readonly baseUrl: string;
  /** Everything the server printed, for failure reports. */
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the BUILT server (which serves the built console) as its own process on 127.0.0.1 and a
 * free port, with a fresh data directory; resolves once it listens.
 */
export async function startBeaconServer(env: Record<string, string> = {}): Promise<BeaconServer> {
  for (const [file, what] of [
    [SERVER_MAIN, 'server'],
    [CONSOLE_INDEX, 'console'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`the ${what} is not built (${file} is missing): run \`pnpm build\` first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-e2e-'));
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      BEACON_DATA_DIR: dataDir,
      BEACON_AUTH: 'off',
      // Active health checks never leave the machine: a slip fails instead.
      BEACON_HEALTH_CHECK_ALLOW: '127.0.0.0/8',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const onData = () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  return {
    baseUrl,
    output: () => output,
    async stop() {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
