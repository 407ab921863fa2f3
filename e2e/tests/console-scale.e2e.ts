import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { AdminClient } from '@beacon/sdk/admin';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';
import { registerAll, type SeedInstance } from '../support/registry-seed.js';

/**
 * Issue 12 at scale: 1,000 services with one all-down service sorting late by name, three empty
 * services, and a service with 200 instances in two clusters.
 */
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const SERVICES = 1000;
const DOWN = 'svc-0977';

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
let admin: AdminClient;
let closedPort: number;

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** A loopback port nobody listens on: active checks of it are refused at once. */
async function freeClosedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

test.beforeAll(async () => {
  server = await startConsoleServer();
  admin = new AdminClient({ baseUrl: server.baseUrl });
  closedPort = await freeClosedPort();
  const seed: SeedInstance[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const serviceName = `svc-${String(i).padStart(4, '0')}`;
    // The down service is persistent: the server probes it, the probe is refused.
    seed.push(
      serviceName === DOWN
        ? { serviceName, ip: '127.0.0.1', port: closedPort, ephemeral: false, metadata: {} }
        : { serviceName, ip: '127.0.0.1', port: 20_000 + i },
    );
  }
  // 200 instances of one service over two clusters, addresses that sort differently as text.
  for (let i = 1; i <= 200; i++) {
    seed.push({
      serviceName: 'big',
      ip: `127.0.${i > 100 ? 1 : 0}.${((i - 1) % 100) + 1}`,
      port: 8080,
      clusterName: i % 2 ? 'east' : 'west',
    });
  }
  const started = Date.now();
  await registerAll(server.baseUrl, seed);
  for (const name of ['empty-a', 'empty-b', 'empty-c'])
    await admin.createService('public', { name, groupName: 'DEFAULT_GROUP', protectThreshold: 0 });
  console.log(`registered ${seed.length} instances in ${Date.now() - started} ms`);
  // The down service turns unhealthy at its first active check (2 to 7 s after registration).
  await expect
    .poll(async () => (await admin.getService('public', 'DEFAULT_GROUP', DOWN)).healthyCount, { timeout: 15_000 })
    .toBe(0);
});

test.afterAll(async () => {
  await server?.close();
});

test('1. the default view puts the unhealthy service on page 1 of 1,000 and hides empty ones', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/`);
  const rows = page.locator('tbody tr[data-service]');
  await expect(rows.first()).toHaveAttribute('data-service', DOWN);
  await expect(rows.first()).toContainText('All down');
  await expect(page.getByTestId('services-summary')).toContainText(
    '1004 services · 1 with unhealthy instances · 1 all down · 0 protection reached · 3 without instances',
  );
  // 1,001 services with instances (1,000 + big), 20 a page; the empty ones are hidden.
  await expect(page.getByText('Page 1 of 51')).toBeVisible();
  await expect(page.locator('tr[data-service="empty-a"]')).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'services-at-scale');

  // Page size, a jump to any page, and a page past the end clamps to the last page.
  await page.getByLabel('Per page').selectOption('100');
  await expect(page.getByText('Page 1 of 11')).toBeVisible();
  await page.getByLabel('Go to page').fill('7');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(page.getByText('Page 7 of 11')).toBeVisible();
  await expect(page).toHaveURL(/page=7/);
  await page.goto(`${server.baseUrl}/?page=999`);
  await expect(page.getByText('Page 51 of 51')).toBeVisible();
  await expect(page).toHaveURL(/page=51/);
  await expect(page.getByText('No services in this namespace yet')).toHaveCount(0);

  // Empty services behind the toggle, and the health filter.
  await page.getByLabel(/Show services without instances/).check();
  await expect(page.getByText('1–20 of 1004')).toBeVisible();
  await page.getByLabel('Go to page').fill('99');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(page.getByText('1001–1004 of 1004')).toBeVisible();
  await expect(page.locator('tr[data-service="empty-c"]')).toBeVisible();
  await page.getByLabel('Health').selectOption('unhealthy');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-service', DOWN);
  await keepScreenshot(page, testInfo, 'services-health-filter');
});

test('7. a persistent instance shows its last check and why it failed; the check is editable', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/${DOWN}`);
  const row = page.locator(`tr[data-instance="127.0.0.1:${closedPort}"]`);
  await expect(row).toContainText(/checked .*ago/);
  await expect(row).toContainText('failed: connection refused');

  await page.getByRole('button', { name: 'Edit health check of cluster DEFAULT' }).click();
  const dialog = page.getByRole('dialog', { name: /Health check of cluster DEFAULT/ });
  await dialog.getByLabel('Check').selectOption('HTTP');
  await dialog.getByLabel('Path').fill('health');
  await expect(dialog.getByText("Start the path with '/'")).toBeVisible();
  await dialog.getByLabel('Path').fill('/health');
  await dialog.getByRole('button', { name: 'Save health check' }).click();
  await expect(page.locator('li[data-cluster="DEFAULT"]')).toContainText("HTTP GET /health on each instance's port");
  const saved = await admin.getService('public', 'DEFAULT_GROUP', DOWN);
  expect(saved.clusters[0]?.healthChecker).toMatchObject({ type: 'HTTP', path: '/health' });
  await keepScreenshot(page, testInfo, 'service-health-checks');
});

