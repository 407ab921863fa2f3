import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { loadConfig } from '../../src/config/config.js';

// There is no Docker engine on these machines: the deployment files are checked against the
// server's real configuration instead, and the healthcheck command is run against a real server.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const READINESS = '/nacos/v1/console/health/readiness';
const AUTH_VARIABLES = ['BEACON_AUTH', 'BEACON_ADMIN_PASSWORD', 'BEACON_TOKEN_SECRET'];

interface ComposeService {
  build?: unknown;
  image?: string;
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }>;
  ports?: string[];
  environment?: Record<string, string | number | null>;
  volumes?: string[];
  healthcheck?: { test?: string[] | string };
}
interface ComposeFile {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The environment variables loadConfig reads, found by letting it read an empty environment. */
function configVariables(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  return read;
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR-default}`, against the given shell environment. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?:(:?-)([^}]*))?\}/g, (_m, name: string, op: string | undefined, fallback = '') => {
    const set = shell[name];
    if (op === ':-') return set ? set : fallback;
    if (op === '-') return set ?? fallback;
    return set ?? '';
  });
}

function composeEnvironment(service: ComposeService, shell: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v === null ? '' : String(v), shell)]),
  );
}

/** Dockerfile instructions of the last stage, continuation lines joined. */
function dockerfileStages(text: string): { from: string; instructions: { op: string; args: string }[] }[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: { from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') stages.push({ from: args, instructions: [] });
    else stages[stages.length - 1]?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

/** Runs the compose healthcheck's command as Docker would inside the container; resolves with its exit code. */
function healthcheck(port: number): Promise<number> {
  const [cmd, program, ...programArgs] = beacon!.healthcheck!.test as string[];
  expect(cmd).toBe('CMD');
  expect(program).toBe('node');
  return promisify(execFile)(process.execPath, programArgs, { env: { ...process.env, PORT: String(port) } }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? 1,
  );
}

/** Root runs the server as `nobody` (as the image runs it as `node`); anyone else already is unprivileged. */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find(([name]) => name === 'nobody');
  if (!entry) throw new Error('no user nobody in /etc/passwd to run the server as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const beacon = compose.services?.['beacon'];

/** The KEY=VALUE lines of the .env file Compose reads next to docker-compose.yml. */
function dotEnv(): Record<string, string> {
  const path = join(ROOT, '.env');
  if (!existsSync(path)) return {};
  const entries = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/**
 * The services `docker compose [--profile p]... up` starts: the profiles given on the command line,
 * or else COMPOSE_PROFILES (from .env when the shell does not set it); a service runs when it has no
 * profile or one of the active ones (the Compose specification, "Profiles").
 */
function startedBy(flags: string[]): string[] {
  const active = flags.length > 0 ? flags : (dotEnv()['COMPOSE_PROFILES'] ?? '').split(',').map((p) => p.trim());
  return Object.entries(compose.services ?? {})
    .filter(([, s]) => s.profiles === undefined || s.profiles.some((p) => active.includes(p)))
    .map(([name]) => name)
    .sort();
}
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfileStages(dockerfile);
const runtime = stages[stages.length - 1]!;
const runtimeOps = (op: string) => runtime.instructions.filter((i) => i.op === op).map((i) => i.args);
const runtimeEnv = Object.fromEntries(
  runtimeOps('ENV').flatMap((args) =>
    [...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')]),
  ),
);

describe('docker-compose.yml', () => {
  it('starts one service with `docker compose up`, beacon, built from the Dockerfile', () => {
    expect(beacon).toBeDefined();
    expect(beacon?.build).toBeDefined();
    expect(startedBy([])).toEqual(['beacon']);
  });

  it('passes only variables the server reads, the auth settings among them', () => {
    const known = configVariables();
    const env = Object.keys(beacon?.environment ?? {});
    expect(env.filter((name) => !known.has(name))).toEqual([]);
    for (const name of AUTH_VARIABLES) {
      expect(known.has(name), `loadConfig reads ${name}`).toBe(true);
      expect(env, `compose passes ${name}`).toContain(name);
    }
  });

  it('is a valid configuration for the server as it stands, with auth on by default', () => {
    const config = loadConfig(composeEnvironment(beacon!));
    expect(config).toMatchObject({ port: 8848, authEnabled: true });
    expect(loadConfig(composeEnvironment(beacon!, { BEACON_AUTH: 'off' }))).toMatchObject({ authEnabled: false });
    // A password from the shell reaches the server.
    expect(loadConfig(composeEnvironment(beacon!, { BEACON_ADMIN_PASSWORD: 'correct-horse-battery' }))).toMatchObject({
      adminPassword: 'correct-horse-battery',
    });
  });

  it("publishes the server's port, 8848 by default, on the loopback interface only", () => {
    const port = loadConfig(composeEnvironment(beacon!)).port;
    expect(loadConfig({}).port).toBe(8848);
    expect(port).toBe(8848);
    expect(beacon?.ports).toContain(`127.0.0.1:${port}:${port}`);
    // Every published port: exposing one to other machines is the operator's explicit choice.
    for (const published of beacon?.ports ?? []) expect(published).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('publishes the Nacos 2.x gRPC port, PORT + 1000, where 2.x clients look for it', () => {
    const { port, grpcPort } = loadConfig(composeEnvironment(beacon!));
    expect(grpcPort).toBe(port + 1000);
    expect(beacon?.ports).toContain(`127.0.0.1:${grpcPort}:${grpcPort}`);
  });

  it('keeps the data directory in a named volume', () => {
    const dataDir = loadConfig(composeEnvironment(beacon!)).dataDir;
    const mounts = (beacon?.volumes ?? []).map((v) => v.split(':'));
    const data = mounts.find(([, target]) => target === dataDir);
    expect(data, `a volume mounted at ${dataDir}`).toBeDefined();
    const [volume] = data!;
    // A name (not a host path) that the file declares.
    expect(volume).toMatch(/^[\w-]+$/);
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('checks health on the readiness endpoint', () => {
    const test = beacon?.healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain(READINESS);
  });
});

describe('docker-compose.yml, cluster profile', () => {
  const services = compose.services ?? {};
  const inProfile = Object.entries(services).filter(([, s]) => s.profiles?.includes('cluster'));
  const nodes = inProfile.filter(([, s]) => s.build !== undefined);

  it('starts Redis, PostgreSQL and three Beacon nodes, and nothing else', () => {
    const cluster = ['beacon-node-1', 'beacon-node-2', 'beacon-node-3', 'postgres', 'redis'];
    expect(inProfile.map(([name]) => name).sort()).toEqual(cluster);
    expect(startedBy(['cluster'])).toEqual(cluster);
    expect(services['redis']?.image).toMatch(/^redis:/);
    expect(services['postgres']?.image).toMatch(/^postgres:15/);
    // Without the profile nothing changes: the single embedded node.
    expect(startedBy([])).toEqual(['beacon']);
  });

  it('puts every node in cluster mode on the two engines, with variables the server reads', () => {
    const known = configVariables();
    for (const [name, node] of nodes) {
      expect(
        Object.keys(node.environment ?? {}).filter((v) => !known.has(v)),
        name,
      ).toEqual([]);
      const config = loadConfig(composeEnvironment(node));
      expect(new URL(config.cluster!.redisUrl).hostname, name).toBe('redis');
      const database = new URL(config.cluster!.databaseUrl);
      expect(database.hostname, name).toBe('postgres');
      expect(database.username).toBe(String(services['postgres']?.environment?.['POSTGRES_USER']));
      expect(database.pathname).toBe(`/${String(services['postgres']?.environment?.['POSTGRES_DB'])}`);
      expect(Object.keys(node.depends_on ?? {}).sort(), name).toEqual(['postgres', 'redis']);
      expect(node.healthcheck?.test?.toString(), name).toContain(READINESS);
    }
  });

  it('publishes each node on its own loopback-only port, and its gRPC port at that port + 1000', () => {
    const published = nodes.map(([, node]) => {
      const { port, grpcPort } = loadConfig(composeEnvironment(node));
      const byTarget = new Map((node.ports ?? []).map((p) => [Number(p.split(':')[2]), p]));
      expect(byTarget.size).toBe(2);
      for (const p of byTarget.values()) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      const http = Number(byTarget.get(port)?.split(':')[1]);
      // Nacos 2.x clients add 1000 to the HTTP port they are given.
      expect(byTarget.get(grpcPort as number)).toBe(`127.0.0.1:${http + 1000}:${grpcPort}`);
      return http;
    });
    expect(new Set(published).size).toBe(3);
    for (const name of ['redis', 'postgres']) expect(services[name]?.ports, name).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs from a smaller one, on a supported Node LTS the project runs on', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const minimum = Number(/(\d+)/.exec(engines)![1]);
    const image = /NODE_IMAGE=(\S+)/.exec(dockerfile)?.[1] ?? '';
    const major = Number(/^node:(\d+)[-.]/.exec(image)?.[1]);
    // Even majors are the LTS lines; 20 reached its end of life in April 2026.
    expect(major % 2, image).toBe(0);
    expect(major).toBeGreaterThanOrEqual(Math.max(22, minimum));
    expect(image).toMatch(/-slim$/);
  });

  it('installs the pnpm version the repository pins', () => {
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string })
      .packageManager;
    expect(dockerfile).toContain(`npm install -g ${pinned}`);
  });

  it('runs the runtime tree that scripts/build-runtime-tree.sh lays out, and nothing else', () => {
    const cmd = JSON.parse(runtimeOps('CMD').at(-1)!) as string[];
    expect(cmd).toEqual(['node', 'packages/server/dist/main.js']);
    const build = stages[stages.length - 2]!;
    const tree = build.instructions
      .filter((i) => i.op === 'RUN')
      .map((i) => /scripts\/build-runtime-tree\.sh\s+(\S+)/.exec(i.args)?.[1])
      .find(Boolean);
    expect(tree, 'the build stage runs scripts/build-runtime-tree.sh').toBeDefined();
    expect(runtimeOps('COPY')).toEqual([`--from=build ${tree} ./`]);
    expect(runtimeOps('WORKDIR')).toEqual(['/app']);
    expect(runtimeOps('USER')).toEqual(['node']);
  });

  it('agrees with compose on port, data directory and health endpoint', () => {
    expect(runtimeOps('EXPOSE').join(' ')).toMatch(/\b8848\b.*\b9848\b/);
    expect(runtimeEnv['PORT']).toBe('8848');
    expect(runtimeEnv['BEACON_DATA_DIR']).toBe(loadConfig(composeEnvironment(beacon!)).dataDir);
    expect(runtimeOps('VOLUME').join(' ')).toContain(runtimeEnv['BEACON_DATA_DIR']);
    expect(runtimeOps('HEALTHCHECK').join(' ')).toContain(READINESS);
  });

  it('leaves host build output, dependencies, end-to-end tests, logs and env files out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split(/\r?\n/);
    for (const pattern of [
      '**/node_modules',
      '**/dist',
      'data',
      '.git',
      'e2e',
      '**/*.log',
      'logs',
      '.env',
      '**/.env.*',
    ]) {
      expect(ignored).toContain(pattern);
    }
  });
});

describe('the compose healthcheck against a real server started with the compose settings', () => {
  let server: InProcessServer | undefined;
  let port: number;

  beforeAll(async () => {
    server = await startInProcessServer({
      env: {
        ...composeEnvironment(beacon!, { BEACON_ADMIN_PASSWORD: 'compose-test-password' }),
        BEACON_LOG_LEVEL: 'error',
      },
    });
    port = server.port;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('passes: the readiness endpoint answers without credentials while auth is on', async () => {
    expect(await healthcheck(port)).toBe(0);
    const response = await fetch(`http://127.0.0.1:${port}${READINESS}`);
    expect(response.status).toBe(200);
  });

  it('fails when nothing answers on the port', async () => {
    expect(await healthcheck(1)).toBe(1);
  });
});

