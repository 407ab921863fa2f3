/** What an on-call operator must see at a glance (issue 24). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

const LONG_TIMEOUTS = { 'preserved.heart.beat.timeout': '600000', 'preserved.ip.delete.timeout': '900000' };

/** Registers as a Nacos 1.x client does (no beats: long timeouts keep the instance). */
async function register(
  serviceName: string,
  port: number,
  metadata: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<void> {
  const params = new URLSearchParams({
    serviceName,
    ip: '127.0.0.1',
    port: String(port),
    metadata: JSON.stringify({ ...LONG_TIMEOUTS, ...metadata }),
    ...extra,
  });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${params}`, { method: 'POST' });
  expect(await res.text()).toBe('ok');
}

async function deregister(serviceName: string, port: number): Promise<void> {
  const params = new URLSearchParams({ serviceName, ip: '127.0.0.1', port: String(port) });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${params}`, { method: 'DELETE' });
  expect(await res.text()).toBe('ok');
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test.beforeAll(async () => {
  server = await startConsoleServer();
});

test.afterAll(async () => {
  await server?.close();
});

test('an instance whose client asked for an interval outside 1 s – 1 h is flagged', async ({ page }) => {
  await register('misconfigured', 9001, { 'preserved.heart.beat.interval': '1' });
  await register('misconfigured', 9002, { 'preserved.heart.beat.interval': '999999999' });
  await register('misconfigured', 9003, { 'preserved.heart.beat.interval': '2000' });

  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/misconfigured`);
  const row = (port: number) => page.locator(`tr[data-instance="127.0.0.1:${port}"]`);
  await expect(row(9001).getByRole('note')).toHaveText(/client asked for 1 ms, outside 1 s – 1 h; told 1\s000 ms/);
  await expect(row(9002).getByRole('note')).toHaveText(
    /client asked for 999999999 ms, outside 1 s – 1 h; told 3\s600\s000 ms/,
  );
  await expect(row(9003)).toContainText(/2\s000 ms/);
  await expect(row(9003).getByRole('note')).toHaveCount(0);
});

test('a service that lost every instance stays on top, in red, with when, and counts as an outage', async ({
  page,
}, testInfo) => {
  await register('healthy-service', 9101, {});
  await register('gone', 9102, {});
  await register('gone', 9103, {});
  await page.goto(`${server.baseUrl}/`);
  const summary = page.getByTestId('services-summary');
  await expect(page.locator('tr[data-service="gone"]')).toBeVisible();
  await expect(summary).not.toContainText('outage');

  await deregister('gone', 9102);
  await deregister('gone', 9103);
  // The default view (empty services hidden) keeps it, first, marked as an outage; live, no reload.
  const gone = page.locator('tr[data-service="gone"]');
  await expect(gone).toHaveClass(/row-outage/);
  await expect(page.locator('tbody tr').first()).toHaveAttribute('data-service', 'gone');
  await expect(gone).toContainText('Lost all instances');
  await expect(gone.locator('time')).toHaveText(/^lost (just now|\d+ s ago), at \d\d:\d\d:\d\d$/);
  await expect(summary).toContainText('1 outage (lost every instance)');
  await expect(page.locator('tr[data-service="healthy-service"]')).not.toHaveClass(/row-outage/);
  await keepScreenshot(page, testInfo, 'operators-outage-on-top');

  await register('gone', 9102, {});
  await expect(gone).not.toHaveClass(/row-outage/);
  await expect(summary).not.toContainText('outage');
});

test('the overview shows every namespace with its counts and the worst services across them', async ({
  page,
}, testInfo) => {
  await register('billing', 9201, {}, { namespaceId: 'eu' });
  await register('billing', 9202, {}, { namespaceId: 'eu', healthy: 'false' });
  await register('search', 9203, {}, { namespaceId: 'eu' });

  await page.goto(`${server.baseUrl}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const eu = page.locator('tr[data-namespace="eu"]');
  await expect(eu.locator('td[data-label="Services"]')).toHaveText('2');
  await expect(eu.locator('td[data-label="Unhealthy"]')).toHaveText('1');
  await expect(page.locator('tr[data-namespace="public"] td[data-label="Unhealthy"]')).toHaveText('0');
  // The unhealthy service of another namespace, without switching to it.
  const billing = page.locator('tr[data-service="eu/billing"]');
  await expect(billing).toContainText('1 unhealthy');
  // The picker says where the trouble is.
  await expect(page.getByLabel('Namespace').locator('option[value="eu"]')).toHaveText(/· 2 · 1 unhealthy$/);
  await expect(page.getByLabel('Namespace').locator('option[value="public"]')).not.toHaveText(/unhealthy/);
  await keepScreenshot(page, testInfo, 'operators-overview');

  await billing.getByRole('link', { name: 'billing' }).click();
  await expect(page).toHaveURL(/\/services\/DEFAULT_GROUP\/billing\?namespace=eu/);
  await expect(page.locator('tr[data-instance="127.0.0.1:9202"]')).toBeVisible();
});