test('9. the health chart is drawn from the server history on a fresh load', async ({ page }) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/${DOWN}`);
  // Registered healthy, then found unhealthy: the server kept both points, the page just loaded.
  const chart = page.locator('figure.chart');
  await expect(chart).toHaveAttribute('data-points', /^[2-9]|\d\d+$/);
  await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /Now 0 healthy and 1 unhealthy/);
  await chart.getByRole('button', { name: '1 hour' }).click();
  await expect(chart).toContainText('Health, last 1 hour');
});

test('5. 200 instances: paged, filtered, IPs in numeric order', async ({ page }, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/big`);
  const rows = page.locator('tbody tr[data-instance]');
  await expect(rows).toHaveCount(50);
  await expect(page.getByText('Page 1 of 4')).toBeVisible();
  const first = await rows.evaluateAll((trs) => trs.slice(0, 11).map((tr) => tr.getAttribute('data-instance')));
  expect(first).toEqual([...Array.from({ length: 11 }, (_, i) => `127.0.0.${i + 1}:8080`)]);
  await keepScreenshot(page, testInfo, 'large-service');

  await page.getByLabel('Address', { exact: true }).fill('127.0.0.10');
  await expect(rows).toHaveCount(2); // .10 and .100
  await expect(rows.nth(0)).toHaveAttribute('data-instance', '127.0.0.10:8080');
  await expect(rows.nth(1)).toHaveAttribute('data-instance', '127.0.0.100:8080');
  await page.getByLabel('Address', { exact: true }).fill('');
  await page.getByLabel('Cluster', { exact: true }).selectOption('west');
  await expect(page.getByText('1–50 of 100')).toBeVisible();
  await expect(rows.first()).toContainText('west');
  await page.getByLabel('Health', { exact: true }).selectOption('unhealthy');
  await expect(page.getByText('No instance matches these filters.')).toBeVisible();
});

test('3. an override shows the client value beside it and can be removed; the interval has bounds', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/big`);
  const row = page.locator('tr[data-instance="127.0.0.1:8080"]');
  await row.getByRole('button', { name: 'Edit instance 127.0.0.1:8080' }).click();
  let dialog = page.getByRole('dialog', { name: /Edit instance 127\.0\.0\.1:8080/ });
  const interval = dialog.getByLabel('Heartbeat interval', { exact: true });
  await expect(interval).toHaveValue('');
  await expect(interval).toHaveAttribute('placeholder', "60000 (client's value)");
  await interval.fill('2');
  await expect(dialog.getByText('From 1000 ms (1 second) to 3600000 ms (1 hour)', { exact: true })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await interval.fill('30000');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText(/Interval\s*30\u202f000 ms\s*operator/);

  await row.getByRole('button', { name: 'Edit instance 127.0.0.1:8080' }).click();
  dialog = page.getByRole('dialog', { name: /Edit instance 127\.0\.0\.1:8080/ });
  await expect(dialog.getByLabel('Heartbeat interval', { exact: true })).toHaveValue('30000');
  const source = dialog.locator('[data-timing="interval"] .override-source');
  await expect(source).toContainText("Operator override · client's value: 60\u202f000 ms");
  await keepScreenshot(page, testInfo, 'instance-override', false);
  await dialog.getByRole('button', { name: 'Remove override of Heartbeat interval' }).click();
  await expect(dialog.getByLabel('Heartbeat interval', { exact: true })).toHaveValue('');
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  expect((await patch).postDataJSON()).toEqual({ metadata: { 'preserved.heart.beat.interval': null } });
  await expect(dialog).toBeHidden();
  await expect(row).toContainText(/Interval\s*60\u202f000 ms/);
  await expect(row).not.toContainText('operator');
  const big = await admin.getService('public', 'DEFAULT_GROUP', 'big');
  const instance = big.clusters.flatMap((c) => c.instances).find((i) => i.ip === '127.0.0.1');
  expect(instance?.overrides).toEqual({});
  expect(instance?.timings.intervalMs).toBe(60_000);

  // Weight and enabled are overrides too: shown beside the client's value, removed by clearing.
  await row.getByRole('button', { name: 'Edit instance 127.0.0.1:8080' }).click();
  dialog = page.getByRole('dialog', { name: /Edit instance 127\.0\.0\.1:8080/ });
  await expect(dialog.getByLabel('Weight', { exact: true })).toHaveAttribute('placeholder', "1 (client's value)");
  await dialog.getByLabel('Weight', { exact: true }).fill('5');
  await dialog.getByLabel('Receives traffic').selectOption('disabled');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.locator('td[data-label="Weight"]')).toContainText('5 operator');
  await expect(row.locator('td[data-label="Enabled"]')).toContainText('Disabled operator');

  await row.getByRole('button', { name: 'Edit instance 127.0.0.1:8080' }).click();
  dialog = page.getByRole('dialog', { name: /Edit instance 127\.0\.0\.1:8080/ });
  await expect(dialog.locator('[data-field="weight"] .override-source')).toContainText("client's value: 1");
  await expect(dialog.locator('[data-field="enabled"] .override-source')).toContainText("client's value: enabled");
  await dialog.getByLabel('Weight', { exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Remove override of Enabled' }).click();
  const cleared = page.waitForRequest((r) => r.method() === 'PATCH');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  expect((await cleared).postDataJSON()).toEqual({ weight: null, enabled: null });
  await expect(row.locator('td[data-label="Weight"]')).toHaveText('1');
  await expect(row.locator('td[data-label="Enabled"]')).toHaveText('Enabled');
});
