/**
 * Redis made highly available with Sentinel, for the failover test: a primary, a replica and three
 * sentinels (`redis-sentinel`, Debian's package), each its own process on a free 127.0.0.1 port in
 * one temporary directory, all stopped (and removed) by `close()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@beacon/test-support';

export const REDIS_SENTINEL = '/usr/bin/redis-sentinel';
export const MASTER_NAME = 'beacon';
/** How long the sentinels wait before they call the primary down (then elect, then promote). */
export const DOWN_AFTER_MS = 1000;

export const sentinelAvailable = (): boolean => existsSync(REDIS_SENTINEL) && existsSync('/usr/bin/redis-server');

export interface SentinelSet extends AsyncDisposable {
  /** `redis+sentinel://…/beacon`, BEACON_REDIS_URL for the nodes. */
  readonly url: string;
  readonly primaryPort: number;
  readonly replicaPort: number;
  /** The port the sentinels now name as the master. */
  master(): string | undefined;
  /** kill -9 (or another signal: SIGSTOP, SIGCONT) of the process serving `port`. */
  kill(port: number, signal?: NodeJS.Signals): void;
  close(): Promise<void>;
}

export async function startSentinels(): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const server = (port: number, args: string[]) => {
    const child = spawn(
      '/usr/bin/redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
      { stdio: 'ignore' },
    );
    children.set(port, child);
  };
  const [primaryPort, replicaPort, ...sentinelPorts] = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  server(primaryPort!, []);
  await until(() => cli(primaryPort!, 'PING') === 'PONG');
  server(replicaPort!, ['--replicaof', '127.0.0.1', String(primaryPort)]);
  await until(() => cli(replicaPort!, 'INFO', 'replication').includes('master_link_status:up'));
  for (const port of sentinelPorts) {
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${MASTER_NAME} 5000`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    children.set(port, spawn(REDIS_SENTINEL, [conf], { stdio: 'ignore' }));
  }
  const master = () => {
    const reply = cli(sentinelPorts[0]!, 'SENTINEL', 'get-master-addr-by-name', MASTER_NAME).split('\n');
    return reply[1]?.trim() || undefined;
  };
  // Every sentinel knows the replica and the others: a failover can then be agreed on.
  await until(() =>
    sentinelPorts.every((p) => {
      const info = cli(p, 'SENTINEL', 'master', MASTER_NAME);
      return /num-slaves\n1\n/.test(info) && /num-other-sentinels\n2\n/.test(info);
    }),
  );
  const close = async () => {
    await Promise.all(
      [...children.values()].map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${MASTER_NAME}`,
    primaryPort: primaryPort!,
    replicaPort: replicaPort!,
    master,
    kill: (port, signal = 'SIGKILL') => children.get(port)?.kill(signal),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function cli(port: number, ...args: string[]): string {
  return (
    spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).stdout?.trim() ?? ''
  );
}

async function until(ready: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`Redis Sentinel set-up did not get ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
