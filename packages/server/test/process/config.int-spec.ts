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
});
