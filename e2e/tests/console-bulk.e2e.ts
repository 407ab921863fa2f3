/**
 * Bulk and service-wide edits, and the smaller things an operator missed (issue 24, items 6 and 9):
 * select instances (or all that match a filter) and edit them at once; a service's default beat
 * interval; one-click online/offline; the table at 1400 px; serving counts; a keyboard-scrollable
 * subscriber list (axe); focus after navigation; metadata filter and sort order; a namespace's
 * delete button; "all down".
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { AdminClient, type InstanceDto } from '@beacon/sdk/admin';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
let admin: AdminClient;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Long timeouts keep an instance healthy without beats; the interval is left to the server. */
const QUIET = { 'preserved.heart.beat.timeout': '600000', 'preserved.ip.delete.timeout': '900000' };

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
    weight: String(extra['weight'] ?? 1),
    metadata: JSON.stringify(metadata),
    ...extra,
  });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${params}`, { method: 'POST' });
  expect(await res.text()).toBe('ok');
}

async function instances(service: string): Promise<Map<number, InstanceDto>> {
  const detail = await admin.getService('public', 'DEFAULT_GROUP', service);
  return new Map(detail.clusters.flatMap((c) => c.instances).map((i) => [i.port, i]));
}

async function beatInterval(service: string, port: number): Promise<number> {
  const beat = JSON.stringify({ serviceName: `DEFAULT_GROUP@@${service}`, ip: '127.0.0.1', port, cluster: 'DEFAULT' });
  const params = new URLSearchParams({ serviceName: service, ip: '127.0.0.1', port: String(port), beat });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance/beat?${params}`, { method: 'PUT' });
  return ((await res.json()) as { clientBeatInterval: number }).clientBeatInterval;
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** axe-core's violations on the page as it is, as `id (impact): targets`. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the console's CSP (rightly) refuses inline scripts.
  await page.evaluate(readFileSync(AXE_SCRIPT, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

interface AxeResults {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}

test.beforeAll(async () => {
  server = await startConsoleServer();
  admin = new AdminClient({ baseUrl: server.baseUrl });
  // fleet: six instances in two zones; 9206 has a 2 s timeout, so a 10 s interval is refused for it.
  for (const port of [9201, 9202, 9203, 9204, 9205]) {
    await register('fleet', port, { ...QUIET, zone: port % 2 ? 'a' : 'b' }, { weight: String(port - 9200) });
  }
  await register('fleet', 9206, {
    zone: 'b',
    'preserved.heart.beat.timeout': '2000',
    'preserved.ip.delete.timeout': '900000',
  });
});

test.afterAll(async () => {
  await server?.close();
});

test('item 9: filter instances by metadata key=value and choose the sort order', async ({ page }) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/fleet`);
  const rows = page.locator('tbody tr[data-instance]');
  await expect(rows).toHaveCount(6);
  await page.getByLabel('Metadata', { exact: true }).fill('zone=b');
  await expect(rows).toHaveCount(3);
  await expect(page.locator('tr[data-instance="127.0.0.1:9201"]')).toHaveCount(0);
  await page.getByLabel('Metadata', { exact: true }).fill('');
  await page.getByLabel('Sort').selectOption({ label: 'Weight, highest first' });
  await expect(rows.first()).toHaveAttribute('data-instance', '127.0.0.1:9205');
  await page.getByLabel('Sort').selectOption({ label: 'Address' });
  await expect(rows.first()).toHaveAttribute('data-instance', '127.0.0.1:9201');
});

test('item 6a: select all that match a filter and set interval and weight in one action', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/fleet`);
  await page.getByLabel('Metadata', { exact: true }).fill('zone=b');
  await page.getByRole('button', { name: 'Select all 3 that match' }).click();
  await expect(page.getByRole('group', { name: 'Selected instances' })).toContainText('3 selected');
  // One more by its own checkbox, after clearing the filter.
  await page.getByLabel('Metadata', { exact: true }).fill('');
  await page.getByLabel('Select 127.0.0.1:9201').check();
  await expect(page.getByRole('group', { name: 'Selected instances' })).toContainText('4 selected of 6 matching');

  const requests: unknown[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH') requests.push(r.postDataJSON());
  });
  await page.getByRole('button', { name: 'Edit 4 selected…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit 4 instances' });
  await dialog.getByLabel('Heartbeat interval (ms)').fill('999');
  await expect(dialog.getByText('From 1000 ms (1 second) to 3600000 ms (1 hour)').first()).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Apply to 4' })).toBeDisabled();
  await dialog.getByLabel('Heartbeat interval (ms)').fill('10000');
  await dialog.getByLabel('Weight').fill('7');
  await dialog.getByLabel('Metadata key=value').fill('rollout=canary');
  await dialog.getByRole('button', { name: 'Apply to 4' }).click();

  // 9206's unhealthy timeout (2 s) is below 10 s: the server refuses it alone, and the dialog says why.
  const result = dialog.getByTestId('bulk-result');
  await expect(result).toContainText('Updated 3 of 4; 1 not updated');
  await expect(result).toContainText('127.0.0.1:9206');
  await expect(result).toContainText('must be less than preserved.heart.beat.timeout (2000)');
  await keepScreenshot(page, testInfo, 'instances-bulk-edit-result');
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({
    patch: { weight: 7, metadata: { 'preserved.heart.beat.interval': '10000', rollout: 'canary' } },
  });
  expect((requests[0] as { instances: unknown[] }).instances).toHaveLength(4);

  const after = await instances('fleet');
  for (const port of [9201, 9202, 9204]) {
    expect(after.get(port)).toMatchObject({ weight: 7, overrides: { rollout: 'canary' } });
    expect(after.get(port)?.timings.intervalMs).toBe(10000);
  }
  expect(after.get(9206)).toMatchObject({ weight: 1, overrides: {} });
  expect(await beatInterval('fleet', 9202)).toBe(10000);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('tr[data-instance="127.0.0.1:9202"]')).toContainText(/10\s000 ms/);
});

