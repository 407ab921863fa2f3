import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READINESS_PATH, REPO_ROOT, freePort } from '@beacon/test-support';

// What a user does without building anything: `pnpm pack:all` on some machine, then, elsewhere,
// `npm install -g beacon-server-<version>.tgz` and `beacon`; an app installs the SDK and the NestJS
// tarballs. Everything is installed outside the workspace, with an empty npm cache, from the npm
// registry (third-party dependencies; better-sqlite3 compiles there) and the tarballs alone.

const PASSWORD = 'tarball-admin-password';
const version = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'packages/server/package.json'), 'utf8')) as { version: string }
).version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a failure is returned (code, output), never thrown. */
async function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number },
) {
  return promisify(execFile)(command, args, { ...options, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }): Run => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }): Run => ({
      code: typeof error.code === 'number' ? error.code : 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

function mustSucceed(what: string, result: Run): Run {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result;
}

let root: string;
let packed: string;
let prefix: string;
let appDir: string;
/** A user's environment: no pnpm or workspace settings leak into npm; an empty npm cache. */
let userEnv: NodeJS.ProcessEnv;
let beacon: string;
let server: ChildProcess | undefined;
let output = '';
let base: string;
let installToServingMs = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'beacon-tarball-'));
  packed = join(root, 'packed');
  mustSucceed(
    'pack-all',
    await run(process.execPath, ['scripts/pack-all.mjs', packed], { cwd: REPO_ROOT, env: process.env }),
  );
  prefix = join(root, 'prefix');
  appDir = join(root, 'app');
  mkdirSync(appDir);
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name)));
  Object.assign(userEnv, {
    npm_config_cache: join(root, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  const tarball = (name: string) => join(packed, `beacon-${name}-${version}.tgz`);

  const started = performance.now();
  const [global, app] = await Promise.all([
    // better-sqlite3's build is the one install script the server needs (the README says why).
    run('npm', ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3', tarball('server')], {
      cwd: root,
      env: userEnv,
      timeout: 600_000,
    }),
    run('npm', ['install', tarball('sdk'), tarball('nestjs')], { cwd: appDir, env: userEnv, timeout: 600_000 }),
  ]);
  mustSucceed('npm install -g beacon-server', global);
  mustSucceed('npm install beacon-sdk beacon-nestjs', app);
  beacon = join(prefix, 'bin', 'beacon');

  const dataDir = join(root, 'data');
  base = `http://127.0.0.1:${await freePort()}`;
  server = spawn(beacon, [], {
    cwd: root,
    env: {
      ...userEnv,
      PORT: new URL(base).port,
      HOST: '127.0.0.1',
      BEACON_GRPC_PORT: '0',
      BEACON_DATA_DIR: dataDir,
      BEACON_ADMIN_PASSWORD: PASSWORD,
      BEACON_HEALTH_CHECK_ALLOW: '127.0.0.0/8',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(base + READINESS_PATH).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`beacon did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  installToServingMs = performance.now() - started;
  console.log(`install-from-tarball: npm install to serving took ${(installToServingMs / 1000).toFixed(1)} s`);
}, 900_000);

afterAll(async () => {
  await stopServer();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function stopServer(): Promise<void> {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
}

async function login(): Promise<string> {
  const response = await fetch(`${base}/nacos/v1/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: 'nacos', password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

describe('the server installed from its tarball (npm install -g, outside the workspace)', () => {
  it('serves with one banner, the console included, and @beacon/core bundled', async () => {
    expect(installToServingMs).toBeGreaterThan(0);
    expect(existsSync(join(prefix, 'lib/node_modules/@beacon/server/node_modules/@beacon/core/dist/index.js'))).toBe(
      true,
    );
    expect(output).toContain(`Beacon ${version} is serving`);
    expect(output).toContain(`console  ${base}/`);
    expect(output).not.toContain('Mapped {');
    const page = await fetch(`${base}/nacos/`);
    expect(page.url).toBe(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('registers an instance over HTTP and reads it back', async () => {
    const token = await login();
    const instance = `serviceName=tarball-orders&ip=127.0.0.1&port=8080&accessToken=${token}`;
    const registered = await fetch(`${base}/nacos/v1/ns/instance?${instance}`, { method: 'POST' });
    expect(await registered.text()).toBe('ok');
    const list = await fetch(`${base}/nacos/v1/ns/instance/list?serviceName=tarball-orders&accessToken=${token}`);
    const hosts = ((await list.json()) as { hosts: { ip: string; port: number }[] }).hosts;
    expect(hosts.map((h) => `${h.ip}:${h.port}`)).toEqual(['127.0.0.1:8080']);
  });

  it("runs the installed SDK's own example against it", async () => {
    const greeter = join(appDir, 'node_modules/@beacon/sdk/examples/greeter.mjs');
    const result = await run(process.execPath, [greeter, '--rounds', '1'], {
      cwd: appDir,
      env: { ...userEnv, BEACON_SERVERS: new URL(base).host, BEACON_PASSWORD: PASSWORD },
      timeout: 30_000,
    });
    mustSucceed('greeter.mjs', result);
    expect(result.stdout).toMatch(/called 127\.0\.0\.1:\d+: hello from/);
  });

  it('answers --version and --help, and refuses unknown arguments, starting nothing', async () => {
    const versionRun = mustSucceed('beacon --version', await run(beacon, ['--version'], { cwd: root, env: userEnv }));
    expect(versionRun.stdout.trim()).toBe(version);
    // The same port as the running server: a start would fail with EADDRINUSE, not print usage.
    const env = { ...userEnv, PORT: new URL(base).port, HOST: '127.0.0.1' };
    const help = mustSucceed('beacon --help', await run(beacon, ['--help'], { cwd: root, env, timeout: 10_000 }));
    expect(help.stdout).toContain('Usage: beacon');
    expect(help.stdout).toContain('reset-admin-password');
    const unknown = await run(beacon, ['--port', '9000'], { cwd: root, env, timeout: 10_000 });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown argument '--port'");
    expect(unknown.stderr).toContain('Usage: beacon');
  });

  it('resets the admin password with `beacon reset-admin-password` once stopped', async () => {
    await stopServer();
    const env = { ...userEnv, BEACON_DATA_DIR: join(root, 'data') };
    const reset = mustSucceed(
      'beacon reset-admin-password',
      await run(beacon, ['reset-admin-password'], { cwd: root, env, timeout: 30_000 }),
    );
    expect(reset.stdout).toContain("The password of the admin 'nacos' is now:");
    expect(existsSync(join(root, 'data', 'initial-admin-password'))).toBe(true);
  });
});

describe('@beacon/sdk and @beacon/nestjs installed together from their tarballs', () => {
  it("resolves the NestJS module's SDK dependency to the SDK tarball", async () => {
    const sdk = JSON.parse(readFileSync(join(appDir, 'node_modules/@beacon/sdk/package.json'), 'utf8')) as {
      version: string;
    };
    expect(sdk.version).toBe(version);
    expect(existsSync(join(appDir, 'node_modules/@beacon/nestjs/node_modules/@beacon/sdk'))).toBe(false);
    const imported = await run(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('@beacon/nestjs'); console.log(typeof m.BeaconModule);"],
      { cwd: appDir, env: userEnv },
    );
    expect(mustSucceed('import @beacon/nestjs', imported).stdout.trim()).toBe('function');
  });
});
