import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { AdminClient, type InstanceDto } from '@beacon/sdk/admin';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';
import { BeatingClient, type ClientConfig } from '../support/beating-client.js';

// Short per-instance timings keep the whole file well under a minute.
const TIMINGS = {
  'preserved.heart.beat.interval': '1000',
  'preserved.heart.beat.timeout': '3000',
  'preserved.ip.delete.timeout': '6000',
};
const METADATA_LIMIT_BYTES = 2048;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
let admin: AdminClient;
let ORDERS_1: ClientConfig;
let orders1: BeatingClient;
let orders2: BeatingClient;
let inventory: BeatingClient;

async function instance(
  serviceName: string,
  ip: string,
  groupName = 'DEFAULT_GROUP',
): Promise<InstanceDto | undefined> {
  const service = await admin.getService('public', groupName, serviceName);
  return service.clusters.flatMap((c) => c.instances).find((i) => i.ip === ip);
}

/** Polls the API (not the page) until `check` holds; returns when it first did. */
async function serverState(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the server did not reach the expected state in ${timeoutMs} ms`);
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Marks the page; the mark is gone after any reload or full navigation. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { beaconNoReload: true }));
}

async function pageWasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { beaconNoReload?: boolean }).beaconNoReload === true);
}

const instanceRow = (page: Page, address: string) => page.locator(`tr[data-instance="${address}"]`);

test.beforeAll(async () => {
  server = await startConsoleServer({
    BEACON_EXPIRY_TICK_MS: '100',
    BEACON_MAX_METADATA_BYTES: String(METADATA_LIMIT_BYTES),
  });
  admin = new AdminClient({ baseUrl: server.baseUrl });
  const baseUrl = server.baseUrl;
  ORDERS_1 = {
    baseUrl,
    serviceName: 'orders',
    ip: '10.0.0.1',
    port: 8080,
    metadata: { ...TIMINGS, zone: 'eu-1a', version: '1.4.1' },
  };
  orders1 = BeatingClient.start(ORDERS_1);
  orders2 = BeatingClient.start({
    baseUrl,
    serviceName: 'orders',
    ip: '10.0.0.2',
    port: 8080,
    metadata: { ...TIMINGS, zone: 'eu-1b', version: '1.4.1' },
  });
  inventory = BeatingClient.start({
    baseUrl,
    serviceName: 'inventory',
    groupName: 'shop',
    ip: '10.0.1.7',
    port: 9000,
    metadata: { ...TIMINGS },
  });
  await Promise.all([orders1, orders2, inventory].map((c) => c.waitFor((e) => e.event === 'beat', 15_000)));
  // A service whose only instance is down, with its protect threshold reached.
  await admin.createService('public', { name: 'payments', groupName: 'shop', protectThreshold: 0.5 });
});

test.afterAll(async () => {
  await Promise.all([orders1, orders2, inventory].map((c) => c?.stop()));
  await server?.close();
});

test('1. a client that registers and beats shows healthy', async ({ page }) => {
  await page.goto(`${server.baseUrl}/`);
  const row = page.locator('tr[data-service="orders"]');
  await expect(row).toContainText('DEFAULT_GROUP');
  await expect(row).toContainText('2 / 2');
  await expect(row.getByText('All healthy')).toBeVisible();

  await row.getByRole('link', { name: 'orders' }).click();
  await expect(page).toHaveURL(/\/services\/DEFAULT_GROUP\/orders$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('orders');
  const first = instanceRow(page, '10.0.0.1:8080');
  await expect(first.getByText('Healthy', { exact: true })).toBeVisible();
  await expect(first).toContainText('Ephemeral');
  await expect(first).toContainText('zone=eu-1a');
  await expect(first).toContainText(/Interval\s*1\u202f000 ms/);
  await expect(first).toContainText(/Unhealthy after\s*3\u202f000 ms/);
  await expect(first).toContainText(/Deleted after\s*6\u202f000 ms/);
});

test('2. the interval set in the console reaches the client and survives its re-registration', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/orders`);
  await markPage(page);
  // Keyboard only: open the editor, type the value, Enter saves.
  await page.getByRole('button', { name: 'Edit instance 10.0.0.1:8080' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /Edit instance 10\.0\.0\.1:8080/ });
  const interval = dialog.getByLabel('Heartbeat interval');
  await expect(interval).toBeFocused();
  await expect(interval).toHaveValue('1000');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('2000');

  const mark = orders1.events.length;
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.keyboard.press('Enter');
  // Only what was edited goes to the server.
  expect((await patch).postDataJSON()).toEqual({ metadata: { 'preserved.heart.beat.interval': '2000' } });
  await expect(dialog).toBeHidden();

  // The client hears it in its next beat reply, and beats at 2000 ms from then on.
  const changed = await orders1.waitFor((e) => e.event === 'intervalChanged', 5_000, mark);
  expect(changed).toMatchObject({ previousMs: 1000, intervalMs: 2000 });
  const afterChange = orders1.events.indexOf(changed);
  const beat1 = await orders1.waitFor((e) => e.event === 'beat', 5_000, afterChange);
  const beat2 = await orders1.waitFor((e) => e.event === 'beat' && e.at > beat1.at, 5_000, afterChange);
  expect(beat1.intervalMs).toBe(2000);
  expect(beat2.intervalMs).toBe(2000);
  expect(beat2.at - beat1.at).toBeGreaterThanOrEqual(1900);
  expect(beat2.at - beat1.at).toBeLessThan(2900);
  await expect(instanceRow(page, '10.0.0.1:8080')).toContainText(/Interval\s*2\u202f000 ms/);

  // The client registers again with its own metadata (interval 1000): the operator's value stays.
  const beforeRegistration = orders1.events.length;
  orders1.reregister();
  const registered = await orders1.waitFor((e) => e.event === 'registered', 5_000, beforeRegistration);
  const from = orders1.events.indexOf(registered);
  const next1 = await orders1.waitFor((e) => e.event === 'beat', 5_000, from);
  const next2 = await orders1.waitFor((e) => e.event === 'beat' && e.at > next1.at, 5_000, from);
  expect([next1.intervalMs, next2.intervalMs]).toEqual([2000, 2000]);
  expect(orders1.events.slice(from).filter((e) => e.event === 'intervalChanged')).toEqual([]);
  const stored = await instance('orders', '10.0.0.1');
  expect(stored?.timings.intervalMs).toBe(2000);
  expect(stored?.overrides['preserved.heart.beat.interval']).toBe('2000');

  // A restarted application (a new process, registering afresh with interval 1000) is told 2000 too.
  await orders1.stop();
  orders1 = BeatingClient.start(ORDERS_1);
  const restarted = await orders1.waitFor((e) => e.event === 'intervalChanged', 10_000);
  expect(restarted).toMatchObject({ previousMs: 1000, intervalMs: 2000 });
  await orders1.waitFor((e) => e.event === 'beat' && e.intervalMs === 2000, 5_000);
  await expect(instanceRow(page, '10.0.0.1:8080')).toContainText(/Interval\s*2\u202f000 ms/);
  expect(await pageWasNotReloaded(page)).toBe(true);

  await keepScreenshot(page, testInfo, 'service-page');
});

