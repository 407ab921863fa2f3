import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFromServer, startServer, type TestServer } from './support/beacon-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, '../examples');
const built = resolve(here, '../dist/index.js');

let server: TestServer;
// As after the README's quickstart: auth on, the admin password in BEACON_ADMIN_PASSWORD.
const ADMIN_PASSWORD = 'examples-admin-password';

beforeAll(async () => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run 'pnpm build' first`);
  server = await startServer({
    BEACON_AUTH: 'on',
    BEACON_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
  });
});

afterAll(async () => {
  await server.close();
});

/** Runs an example with node, as a user would after `pnpm build`; `done` resolves with its output once it exits. */
function run(script: string, args: string[], until?: (output: string) => boolean) {
  const child = spawn(process.execPath, [resolve(examples, script), ...args], {
    env: {
      PATH: process.env['PATH'] ?? '',
      BEACON_SERVERS: server.baseUrl.replace('http://', ''),
      BEACON_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (until?.(output)) child.kill('SIGINT');
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<{ code: number | null; output: string }>((resolveRun) =>
    child.once('exit', (code) => resolveRun({ code, output })),
  );
  return { done, output: () => output };
}

describe('the examples run with node against a real server', () => {
  it('greeter.mjs: two instances register, see each other, load-balance over both, and deregister', async () => {
    const [a, b] = await Promise.all([
      run('greeter.mjs', ['--rounds', '8']).done,
      run('greeter.mjs', ['--rounds', '8']).done,
    ]);
    for (const { code, output } of [a, b]) {
      expect(output).toContain('registered greeter at 127.0.0.1:');
      expect(output).toMatch(/greeter: 2 instance\(s\)/);
      expect(output).toContain('deregistered; bye');
      expect(code).toBe(0);
    }
    const ports = new Set([...(a.output + b.output).matchAll(/called 127\.0\.0\.1:(\d+)/g)].map((m) => m[1]));
    expect(ports.size).toBe(2);
    expect(await listFromServer(server.baseUrl, 'greeter', ADMIN_PASSWORD)).toEqual([]);
  });

  it('watch.mjs: logs in before it watches, prints the list of a service, its changes, and when it empties', async () => {
    const watched = run('watch.mjs', ['watched-by-example'], (out) => out.includes('- 127.0.0.21:1'));
    await expect.poll(watched.output, { timeout: 10_000 }).toContain('[watch live]');
    const instance = `${server.baseUrl}/nacos/v1/ns/instance?serviceName=watched-by-example&ip=127.0.0.21&port=1&username=nacos&password=${ADMIN_PASSWORD}`;
    expect((await fetch(instance, { method: 'POST' })).status).toBe(200);
    await expect.poll(watched.output, { timeout: 10_000 }).toContain('+ 127.0.0.21:1');
    expect((await fetch(instance, { method: 'DELETE' })).status).toBe(200);
    const { output } = await watched.done;
    expect(output).toContain('DEFAULT_GROUP@@watched-by-example [query] now: none');
    expect(output).toMatch(/DEFAULT_GROUP@@watched-by-example \[watch\] now: 127\.0\.0\.21:1/);
    expect(output).toMatch(/\[watch\] now: none\n {2}- 127\.0\.0\.21:1/);
    // The stream waited for the login: it was never refused.
    expect(output).not.toContain('[watch down]');
  });
});
