/** What an on-call operator must see at a glance (issue 24). */
import { expect, test } from '@playwright/test';
import type { SpawnedServer } from '@beacon/test-support';
import { startConsoleServer } from '../support/console-server.js';

test.describe.configure({ mode: 'serial' });

let server: SpawnedServer;

/** Registers as a Nacos 1.x client does (no beats: long timeouts keep the instance). */
async function register(serviceName: string, port: number, metadata: Record<string, string>): Promise<void> {
  const params = new URLSearchParams({
    serviceName,
    ip: '127.0.0.1',
    port: String(port),
    metadata: JSON.stringify(metadata),
  });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${params}`, { method: 'POST' });
  expect(await res.text()).toBe('ok');
}

test.beforeAll(async () => {
  server = await startConsoleServer();
});

test.afterAll(async () => {
  await server?.close();
});

test('an instance whose client asked for an interval outside 1 s – 1 h is flagged', async ({ page }) => {
  const long = { 'preserved.heart.beat.timeout': '600000', 'preserved.ip.delete.timeout': '900000' };
  await register('misconfigured', 9001, { ...long, 'preserved.heart.beat.interval': '1' });
  await register('misconfigured', 9002, { ...long, 'preserved.heart.beat.interval': '999999999' });
  await register('misconfigured', 9003, { ...long, 'preserved.heart.beat.interval': '2000' });

  await page.goto(`${server.baseUrl}/services/DEFAULT_GROUP/misconfigured`);
  const row = (port: number) => page.locator(`tr[data-instance="127.0.0.1:${port}"]`);
  await expect(row(9001).getByRole('note')).toHaveText(/client asked for 1 ms, outside 1 s – 1 h; told 1\s000 ms/);
  await expect(row(9002).getByRole('note')).toHaveText(
    /client asked for 999999999 ms, outside 1 s – 1 h; told 3\s600\s000 ms/,
  );
  await expect(row(9003)).toContainText(/2\s000 ms/);
  await expect(row(9003).getByRole('note')).toHaveCount(0);
});
