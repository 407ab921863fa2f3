/** `node dist/main.js <argument>` (the installed `beacon`): help, version and mistakes start nothing. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@beacon/test-support';

const MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
const root = mkdtempSync(join(tmpdir(), 'beacon-cli-'));
/** Where a server would create its database: it must stay absent. */
const dataDir = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function beacon(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env['PATH'] ?? '', BEACON_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' };
  return promisify(execFile)(process.execPath, [MAIN, ...args], { env, timeout: 15_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === 'number' ? error.code : -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

describe('the command line', () => {
  it('--help and -h print the usage and exit 0, starting nothing', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await beacon(flag);
      expect(result.code, flag).toBe(0);
      expect(result.stdout).toContain('Usage: beacon [command]');
      expect(result.stdout).toContain('reset-admin-password');
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it("--version prints the server package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/server/package.json'), 'utf8')) as {
      version: string;
    };
    const result = await beacon('--version');
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('an unknown argument prints what is wrong and the usage, exits 2, starting nothing', async () => {
    const result = await beacon('--port=9000');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^beacon: unknown argument '--port=9000'\n/);
    expect(result.stderr).toContain('Usage: beacon [command]');
    expect(result.stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
  });
});