test("item 6b: a service's default beat interval reaches instances without their own", async ({ page }, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/fleet`);
  await expect(page.getByTestId('default-beat-interval')).toContainText('server default');
  await page.getByRole('button', { name: 'Edit settings' }).click();
  const field = page.getByLabel('Default beat interval (ms)');
  await field.fill('500');
  await expect(page.getByText('From 1000 ms (1 second) to 3600000 ms (1 hour)').first()).toBeVisible();
  await field.fill('1500');
  const put = page.waitForRequest((r) => r.method() === 'PUT');
  await page.getByRole('button', { name: 'Save settings' }).click();
  expect((await put).postDataJSON()).toEqual({ defaultBeatIntervalMs: 1500 });
  await expect(page.getByTestId('default-beat-interval')).toContainText(/1\s500 ms/);
  // 9203 has no interval of its own: it is told the service's; 9202's operator interval still wins.
  const row = page.locator('tr[data-instance="127.0.0.1:9203"]');
  await expect(row).toContainText(/1\s500 ms/);
  await expect(row.locator('.source', { hasText: 'service' })).toBeVisible();
  expect(await beatInterval('fleet', 9203)).toBe(1500);
  expect(await beatInterval('fleet', 9202)).toBe(10000);
  await keepScreenshot(page, testInfo, 'service-default-beat-interval');

  // An interval that would outlast 9206's 2 s timeout is refused with the server's reason.
  await page.getByRole('button', { name: 'Edit settings' }).click();
  await page.getByLabel('Default beat interval (ms)').fill('3000');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('must be less than the unhealthy timeout (2000) of 127.0.0.1:9206')).toBeVisible();
  expect((await admin.getService('public', 'DEFAULT_GROUP', 'fleet')).defaultBeatIntervalMs).toBe(1500);
});

test('item 6c and 9: one click takes an instance offline, and it no longer counts as serving', async ({ page }) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/fleet`);
  const summary = page.getByTestId('serving-summary');
  // 9206 went unhealthy (2 s timeout, no beats): five healthy, none disabled.
  await expect(summary).toHaveText('5 healthy · 6 in all');
  await page.getByRole('button', { name: 'Take offline 127.0.0.1:9203' }).click();
  await expect(summary).toHaveText('4 healthy · 1 disabled · 6 in all');
  await expect(page.locator('tr[data-instance="127.0.0.1:9203"]')).toContainText('Disabled');
  expect((await instances('fleet')).get(9203)).toMatchObject({ enabled: false, enabledOverridden: true });
  // The service list counts it the same way.
  await page.goto(`${server.baseUrl}/`);
  await expect(page.locator('tr[data-service="fleet"]')).toContainText(/4 \/ 6\s*healthy · 1 disabled/);
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/fleet`);

  // Back online: the client registered it enabled, so the override goes and the client's flag shows.
  await page.getByRole('button', { name: 'Bring online 127.0.0.1:9203' }).click();
  await expect(summary).toHaveText('5 healthy · 6 in all');
  expect((await instances('fleet')).get(9203)).toMatchObject({ enabled: true, enabledOverridden: false });
});

test('item 9: the instance table fits 1400 px, its Edit column in view', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await register('wide', 9301, {
    ...QUIET,
    'preserved.heart.beat.interval': '1',
    team: 'payments-platform-checkout',
    region: 'eu-central-1',
    build: '2026.12.06-4f1c2d9e',
  });
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/wide`);
  const edit = page.getByRole('button', { name: 'Edit instance 127.0.0.1:9301' });
  await expect(edit).toBeInViewport();
  const wrap = page.getByRole('region', { name: 'Instance list' });
  const { scrollWidth, clientWidth, narrowest } = await wrap.evaluate((e) => {
    const table = e.querySelector('table')!;
    table.style.width = 'min-content';
    const narrowest = table.offsetWidth;
    table.style.width = '';
    return { scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, narrowest };
  });
  console.log(`instance table at 1400 px: ${clientWidth} px wide, needs at least ${narrowest} px`);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await keepScreenshot(page, testInfo, 'instances-at-1400px');
});

