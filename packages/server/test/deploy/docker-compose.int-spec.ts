import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createBeaconApp } from '../../src/app.js';
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

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const beacon = compose.services?.['beacon'];
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
  it('has one service without a profile, beacon, built from the Dockerfile', () => {
    expect(beacon).toBeDefined();
    expect(beacon?.build).toBeDefined();
    const always = Object.entries(compose.services ?? {}).filter(([, s]) => s.profiles === undefined);
    expect(always.map(([name]) => name)).toEqual(['beacon']);
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

  it("publishes the server's port, 8848 by default", () => {
    const port = loadConfig(composeEnvironment(beacon!)).port;
    expect(loadConfig({}).port).toBe(8848);
    expect(port).toBe(8848);
    expect(beacon?.ports).toContain(`${port}:${port}`);
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

  it('adds Redis, PostgreSQL and three Beacon nodes, only under the profile', () => {
    expect(inProfile.map(([name]) => name).sort()).toEqual(
      ['beacon-node-1', 'beacon-node-2', 'beacon-node-3', 'postgres', 'redis'].sort(),
    );
    expect(services['redis']?.image).toMatch(/^redis:/);
    expect(services['postgres']?.image).toMatch(/^postgres:15/);
    // Without the profile nothing changes: the single embedded node.
    expect(beacon?.profiles).toBeUndefined();
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

  it('publishes each node on its own loopback-only port', () => {
    const ports = nodes.flatMap(([, node]) => node.ports ?? []);
    expect(ports).toHaveLength(3);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:8848$/);
    expect(new Set(ports).size).toBe(3);
    for (const name of ['redis', 'postgres']) expect(services[name]?.ports, name).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs from a smaller one, on the Node major the project needs', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const major = /(\d+)/.exec(engines)![1];
    const image = /NODE_IMAGE=(\S+)/.exec(dockerfile)?.[1] ?? '';
    expect(image).toMatch(new RegExp(`^node:${major}[-.]`));
  });

  it('installs the pnpm version the repository pins', () => {
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string })
      .packageManager;
    expect(dockerfile).toContain(`npm install -g ${pinned}`);
  });

  it('runs the built server with the console next to it, where the server looks for it', () => {
    const cmd = JSON.parse(runtimeOps('CMD').at(-1)!) as string[];
    expect(cmd).toEqual(['node', 'packages/server/dist/main.js']);
    const copied = runtimeOps('COPY').map((args) => args.split(/\s+/).at(-1)!);
    expect(copied).toContain('./apps/console/dist');
    expect(copied).toContain('./packages/server/dist');
    // serve-console.ts resolves apps/console/dist relative to packages/server/dist/console.
    expect(posix.normalize('packages/server/dist/console/../../../../apps/console/dist')).toBe('apps/console/dist');
  });

  it('agrees with compose on port, data directory and health endpoint', () => {
    expect(runtimeOps('EXPOSE')).toContain('8848');
    expect(runtimeEnv['PORT']).toBe('8848');
    expect(runtimeEnv['BEACON_DATA_DIR']).toBe(loadConfig(composeEnvironment(beacon!)).dataDir);
    expect(runtimeOps('VOLUME').join(' ')).toContain(runtimeEnv['BEACON_DATA_DIR']);
    expect(runtimeOps('HEALTHCHECK').join(' ')).toContain(READINESS);
  });

  it('leaves host build output and dependencies out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split(/\r?\n/);
    for (const pattern of ['**/node_modules', '**/dist', 'data', '.git']) expect(ignored).toContain(pattern);
  });
});

describe('the compose healthcheck against a real server started with the compose settings', () => {
  let app: NestFastifyApplication;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'beacon-compose-'));
    const env = {
      ...composeEnvironment(beacon!, { BEACON_ADMIN_PASSWORD: 'compose-test-password' }),
      PORT: '0',
      HOST: '127.0.0.1',
      BEACON_DATA_DIR: dataDir,
      BEACON_LOG_LEVEL: 'error',
    };
    app = await createBeaconApp(loadConfig(env));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes: the readiness endpoint answers without credentials while auth is on', async () => {
    const [cmd, ...args] = beacon!.healthcheck!.test as string[];
    expect(cmd).toBe('CMD');
    const [program, ...programArgs] = args;
    expect(program).toBe('node');
    const result = await promisify(execFile)(process.execPath, programArgs, {
      env: { ...process.env, PORT: String(port) },
    }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? 1,
    );
    expect(result).toBe(0);
    const response = await fetch(`http://127.0.0.1:${port}${READINESS}`);
    expect(response.status).toBe(200);
  });

  it('fails when nothing answers on the port', async () => {
    const [, , ...programArgs] = beacon!.healthcheck!.test as string[];
    const result = await promisify(execFile)(process.execPath, programArgs, {
      env: { ...process.env, PORT: '1' },
    }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? 1,
    );
    expect(result).toBe(1);
  });
});
