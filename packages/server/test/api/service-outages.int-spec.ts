import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

/**
 * Issue 24, item 1: a service that had instances and lost them all stays on top of the default
 * listing (health order, empty services hidden), with when it lost them, and counts as an outage.
 */
let server: InProcessServer;

async function nacos(method: 'POST' | 'DELETE', serviceName: string, port: number): Promise<void> {
  const params = new URLSearchParams({ serviceName, ip: '127.0.0.1', port: String(port) });
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${params}`, { method });
  expect(await res.text()).toBe('ok');
}

interface Listing {
  items: { name: string; instanceCount: number; lostAllInstancesAt?: number }[];
  summary: { services: number; empty: number; outages: number };
}

async function defaultListing(): Promise<Listing> {
  const res = await fetch(`${server.baseUrl}/api/v1/namespaces/public/services?hideEmpty=true&sort=health`);
  expect(res.status).toBe(200);
  return (await res.json()) as Listing;
}

beforeAll(async () => {
  server = await startInProcessServer();
  await nacos('POST', 'alpha', 8001);
  await nacos('POST', 'lost', 8002);
  await nacos('POST', 'lost', 8003);
  await nacos('POST', 'zulu', 8004);
  const created = await fetch(`${server.baseUrl}/api/v1/namespaces/public/services`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ groupName: 'DEFAULT_GROUP', name: 'never-had-any' }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await server?.close();
});

describe('a service that lost every instance', () => {
  it('is not an outage while one instance is left', async () => {
    await nacos('DELETE', 'lost', 8002);
    const listing = await defaultListing();
    expect(listing.items.map((s) => s.name)).toEqual(['alpha', 'lost', 'zulu']);
    expect(listing.summary.outages).toBe(0);
  });

  it('stays listed, first, with when it lost them, and counts as an outage', async () => {
    const before = Date.now();
    await nacos('DELETE', 'lost', 8003);
    const listing = await defaultListing();
    expect(listing.items.map((s) => s.name)).toEqual(['lost', 'alpha', 'zulu']);
    const lost = listing.items[0]!;
    expect(lost.instanceCount).toBe(0);
    expect(lost.lostAllInstancesAt).toBeGreaterThanOrEqual(before);
    expect(lost.lostAllInstancesAt).toBeLessThanOrEqual(Date.now());
    // The one created empty never had instances: still hidden, counted as empty only.
    expect(listing.summary).toMatchObject({ services: 4, empty: 2, outages: 1 });
    expect(listing.items.find((s) => s.name === 'alpha')?.lostAllInstancesAt).toBeUndefined();
  });

  it('is back to normal when an instance returns', async () => {
    await nacos('POST', 'lost', 8003);
    const listing = await defaultListing();
    expect(listing.items.map((s) => s.name)).toEqual(['alpha', 'lost', 'zulu']);
    expect(listing.items[1]!.lostAllInstancesAt).toBeUndefined();
    expect(listing.summary.outages).toBe(0);
  });
});
