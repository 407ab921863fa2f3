/**
 * One truth about namespaces (issue 24, item 4): the console, the native API and the Nacos console
 * API list the same namespaces. One a registration made by using an unknown id is listed (named by
 * its id); a deleted one is gone from the page, the picker and the Nacos API at once, without a restart.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function nacos(method: 'POST' | 'DELETE', path: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${server.baseUrl}${path}?${new URLSearchParams(params)}`, { method });
  return res.text();
}

/** The namespace ids the Nacos 1.x console API lists (public as `public`). */
async function nacosConsoleIds(): Promise<string[]> {
  const res = await fetch(`${server.baseUrl}/nacos/v1/console/namespaces`);
  const body = (await res.json()) as { data: { namespace: string }[] };
  return body.data.map((n) => n.namespace || 'public');
}

function pickerIds(page: Page): Promise<string[]> {
  return page
    .getByLabel('Namespace')
    .locator('option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
}

test.beforeAll(async () => {
  server = await startConsoleServer();
});

test.afterAll(async () => {
  await server?.close();
});

test('a namespace a registration made is listed by the console and the Nacos console API alike', async ({
  page,
}, testInfo) => {
  const instance = { serviceName: 'orders', ip: '127.0.0.1', port: '9301', namespaceId: 'sprang' };
  expect(await nacos('POST', '/nacos/v1/ns/instance', instance)).toBe('ok');

  await page.goto(`${server.baseUrl}/namespaces`);
  const sprang = page.locator('tr[data-namespace="sprang"]');
  await expect(sprang.getByRole('rowheader')).toHaveText('sprang');
  await expect(sprang.locator('td.num')).toHaveText('1');
  expect(await pickerIds(page)).toEqual(['public', 'sprang']);
  expect(await nacosConsoleIds()).toEqual(['public', 'sprang']);
  await keepScreenshot(page, testInfo, 'namespaces-one-truth');
});

test('a deleted namespace that once held a service is gone from the page, the picker and the Nacos API at once', async ({
  page,
}) => {
  const service = { serviceName: 'orders', namespaceId: 'sprang' };
  expect(await nacos('DELETE', '/nacos/v1/ns/instance', { ...service, ip: '127.0.0.1', port: '9301' })).toBe('ok');
  expect(await nacos('DELETE', '/nacos/v1/ns/service', service)).toBe('ok');

  await page.goto(`${server.baseUrl}/namespaces`);
  const sprang = page.locator('tr[data-namespace="sprang"]');
  await expect(sprang.locator('td.num')).toHaveText('0');
  await sprang.getByRole('button', { name: 'Delete namespace sprang' }).click();
  await page
    .getByRole('dialog', { name: 'Delete namespace sprang?' })
    .getByRole('button', { name: 'Delete namespace' })
    .click();
  await expect(sprang).toHaveCount(0);
  await expect.poll(() => pickerIds(page)).toEqual(['public']);
  expect(await nacosConsoleIds()).toEqual(['public']);

  // Still gone after a reload: nothing kept it alive in the server (it did until a restart).
  await page.reload();
  await expect(page.locator('tr[data-namespace="public"]')).toBeVisible();
  await expect(sprang).toHaveCount(0);
  expect(await pickerIds(page)).toEqual(['public']);
});
