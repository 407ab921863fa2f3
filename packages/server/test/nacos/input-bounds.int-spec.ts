/**
 * Security: names are bounded (a 950 KB service name once grew the database by 185 MB) and JSON
 * nested 150,000 levels deep is a client mistake (400), not a crash (500). Every face gets the
 * bounds, because the core enforces them.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcessServer({
    env: { BEACON_MAX_GROUP_NAME_LENGTH: '20', BEACON_BODY_LIMIT_BYTES: String(8 * 1024 * 1024) },
  });
});
afterAll(async () => {
  await server?.close();
});

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const nacos = (method: string, path: string, params: Record<string, string>) =>
  fetch(`${server.baseUrl}/nacos/v1/ns${path}?${form(params)}`, { method });

async function serviceCount(): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/v1/status`);
  return ((await res.json()) as { serviceCount: number }).serviceCount;
}

describe('name lengths', () => {
  const base = { serviceName: 'svc', ip: '127.0.0.1', port: '80' };
  it.each([
    ['serviceName', { serviceName: 's'.repeat(513) }],
    ['serviceName', { serviceName: 's'.repeat(950 * 1024) }],
    ['groupName', { groupName: 'g'.repeat(21) }],
    ['clusterName', { clusterName: 'c'.repeat(65) }],
    ['namespaceId', { namespaceId: 'n'.repeat(129) }],
    ['app', { app: 'a'.repeat(129) }],
    ['ip', { ip: `${'h'.repeat(60)}.`.repeat(5) + 'example' }],
  ])('a too long %s is a 400 that names it, and nothing is stored', async (param, override) => {
    const before = await serviceCount();
    // A 950 KB name goes in the body: no URL is that long.
    const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...base, ...override }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(new RegExp(`^Param '${param}' is too long|'${param}' must be`));
    expect(await serviceCount()).toBe(before);
  });

  it('names at the bounds are accepted (the group bound is configurable)', async () => {
    const res = await nacos('POST', '/instance', {
      serviceName: 's'.repeat(512),
      groupName: 'g'.repeat(20),
      clusterName: 'c'.repeat(64),
      app: 'a'.repeat(128),
      ip: '127.0.0.1',
      port: '80',
    });
    expect(await res.text()).toBe('ok');
  });

  it('the native API and service creation get the same bounds', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/namespaces/public/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(600) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("Param 'serviceName' is too long");
    const nacosCreate = await nacos('POST', '/service', { serviceName: 'y'.repeat(600) });
    expect(nacosCreate.status).toBe(400);
  });
});

describe('deeply nested JSON', () => {
  const deepArray = '['.repeat(150_000) + ']'.repeat(150_000);
  const deepObject = '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000);

  it.each([
    ['beat metadata', { beat: `{"ip":"127.0.0.1","port":80,"metadata":${deepObject}}` }],
    ['beat metadata array', { beat: `{"ip":"127.0.0.1","port":80,"metadata":${deepArray}}` }],
    ['beat', { beat: deepArray }],
  ])('%s nested 150,000 levels: 400, not 500', async (_what, params) => {
    const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance/beat`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ serviceName: 'deep', ...params }),
    });
    expect(res.status).toBe(400);
  });

  it('instance metadata nested 150,000 levels: 400', async () => {
    const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ serviceName: 'deep', ip: '127.0.0.1', port: '80', metadata: `{"k":${deepObject}}` }),
    });
    expect(res.status).toBe(400);
  });

  it('a JSON body nested 150,000 levels on the native API: 400', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/namespaces/public/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"name":"deep","metadata":${deepObject}}`,
    });
    expect(res.status).toBe(400);
  });
});

describe('data directory modes', () => {
  it('a new data directory is 0700 and the database files are 0600', async () => {
    const parent = makeDataDir();
    const dataDir = join(parent, 'fresh');
    try {
      // Without a configured secret the server writes its own into the data dir.
      await using started = await startInProcessServer({ dataDir, env: { BEACON_TOKEN_SECRET: undefined } });
      await nacos('POST', '/instance', { serviceName: 'modes', ip: '127.0.0.1', port: '80', ephemeral: 'false' });
      expect(started.dataDir).toBe(dataDir);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of ['beacon.db', 'beacon.db-wal', 'token-secret']) {
        expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
      }
    } finally {
      removeDataDir(parent);
    }
  });
});