test('4. invalid values show an error and change nothing on the server', async ({ page }) => {
  const before = await instance('orders', '10.0.0.2');
  const patches: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH') patches.push(r.url());
  });
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/orders`);
  await page.getByRole('button', { name: 'Edit instance 10.0.0.2:8080' }).click();
  const dialog = page.getByRole('dialog', { name: /Edit instance 10\.0\.0\.2:8080/ });
  const interval = dialog.getByLabel('Heartbeat interval');
  const timeout = dialog.getByLabel('Unhealthy after');
  const save = dialog.getByRole('button', { name: 'Save changes' });

  await interval.fill('2.5');
  await expect(dialog.getByText('Enter whole milliseconds, e.g. 5000')).toBeVisible();
  await expect(interval).toHaveAttribute('aria-invalid', 'true');
  await expect(save).toBeDisabled();

  await interval.fill('3000');
  await expect(dialog.getByText('Must be below the unhealthy timeout (3000 ms)')).toBeVisible();
  await expect(save).toBeDisabled();
  // Enter in a field submits the form: still nothing is sent.
  await interval.press('Enter');

  await interval.fill('1000');
  await timeout.fill('6000');
  await expect(dialog.getByText('Must be below the delete timeout (6000 ms)')).toBeVisible();
  await expect(timeout).toHaveAttribute('aria-invalid', 'true');
  await expect(save).toBeDisabled();
  await timeout.fill('3000');
  await expect(dialog.getByText(/Must be/)).toHaveCount(0);
  expect(patches).toEqual([]);

  // Values the editor cannot judge go to the server, which refuses; its words are shown.
  await dialog.getByRole('button', { name: 'Add pair' }).click();
  await dialog.getByLabel('Key of pair 3').fill('notes');
  await dialog.getByLabel('Value of notes').fill('x'.repeat(METADATA_LIMIT_BYTES + 100));
  await save.click();
  await expect(dialog.getByRole('alert')).toContainText(
    new RegExp(`The server said: metadata too large: \\d+ bytes, the limit is ${METADATA_LIMIT_BYTES}`),
  );
  await expect(dialog).toBeVisible();
  expect(patches).toHaveLength(1);

  const after = await instance('orders', '10.0.0.2');
  expect(after?.metadata).toEqual(before?.metadata);
  expect(after?.weight).toBe(before?.weight);
  expect(after?.overrides).toEqual({});
  // Escape closes the editor and gives the focus back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Edit instance 10.0.0.2:8080' })).toBeFocused();
});

test('service settings: the protect threshold and metadata are saved, and the mark follows', async ({ page }) => {
  await page.goto(`${server.baseUrl}/services/shop/inventory?namespace=public`);
  await expect(page.locator('.page-header')).toContainText('All healthy');
  await page.getByRole('button', { name: 'Edit settings' }).click();
  const threshold = page.getByLabel('Protect threshold');
  await threshold.fill('1.5');
  await expect(page.getByText('Must be a number from 0 to 1, e.g. 0.5 for 50%')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await threshold.fill('1');
  await page.getByRole('button', { name: 'Add pair' }).click();
  await page.getByLabel('Key of pair 1').fill('owner');
  await page.getByLabel('Value of owner').fill('team-shop');
  const put = page.waitForRequest((r) => r.method() === 'PUT');
  await page.getByRole('button', { name: 'Save settings' }).click();
  expect((await put).postDataJSON()).toEqual({ protectThreshold: 1, metadata: { owner: 'team-shop' } });
  // 1 healthy of 1 is at the threshold: clients now get every instance, and the console says so.
  await expect(page.locator('.page-header').getByText('Protection reached')).toBeVisible();
  await expect(page.getByText('owner=team-shop')).toBeVisible();
  const saved = await admin.getService('public', 'shop', 'inventory');
  expect(saved).toMatchObject({ protectThreshold: 1, protectionReached: true, metadata: { owner: 'team-shop' } });
  await page.goto(`${server.baseUrl}/?group=shop`);
  await expect(page.locator('tr[data-service="inventory"]').getByText('Protection reached')).toBeVisible();
  await expect(page.locator('tr[data-service="orders"]')).toHaveCount(0);
});

test('5. screenshots of the services page (laptop and phone)', async ({ page }, testInfo) => {
  await page.goto(`${server.baseUrl}/`);
  await expect(page.locator('tr[data-service="payments"]')).toContainText('No instances');
  await expect(page.locator('tr[data-service="orders"]')).toContainText('2 / 2');
  await keepScreenshot(page, testInfo, 'services-page');
  await page.setViewportSize({ width: 390, height: 844 });
  await keepScreenshot(page, testInfo, 'services-page-phone');
});

test('3. a killed client turns unhealthy in the console, then disappears, without a reload', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/orders`);
  await markPage(page);
  const row = instanceRow(page, '10.0.0.2:8080');
  await expect(row.getByText('Healthy', { exact: true })).toBeVisible();

  await orders2.kill();
  // The page follows the server within a second of each change.
  await serverState(async () => (await instance('orders', '10.0.0.2'))?.healthy === false, 10_000);
  await expect(row.getByText('Unhealthy', { exact: true })).toBeVisible({ timeout: 1_000 });
  await expect(page.locator('.page-header')).toContainText('1 unhealthy');
  await keepScreenshot(page, testInfo, 'service-page-unhealthy');

  // Deletion also waits out the server's start-up grace (nothing is deleted in its first 30 s).
  await serverState(async () => (await instance('orders', '10.0.0.2')) === undefined, 40_000);
  await expect(row).toHaveCount(0, { timeout: 1_000 });
  await expect(instanceRow(page, '10.0.0.1:8080').getByText('Healthy', { exact: true })).toBeVisible();
  expect(await pageWasNotReloaded(page)).toBe(true);
});
