/**
 * The READMEs' examples, run as written: the SDK is packed with `pnpm pack:sdk`, installed with npm
 * from the tarball in a fresh project outside the workspace, and every JavaScript block of the
 * READMEs (and every shell block that calls curl) runs there against the quickstart's server: the
 * built server with auth at its default (on) and the admin password from BEACON_ADMIN_PASSWORD.
 * The only change made to a block is the port: 8848 becomes the test server's.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from '@beacon/test-support';
import { listFromServer, makeDataDir, removeDataDir, type SpawnedServer } from './support/beacon-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SDK = join(ROOT, 'packages', 'sdk');
const PASSWORD = 'quickstart-admin-password';
const run = promisify(execFile);

interface Block {
  readonly readme: string;
  readonly lang: string;
  readonly code: string;
}

/** The fenced code blocks of a markdown file, with their language. */
function codeBlocks(readme: string): Block[] {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  return [...text.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)].map((m) => ({ readme, lang: m[1]!, code: m[2]! }));
}

const isJs = (b: Block) => ['js', 'mjs', 'javascript'].includes(b.lang);
const isCurl = (b: Block) => ['sh', 'bash', 'shell'].includes(b.lang) && /^\s*(\w+=\$\(\s*)?curl /m.test(b.code);
const runnable = ['README.md', 'packages/sdk/README.md'].flatMap(codeBlocks).filter((b) => isJs(b) || isCurl(b));

interface Running {
  readonly block: Block;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

let app: string;
let dataDir: string;
let server: SpawnedServer;

beforeAll(async () => {
  const version = (JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as { version: string }).version;
  const tarball = join(ROOT, 'dist', `beacon-sdk-${version}.tgz`);
  rmSync(tarball, { force: true });
  await run('pnpm', ['run', 'pack:sdk'], { cwd: ROOT });
  expect(existsSync(tarball), `pnpm pack:sdk wrote ${tarball}`).toBe(true);

  app = mkdtempSync(join(tmpdir(), 'beacon-sdk-app-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  // --offline: the SDK has no dependencies, so nothing may come from a registry.
  await run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], { cwd: app });

  dataDir = makeDataDir();
  // Empty means unset: auth at its default, as `pnpm start` runs it.
  server = await spawnServer({ dataDir, env: { BEACON_AUTH: '', BEACON_ADMIN_PASSWORD: PASSWORD } });
}, 180_000);

afterAll(async () => {
  await server?.kill();
  if (dataDir) removeDataDir(dataDir);
  if (app) rmSync(app, { recursive: true, force: true });
});

/** Starts a block in the app project: a .mjs file for JavaScript, bash for shell. */
function launch(block: Block, index: number): Running {
  const code = block.code
    .replaceAll('127.0.0.1:8848', `127.0.0.1:${server.port}`)
    .replaceAll('localhost:8848', `localhost:${server.port}`);
  const file = join(app, `readme-${index}.${isJs(block) ? 'mjs' : 'sh'}`);
  writeFileSync(file, code);
  const child = spawn(isJs(block) ? process.execPath : 'bash', isJs(block) ? [file] : ['-euo', 'pipefail', file], {
    cwd: app,
    env: { PATH: process.env['PATH'] ?? '', HOME: app, BEACON_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { block, child, exited, stdout: () => out, stderr: () => err };
}

/** Resolves when the block has exited, or printed and kept running (it then runs until Ctrl-C). */
async function settled(running: Running): Promise<void> {
  const printed = new Promise<void>((r) => running.child.stdout!.once('data', () => r()));
  await Promise.race([running.exited, printed.then(() => new Promise((r) => setTimeout(r, 500)))]);
}

describe('the README examples, with the packed SDK installed by npm outside the workspace', () => {
  it('installs the tarball: the package, its license, its examples and no test files', () => {
    const installed = join(app, 'node_modules', '@beacon', 'sdk');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(existsSync(join(installed, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'admin', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'examples', 'greeter.mjs'))).toBe(true);
    expect(existsSync(join(installed, 'src', 'sdk-package.spec.ts'))).toBe(false);
    expect(resolve(installed).startsWith(resolve(ROOT))).toBe(false);
  });

  it('finds the examples in both READMEs', () => {
    expect(runnable.filter((b) => b.readme === 'packages/sdk/README.md' && isJs(b)).length).toBeGreaterThanOrEqual(4);
    expect(runnable.filter((b) => b.readme === 'README.md' && isCurl(b)).length).toBeGreaterThanOrEqual(1);
  });

  it('runs every example in order; the long-running ones stop cleanly on Ctrl-C', async () => {
    const started: Running[] = [];
    for (const [index, block] of runnable.entries()) {
      const running = launch(block, index);
      started.push(running);
      await settled(running);
    }
    // The Watch example (still running) sees the admin example's override of the interval.
    const watch = started.find((r) => r.block.code.includes('naming.subscribe('))!;
    await expect.poll(() => watch.stdout(), { timeout: 10_000 }).toMatch(/1 instances \(\+0 -0 ~1\)/);

    for (const r of started) r.child.kill('SIGINT');
    const codes = await Promise.all(started.map((r) => r.exited));
    const report = started.map((r, i) => `--- ${r.block.readme} #${i} (exit ${codes[i]})\n${r.stdout()}${r.stderr()}`);
    for (const [i, r] of started.entries()) {
      expect(codes[i], report.join('\n')).toBe(0);
      expect(r.stderr(), report[i]).toBe('');
      expect(r.stdout().trim(), report[i]).not.toBe('');
    }
    const all = started.map((r) => r.stdout()).join('\n');
    expect(all).toContain('registered orders at 127.0.0.1:8080');
    expect(all).toContain('1 instance(s), 0 healthy in east; call 127.0.0.1:8080');
    expect(all).toMatch(/1 instances \(\+1 -0 ~0\) via/);
    expect(all).toContain("services matching 'ord': orders");
    expect(all).toContain('"code":10200');
    expect(all).toMatch(/"hosts":\[\{"ip":"127\.0\.0\.1","port":8080/);

    // Ctrl-C deregistered the instance of the "Register and beat" example.
    expect(await listFromServer(server.baseUrl, 'orders', PASSWORD)).toEqual([]);
  });
});
