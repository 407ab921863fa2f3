import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/**
 * The engines of cluster mode for the bench: Debian's redis-server (no persistence) and a
 * PostgreSQL 15 in a temporary directory, on free loopback ports (initdb and pg_ctl run as the
 * `postgres` user when the bench runs as root, since they refuse root).
 */
export class ClusterEngines {
  private constructor(
    private readonly redis: ChildProcess,
    private readonly dir: string,
    readonly redisUrl: string,
    readonly databaseUrl: string,
  ) {}

  static async start(): Promise<ClusterEngines> {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-engines-'));
    const [redisPort, pgPort] = [await freePort(), await freePort()];
    const redis = spawn(
      '/usr/bin/redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    if (userInfo().uid === 0) chownSync(dir, uidOf('-u'), uidOf('-g'));
    asPostgres(`${POSTGRES_BIN}/initdb`, ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    asPostgres(`${POSTGRES_BIN}/pg_ctl`, [
      ...['-D', join(dir, 'data'), '-l', join(dir, 'pg.log'), '-w', 'start'],
      ...['-o', `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`],
    ]);
    for (let i = 0; i < 100; i++) {
      const ping = spawnSync('redis-cli', ['-p', String(redisPort), 'PING'], { encoding: 'utf8' });
      if (ping.stdout.trim() === 'PONG') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return new ClusterEngines(
      redis,
      dir,
      `redis://127.0.0.1:${redisPort}/0`,
      `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
    );
  }

  /** The redis-server process, for its CPU. */
  get redisPid(): number {
    return this.redis.pid!;
  }

  /** A node on these engines; cluster mode does not serve gRPC yet, so that face is off. */
  get env(): Record<string, string> {
    return { BEACON_REDIS_URL: this.redisUrl, BEACON_DATABASE_URL: this.databaseUrl, BEACON_GRPC_PORT: 'off' };
  }

  async stop(): Promise<void> {
    this.redis.kill('SIGKILL');
    asPostgres(`${POSTGRES_BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asPostgres(command: string, args: string[]): void {
  const root = userInfo().uid === 0;
  const result = spawnSync(root ? 'runuser' : command, root ? ['-u', 'postgres', '--', command, ...args] : args, {
    encoding: 'utf8',
    cwd: '/',
  });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
}

function uidOf(flag: '-u' | '-g'): number {
  return Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