test('item 9: the subscriber list scrolls by keyboard (axe finds no violation on the service page)', async ({
  page,
}) => {
  // A Nacos 1.x client with a long agent string (no spaces to wrap at) polls with a UDP port.
  await fetch(
    `${server.baseUrl}/nacos/v1/ns/instance/list?${new URLSearchParams({ serviceName: 'fleet', udpPort: '45124', clientIP: '127.0.0.1' })}`,
    {
      headers: {
        'User-Agent': 'Nacos-Java-Client:v1.4.8;spring-cloud-alibaba-2021.0.5.0;dubbo-3.2.9;build-4f1c2d9e7a',
      },
    },
  );
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/fleet`);
  const list = page.getByRole('region', { name: 'Subscriber list' });
  await expect(list.locator('tr[data-subscriber="127.0.0.1:45124"]')).toBeVisible();
  // The list is wider than its panel (what axe's scrollable-region-focusable is about) ...
  expect(await list.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
  // ... and a keyboard reaches it and scrolls it.
  await list.focus();
  await expect(list).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => list.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);
  expect(await axeViolations(page)).toEqual([]);
});

test('item 9: focus moves to the page heading after navigation', async ({ page }) => {
  await page.goto(`${server.baseUrl}/`);
  await page.getByRole('link', { name: 'fleet', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('fleet');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Services' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  // Typing in a filter (the query changes, not the page) keeps the focus where it is.
  const search = page.getByRole('searchbox').first();
  await search.fill('fle');
  await expect(search).toBeFocused();
});

test("item 9: a namespace's delete button is disabled while the server would refuse, with the reason", async ({
  page,
}) => {
  await admin.createNamespace({ id: 'busy', name: 'Busy' });
  await admin.createNamespace({ id: 'idle', name: 'Idle' });
  await admin.createService('busy', { name: 'something', groupName: 'DEFAULT_GROUP', protectThreshold: 0 });
  await page.goto(`${server.baseUrl}/namespaces`);
  const busy = page.getByRole('button', { name: 'Delete namespace busy' });
  await expect(busy).toBeDisabled();
  await expect(busy).toHaveAttribute('title', /still has 1 service; delete them first/);
  await expect(page.getByRole('button', { name: 'Delete namespace idle' })).toBeEnabled();
});

test('item 9: a service whose every instance is down reads "All down", not "protection reached"', async ({
  page,
}, testInfo) => {
  const fastExpiry = {
    'preserved.heart.beat.interval': '1000',
    'preserved.heart.beat.timeout': '1500',
    'preserved.ip.delete.timeout': '900000',
  };
  await register('down', 9401, fastExpiry);
  await register('down', 9402, fastExpiry);
  await expect
    .poll(async () => (await admin.getService('public', 'DEFAULT_GROUP', 'down')).healthyCount, { timeout: 10_000 })
    .toBe(0);
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/down`);
  const header = page.locator('.page-header');
  await expect(header).toContainText('All down');
  await expect(header).not.toContainText('Protection reached');
  await page.goto(`${server.baseUrl}/`);
  await expect(page.locator('tr[data-service="down"]')).toContainText('All down');
  await keepScreenshot(page, testInfo, 'service-all-down');
});
