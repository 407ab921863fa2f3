/**
 * The shared launcher itself: both variants listen on loopback with a temp data dir that close()
 * removes, the admin credentials log in, and a HOST given by name (not an address) works.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startInProcessServer, spawnServer, type BeaconServer } from '../src/index.js';

async function logsIn(server: BeaconServer): Promise<boolean> {
  const body = new URLSearchParams({ username: server.admin!.username, password: server.admin!.password });
  const res = await fetch(`${server.baseUrl}/nacos/v1/auth/login`, { method: 'POST', body });
  return res.status === 200;
}

describe('startInProcessServer', () => {
  it('serves on 127.0.0.1, lets the admin log in, and removes its data dir on close', async () => {
    const server = await startInProcessServer({ env: { BEACON_AUTH: 'on' } });
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}`);
    expect(await logsIn(server)).toBe(true);
    expect(existsSync(server.dataDir)).toBe(true);
    await server.close();
    expect(existsSync(server.dataDir)).toBe(false);
  });
});

describe('spawnServer', () => {
  it('works with HOST given as a name, and stops cleanly with SIGTERM on close', async () => {
    const server = await spawnServer({ env: { HOST: 'localhost', BEACON_AUTH: 'on' } });
    expect(server.baseUrl).toBe(`http://localhost:${server.port}`);
    expect(await logsIn(server)).toBe(true);
    await server.close();
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('has no admin when the test removes the password', async () => {
    await using server = await spawnServer({ env: { BEACON_ADMIN_PASSWORD: undefined } });
    expect(server.admin).toBeUndefined();
  });
});
