/** The audit trail in the console (issue 24, item 7): an edit made in the console is found on the Audit page. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';

let server: SpawnedServer;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const INSTANCE_TARGET = 'public/DEFAULT_GROUP@@payments/DEFAULT/127.0.0.1:9301';

test.beforeAll(async () => {
  server = await startConsoleServer();
  const params = new URLSearchParams({
    serviceName: 'payments',
    ip: '127.0.0.1',
    port: '9301',
    metadata: JSON.stringify({ 'preserved.heart.beat.timeout': '600000', 'preserved.ip.delete.timeout': '900000' }),
  });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${params}`, { method: 'POST' });
  expect(await res.text()).toBe('ok');
});

test.afterAll(async () => {
  await server?.close();
});

test('an instance edited in the console shows on the Audit page with who, when and the change', async ({
  page,
}, testInfo) => {
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/payments`);
  await page.getByRole('button', { name: 'Edit instance 127.0.0.1:9301' }).click();
  const dialog = page.getByRole('dialog', { name: /Edit instance 127\.0\.0\.1:9301/ });
  await dialog.getByLabel('Weight').fill('3');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  const row = page.locator('tbody tr').first();
  await expect(row.locator('td[data-label="Action"]')).toHaveText('editInstance');
  // Auth is off in this run: every caller is the anonymous admin, from the browser's address.
  await expect(row.locator('td[data-label="User"]')).toContainText('anonymous');
  await expect(row.locator('td[data-label="User"]')).toContainText('127.0.0.1');
  await expect(row.locator('td[data-label="Target"]')).toContainText(INSTANCE_TARGET);
  const change = row.locator('td[data-label="Change"]');
  await expect(change.locator('.audit-diff-row', { hasText: /^weight/ })).toHaveText(/weight\s*1\s*→\s*3/);
  await expect(change.locator('.audit-diff-row', { hasText: 'overridden.weight' })).toHaveText(/false\s*→\s*true/);
  // The client's registration is not an operator write.
  await expect(page.locator('td[data-label="Action"]', { hasText: 'registerInstance' })).toHaveCount(0);

  // The target narrows the list to it (and what lies below it), in the URL.
  await row.getByRole('button', { name: INSTANCE_TARGET }).click();
  await expect(page).toHaveURL(/\/audit\?target=public%2FDEFAULT_GROUP%40%40payments/);
  await expect(page.getByLabel('Target')).toHaveValue(INSTANCE_TARGET);
  await expect(page.locator('tbody tr')).toHaveCount(1);

  // A filter that matches nothing says so.
  await page.getByLabel('User').fill('somebody-else');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No operator writes match these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.locator('tbody tr').first().locator('td[data-label="Action"]')).toHaveText('editInstance');

  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, 'audit-trail.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('audit-trail', { path, contentType: 'image/png' });
});
