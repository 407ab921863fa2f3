import { expect, test } from '@playwright/test';
import { AdminClient } from '@beacon/sdk/admin';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';
import { ExampleApp } from '../support/example-app.js';

// examples/nestjs-greeter, built: two greeters and a caller on @beacon/nestjs, against the built server.
test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
let admin: AdminClient;
let greeterA: ExampleApp;
let greeterB: ExampleApp;
let caller: ExampleApp;

/** Short beat timings so a crash shows within seconds. */
function appEnv(): Record<string, string> {
  return {
    BEACON_SERVERS: server.baseUrl,
    BEACON_IP: '127.0.0.1',
    BEACON_BEAT_INTERVAL_MS: '1000',
    BEACON_BEAT_TIMEOUT_MS: '3000',
    BEACON_DELETE_TIMEOUT_MS: '6000',
  };
}

/** The greeters the registry holds (its own view, not a client cache). */
async function registeredGreeters(): Promise<{ address: string; healthy: boolean }[]> {
  const service = await admin.getService('public', 'DEFAULT_GROUP', 'greeter').catch(() => undefined);
  return (service?.clusters ?? [])
    .flatMap((c) => c.instances)
    .map((i) => ({ address: `${i.ip}:${i.port}`, healthy: i.healthy }));
}

async function call(): Promise<{ status: number; servedBy?: string }> {
  const response = await fetch(`${caller.url}/call`);
  const body = (await response.json()) as { servedBy?: string };
  return { status: response.status, ...(body.servedBy !== undefined && { servedBy: body.servedBy }) };
}

test.beforeAll(async () => {
  server = await startConsoleServer({ BEACON_EXPIRY_TICK_MS: '100' });
  admin = new AdminClient({ baseUrl: server.baseUrl });
  [greeterA, greeterB, caller] = await Promise.all([
    ExampleApp.start('greeter', appEnv()),
    ExampleApp.start('greeter', appEnv()),
    ExampleApp.start('caller', appEnv()),
  ]);
  // Both greeters registered, and the caller's list (kept by the watch stream) has both.
  await expect.poll(async () => (await registeredGreeters()).length).toBe(2);
  await expect
    .poll(async () => ((await (await fetch(`${caller.url}/peers`)).json()) as { healthy: string[] }).healthy.length)
    .toBe(2);
});

test.afterAll(async () => {
  await Promise.all([greeterA, greeterB, caller].map((app) => app?.stop()));
  await server?.close();
});

test('1. calls from the caller spread over both greeters', async () => {
  const servedBy = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    const { status, servedBy: by } = await call();
    expect(status).toBe(200);
    servedBy.set(by!, (servedBy.get(by!) ?? 0) + 1);
  }
  expect([...servedBy.keys()].sort()).toEqual([greeterA.address, greeterB.address].sort());
  // Weighted random at equal weights: 40 calls split 40/0 with probability 2^-39.
  for (const count of servedBy.values()) expect(count).toBeGreaterThanOrEqual(5);
});

test('2. a greeter killed with SIGKILL: calls succeed on the survivor at once, the console shows it unhealthy', async ({
  page,
}) => {
  await greeterA.kill();
  const killedAt = Date.now();
  // For the next second the registry still lists the dead greeter as healthy: fetch retries elsewhere.
  const results: { status: number; servedBy?: string; at: number }[] = [];
  while (Date.now() - killedAt < 1000) results.push({ ...(await call()), at: Date.now() - killedAt });
  test.info().annotations.push({ type: 'calls in the second after SIGKILL', description: String(results.length) });
  expect(results.length).toBeGreaterThan(10);
  expect(results.filter((r) => r.status !== 200)).toEqual([]);
  expect(new Set(results.map((r) => r.servedBy))).toEqual(new Set([greeterB.address]));
  expect(results[0]!.at).toBeLessThan(1000);

  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/greeter`);
  const dead = page.locator(`tr[data-instance="${greeterA.address}"]`);
  const alive = page.locator(`tr[data-instance="${greeterB.address}"]`);
  // Beat timeout 3 s after the last beat; the page follows the watch stream, no reload.
  await expect(dead.getByText('Unhealthy', { exact: true })).toBeVisible({ timeout: 6_000 });
  await expect(alive.getByText('Healthy', { exact: true })).toBeVisible();
  // The caller's own list dropped it too, through the watch stream.
  const peers = (await (await fetch(`${caller.url}/peers`)).json()) as { healthy: string[] };
  expect(peers.healthy).toEqual([greeterB.address]);
});

test('3. a graceful stop of the other greeter deregisters it at once', async () => {
  const stoppedAt = Date.now();
  const stopping = greeterB.stop();
  await expect
    .poll(async () => (await registeredGreeters()).map((g) => g.address), { intervals: [20], timeout: 2_000 })
    .not.toContain(greeterB.address);
  const goneAfterMs = Date.now() - stoppedAt;
  test.info().annotations.push({ type: 'deregistered after SIGTERM', description: `${goneAfterMs} ms` });
  // Well before the 3 s beat timeout could have removed it: the app deregistered itself.
  expect(goneAfterMs).toBeLessThan(1000);
  await stopping;
  // It deregistered itself (not the registry's expiry), and went on to exit through Nest's hooks.
  expect(greeterB.logs()).toContain(`deregistered DEFAULT_GROUP@@greeter ${greeterB.address}`);
  expect(await greeterB.exited).toEqual({ code: null, signal: 'SIGTERM' });
});
