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

beforeAll(async () => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run 'pnpm build' first`);
  server = await startServer();
});

afterAll(async () => {
  await server.close();
});

/** Runs an example with node, as a user would after `pnpm build`; `done` resolves with its output once it exits. */
function run(script: string, args: string[], until?: (output: string) => boolean) {
  const child = spawn(process.execPath, [resolve(examples, script), ...args], {
    env: { ...process.env, BEACON_SERVERS: server.baseUrl.replace('http://', '') },
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
    expect(await listFromServer(server.baseUrl, 'greeter')).toEqual([]);
  });

  it('watch.mjs: prints the list of a service and its changes', async () => {
    const watched = run('watch.mjs', ['watched-by-example'], (out) => out.includes('+ 10.20.0.1:1'));
    await expect.poll(watched.output, { timeout: 10_000 }).toContain('now: none');
    await fetch(`${server.baseUrl}/nacos/v1/ns/instance?serviceName=watched-by-example&ip=10.20.0.1&port=1`, {
      method: 'POST',
    });
    const { output } = await watched.done;
    expect(output).toContain('DEFAULT_GROUP@@watched-by-example [query] now: none');
    expect(output).toMatch(/DEFAULT_GROUP@@watched-by-example \[(poll|watch)\] now: 10\.20\.0\.1:1/);
  });
});
