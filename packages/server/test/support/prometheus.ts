/**
 * Debian's real Prometheus for the tests that need one (HTTP SD, the example alert rules): one
 * process on a free 127.0.0.1 port with its config and data in a temporary directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@beacon/test-support';

/** The `prometheus` binary on PATH, or '' (the tests that need it are skipped). */
export const PROMETHEUS = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).stdout.trim();

export interface RunningPrometheus {
  readonly port: number;
  /** Its stdout and stderr so far, for a failing assertion's message. */
  output(): string;
  /** Whether the process is still up (a bad config makes it exit at once). */
  running(): boolean;
  /** SIGKILL, then its directory removed. */
  stop(): Promise<void>;
}

/** Starts Prometheus with `config` (YAML lines) as prometheus.yml; relative paths in it resolve in its directory. */
export async function startPrometheus(config: readonly string[]): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-prometheus-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), [...config, ''].join('\n'));
  const output: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  return {
    port,
    output: () => output.join(''),
    running: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
