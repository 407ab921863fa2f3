import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { AdminClient, BeaconApiError } from '@beacon/sdk/admin';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';

const ADMIN_PASSWORD = 'e2e-admin-password';
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;

test.beforeAll(async () => {
  server = await startConsoleServer({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: ADMIN_PASSWORD });
});

test.afterAll(async () => {
  await server?.close();
});

test('with auth on, the console asks for a login, refuses a wrong password and goes live after a right one', async ({
  page,
}) => {
  await page.goto(`${server.baseUrl}/`);
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue('nacos');

  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong username or password');

  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  // The watch stream accepts the token too.
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  // A reload keeps the session; signing out ends it.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to the console' })).toBeVisible();
});

test('an admin manages users, roles and permissions', async ({ page }, testInfo) => {
  await page.goto(`${server.baseUrl}/`);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.locator('tr[data-user="nacos"]')).toContainText('Admin');

  const create = page.getByRole('form', { name: 'Add a user' });
  await create.getByLabel('Username').fill('alice');
  await create.getByLabel('Password').fill('short');
  await create.getByRole('button', { name: 'Add user' }).click();
  await expect(create.getByText('At least 8 characters', { exact: true })).toBeVisible();
  await create.getByLabel('Password').fill('alice-password');
  await create.getByRole('button', { name: 'Add user' }).click();
  const alice = page.locator('tr[data-user="alice"]');
  await expect(alice).toContainText('nothing yet');

  await alice.getByRole('button', { name: 'Add role to alice' }).click();
  await alice.getByLabel('Role for alice').fill('readers');
  await alice.getByRole('button', { name: 'Add role' }).click();
  await expect(alice.getByText('readers')).toBeVisible();

  const grant = page.getByRole('form', { name: 'Grant a permission' });
  await grant.getByLabel('Role').fill('readers');
  await grant.getByLabel('Resource').fill('public');
  await grant.getByRole('button', { name: 'Grant' }).click();
  await expect(grant.getByText('Write it as namespace:group:service')).toBeVisible();
  await grant.getByLabel('Resource').fill('public:*:*');
  await grant.getByRole('button', { name: 'Grant' }).click();
  await expect(alice).toContainText('read public:*:*');

  // What the page did is what the server holds: alice can sign in and read, not write.
  const asAlice = new AdminClient({ baseUrl: server.baseUrl });
  const { accessToken } = await asAlice.login('alice', 'alice-password');
  const alicesClient = new AdminClient({ baseUrl: server.baseUrl, token: () => accessToken });
  await expect(alicesClient.listServices('public')).resolves.toMatchObject({ total: 0 });
  await expect(
    alicesClient.createService('public', { name: 'x', groupName: 'DEFAULT_GROUP', protectThreshold: 0 }),
  ).rejects.toBeInstanceOf(BeaconApiError);

  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, 'users-page.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('users-page', { path, contentType: 'image/png' });

  await alice.getByRole('button', { name: 'Delete alice' }).click();
  await alice.getByRole('button', { name: 'Delete alice' }).click();
  await expect(alice).toHaveCount(0);
  await expect(asAlice.login('alice', 'alice-password')).rejects.toBeInstanceOf(BeaconApiError);
});
