import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { AdminClient } from '@beacon/sdk/admin';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';
import { registerAll } from '../support/registry-seed.js';

/**
 * Issue 12 with auth on: a fresh load asks nothing that is refused, a read-only user sees no write
 * controls and "No access" for a forbidden namespace (without retrying), and an admin manages
 * namespaces and services, each deletion behind a confirmation; a service shows its subscribers.
 */
const ADMIN_PASSWORD = 'e2e-admin-password';
const VIEWER_PASSWORD = 'viewer-password';
const TEAM_PASSWORD = 'team-password';
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;
let admin: AdminClient;

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function signIn(page: Page, username: string, password: string, path = '/'): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
}

test.beforeAll(async () => {
  server = await startConsoleServer({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const { accessToken } = await new AdminClient({ baseUrl: server.baseUrl }).login('nacos', ADMIN_PASSWORD);
  admin = new AdminClient({ baseUrl: server.baseUrl, token: () => accessToken });
  await admin.createUser('viewer', VIEWER_PASSWORD);
  await admin.bindRole('viewers', 'viewer');
  await admin.grantPermission({ role: 'viewers', resource: 'public:*:*', action: 'r' });
  // A team limited to its own namespace, where it may write.
  await admin.createUser('team', TEAM_PASSWORD);
  await admin.bindRole('secret-team', 'team');
  await admin.grantPermission({ role: 'secret-team', resource: 'secret:*:*', action: 'rw' });
  await registerAll(
    server.baseUrl,
    [
      { serviceName: 'orders', ip: '127.0.0.1', port: 8080 },
      { serviceName: 'orders', ip: '127.0.0.2', port: 8080 },
      { serviceName: 'vault', ip: '127.0.0.3', port: 8080, namespaceId: 'secret' },
    ],
    { token: accessToken },
  );
});

test.afterAll(async () => {
  await server?.close();
});

test('9. a fresh load makes no request that is refused before signing in', async ({ page }) => {
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 401 || response.status() === 403) refused.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/orders`);
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('orders');
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  expect(refused).toEqual([]);
});

test('6. a read-only user sees no write controls and "No access" for a forbidden namespace', async ({
  page,
}, testInfo) => {
  await signIn(page, 'viewer', VIEWER_PASSWORD);
  await expect(page.locator('tr[data-service="orders"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create service' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Namespaces' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Audit' })).toHaveCount(0);

  await page.locator('tr[data-service="orders"]').getByRole('link', { name: 'orders' }).click();
  await expect(page.locator('tr[data-instance="127.0.0.1:8080"]')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Edit instance/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit settings' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Edit health check/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete service' })).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'read-only-service');

  // A namespace the user may not read: said once, not retried.
  const watches: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/watch')) watches.push(request.url());
  });
  await page.goto(`${server.baseUrl}/?namespace=secret`);
  await expect(page.getByRole('heading', { name: 'No access to namespace secret' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'No access' })).toBeVisible();
  await page.waitForTimeout(4000);
  expect(watches.filter((url) => url.includes('namespaceId=secret'))).toEqual([]);
  await keepScreenshot(page, testInfo, 'no-access-namespace');
});

test('8. subscribers, namespaces and services, each deletion confirmed', async ({ page }, testInfo) => {
  await signIn(page, 'nacos', ADMIN_PASSWORD);

  // Subscribers: a Nacos 1.x client polling with a UDP port, and this page's own watch stream.
  await fetch(
    `${server.baseUrl}/nacos/v1/ns/instance/list?${new URLSearchParams({
      serviceName: 'orders',
      udpPort: '45123',
      clientIP: '127.0.0.1',
      accessToken: (await new AdminClient({ baseUrl: server.baseUrl }).login('nacos', ADMIN_PASSWORD)).accessToken,
    }).toString()}`,
    { headers: { 'User-Agent': 'Nacos-Java-Client:v1.4.8' } },
  );
  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/orders`);
  const subscribers = page.getByRole('region', { name: 'Subscribers' });
  await expect(subscribers.locator('tr[data-subscriber="127.0.0.1:45123"]')).toContainText('UDP push');
  await expect(subscribers.getByText('Watch stream').first()).toBeVisible();
  await keepScreenshot(page, testInfo, 'service-subscribers');

  // Namespaces: create, rename, delete.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Namespaces' }).click();
  await page.getByRole('button', { name: 'Create namespace' }).click();
  let dialog = page.getByRole('dialog', { name: 'Create a namespace' });
  await dialog.getByLabel('Id').fill('staging');
  await dialog.getByLabel('Name').fill('Staging');
  await dialog.getByRole('button', { name: 'Create namespace' }).click();
  const staging = page.locator('tr[data-namespace="staging"]');
  await expect(staging).toContainText('Staging');
  await staging.getByRole('button', { name: 'Edit namespace staging' }).click();
  dialog = page.getByRole('dialog', { name: 'Edit namespace staging' });
  await dialog.getByLabel('Description').fill('pre-production');
  await dialog.getByRole('button', { name: 'Save namespace' }).click();
  await expect(staging).toContainText('pre-production');
  await keepScreenshot(page, testInfo, 'namespaces-page');
  await staging.getByRole('button', { name: 'Delete namespace staging' }).click();
  dialog = page.getByRole('dialog', { name: 'Delete namespace staging?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(staging).toBeVisible();
  await staging.getByRole('button', { name: 'Delete namespace staging' }).click();
  await page
    .getByRole('dialog', { name: 'Delete namespace staging?' })
    .getByRole('button', { name: 'Delete namespace' })
    .click();
  await expect(staging).toHaveCount(0);
  expect((await admin.listNamespaces()).map((n) => n.id)).not.toContain('staging');

  // A namespace with services is not deleted: the button says why before the server has to (issue 24).
  const deleteSecret = page
    .locator('tr[data-namespace="secret"]')
    .getByRole('button', { name: 'Delete namespace secret' });
  await expect(deleteSecret).toBeDisabled();
  await expect(deleteSecret).toHaveAttribute('title', /still has 1 service/);

  // Services: create, then delete behind a confirmation.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Services' }).click();
  await page.getByRole('button', { name: 'Create service' }).click();
  dialog = page.getByRole('dialog', { name: /Create a service/ });
  await dialog.getByLabel('Service name').fill('billing');
  await dialog.getByLabel('Protect threshold').fill('2');
  await dialog.getByRole('button', { name: 'Create service' }).click();
  await expect(dialog.getByText('Must be a number from 0 to 1')).toBeVisible();
  await dialog.getByLabel('Protect threshold').fill('0.5');
  await dialog.getByRole('button', { name: 'Create service' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('billing');
  await page.getByRole('button', { name: 'Delete service' }).click();
  dialog = page.getByRole('dialog', { name: 'Delete service billing?' });
  await expect(dialog).toContainText('its 0 instances will be removed');
  await dialog.getByRole('button', { name: 'Delete service' }).click();
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  await expect(admin.getService('public', 'DEFAULT_GROUP', 'billing')).rejects.toMatchObject({ status: 404 });
});

test('10. a user limited to one namespace lands on it, and may create and delete services there', async ({
  page,
}, testInfo) => {
  await signIn(page, 'team', TEAM_PASSWORD);
  // Not "No access to namespace public": the first namespace the user may read.
  await expect(page).toHaveURL(/[?&]namespace=secret/);
  await expect(page.locator('tr[data-service="vault"]')).toBeVisible();
  await expect(page.getByRole('heading', { name: /No access/ })).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'team-lands-on-its-namespace');

  // The server lets the team create and delete services in it: the console shows both.
  await page.getByRole('button', { name: 'Create service' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a service in secret' });
  await dialog.getByLabel('Service name').fill('team-made');
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/services'));
  await dialog.getByRole('button', { name: 'Create service' }).click();
  expect((await created).status()).toBe(201);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('team-made');
  await page.getByRole('button', { name: 'Delete service' }).click();
  const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE');
  await page
    .getByRole('dialog', { name: 'Delete service team-made?' })
    .getByRole('button', { name: 'Delete service' })
    .click();
  expect((await deleted).status()).toBe(204);
  expect(await admin.listServices('secret', {})).toMatchObject({ total: 1 });

  // Asking for public explicitly still says no, and points to the namespace the user may read.
  await page.goto(`${server.baseUrl}/?namespace=public`);
  await expect(page.getByRole('heading', { name: 'No access to namespace public' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to namespace secret' }).click();
  await expect(page.locator('tr[data-service="vault"]')).toBeVisible();
});