describe("the image's runtime tree, built as the Dockerfile builds it, started as a non-root user", () => {
  let root: string;
  let app: string;
  let dataDir: string;
  let port: number;
  let server: ChildProcess | undefined;
  let output = '';
  const user = unprivilegedUser();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'beacon-runtime-'));
    chmodSync(root, 0o755); // the unprivileged user must reach the tree
    app = join(root, 'app');
    await promisify(execFile)('sh', ['scripts/build-runtime-tree.sh', app], { cwd: ROOT }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        // The script's own words, not just "Command failed".
        throw new Error(`scripts/build-runtime-tree.sh failed:\n${error.stderr ?? ''}${error.stdout ?? ''}`);
      },
    );
    dataDir = join(root, 'data');
    mkdirSync(dataDir);
    if (user) chownSync(dataDir, user.uid, user.gid);
    port = await freePort();
    // The image's CMD in its WORKDIR, with the image's and compose's environment; loopback and a
    // temporary data dir instead of 0.0.0.0 and /data.
    const [program, ...args] = JSON.parse(runtimeOps('CMD').at(-1)!) as string[];
    expect(program).toBe('node');
    server = spawn(process.execPath, args, {
      cwd: app,
      env: {
        PATH: process.env['PATH'] ?? '',
        ...runtimeEnv,
        ...composeEnvironment(beacon!, { BEACON_ADMIN_PASSWORD: 'runtime-tree-password' }),
        PORT: String(port),
        HOST: '127.0.0.1',
        BEACON_DATA_DIR: dataDir,
        NO_COLOR: '1',
      },
      ...(user ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 30_000;
    while ((await healthcheck(port)) !== 0) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`runtime tree did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('holds the built server with production dependencies only, and the built console', () => {
    const serverDir = join(app, 'packages', 'server');
    expect(readdirSync(app).sort()).toEqual(['apps', 'packages']);
    expect(existsSync(join(serverDir, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'apps', 'console', 'dist', 'index.html'))).toBe(true);
    // grpc/nacos-proto.ts loads the Nacos 2.x proto from packages/server/proto at run time.
    expect(existsSync(join(serverDir, 'proto', 'nacos_grpc_service.proto'))).toBe(true);
    expect(existsSync(join(serverDir, 'src'))).toBe(false);
    expect(existsSync(join(serverDir, 'test'))).toBe(false);
    const installed = readdirSync(join(serverDir, 'node_modules', '.pnpm'));
    for (const needed of ['@nestjs+core@', 'fastify@', 'better-sqlite3@', '@beacon+core@']) {
      expect(
        installed.some((name) => name.startsWith(needed)),
        needed,
      ).toBe(true);
    }
    const buildOnly =
      /^(typescript|react|react-dom|@tanstack\+|vite|vitest|@vitejs\+|@types\+|eslint|prettier|@swc\+|openapi-typescript|playwright|@playwright\+|fast-check|nacos-naming)@/;
    expect(installed.filter((name) => buildOnly.test(name))).toEqual([]);
  });

  it('runs as a non-root user and serves the API and the console', async () => {
    const status = readFileSync(`/proc/${server!.pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).not.toBe(0);
    expect(statSync(join(dataDir, 'beacon.db')).uid).toBe(uid);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // Where Nacos users look for it, without credentials though auth is on.
    const nacosConsole = await fetch(`http://127.0.0.1:${port}/nacos/`);
    expect(nacosConsole.url).toBe(`http://127.0.0.1:${port}/`);
    expect(nacosConsole.headers.get('content-type')).toContain('text/html');
    const anonymous = await fetch(`http://127.0.0.1:${port}/nacos/v1/ns/instance/list?serviceName=x`);
    expect(anonymous.status).toBe(403); // auth is on, as compose sets it
  });

  it('passes the compose healthcheck', async () => {
    expect(await healthcheck(port)).toBe(0);
  });
});
