/** Invalid configuration stops the built server with a message that names the variable. */
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, spawnServer } from '@beacon/test-support';

const dir = makeDataDir();
afterAll(() => removeDataDir(dir));

describe('invalid configuration', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['BEACON_LOG_LEVEL', 'loud'],
    ['BEACON_BODY_LIMIT_BYTES', '1k'],
    ['BEACON_TRUSTED_PROXIES', '10.0.0.0/8,proxy.local'],
    ['BEACON_HEALTH_CHECK_ALLOW', '127.0.0.0/33'],
    ['BEACON_HEALTH_CHECK_DENY', '169.254.0.0/x'],
    ['BEACON_MAX_CONNECTIONS', '0'],
    ['BEACON_MAX_SERVICE_NAME_LENGTH', '-5'],
  ])('%s=%s: exits non-zero and stderr names the variable', async (name, value) => {
    const server = await spawnServer({ dataDir: dir, env: { [name]: value }, waitUntilReady: false });
    const exit = await Promise.race([
      server.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
    ]);
    if (exit === 'timeout') await server.kill('SIGKILL');
    expect(exit).not.toBe('timeout');
    expect(exit).not.toEqual({ code: 0, signal: null });
    expect((exit as { code: number | null }).code).not.toBe(null);
    expect(server.stderr()).toContain(name);
    expect(server.stderr()).toContain(value);
  });

  it.each([
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    // Found only when the node connects, inside Nest's start: still one line, without Nest's stack.
    [
      'an unreachable Redis',
      { BEACON_REDIS_URL: 'redis://127.0.0.1:1', BEACON_DATABASE_URL: 'postgres://beacon@127.0.0.1:1/beacon' },
      'BEACON_REDIS_URL',
    ],
  ])('%s: one line naming the variable, exit code 2, no stack trace', async (_case, env, name) => {
    const server = await spawnServer({ dataDir: dir, env, waitUntilReady: false });
    const exit = await Promise.race([
      server.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    if (exit === 'timeout') await server.kill('SIGKILL');
    expect(exit).toEqual({ code: 2, signal: null });
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });
});
