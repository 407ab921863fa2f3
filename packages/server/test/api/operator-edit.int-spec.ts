/**
 * The native operator edit, PATCH /api/v1/.../instances/:cluster/:ip/:port, over real HTTP: weight,
 * enabled and metadata keys change together as ONE registry change (one revision), the answer
 * shows the client's own values next to what is overridden, `null` removes an override so the
 * client's value shows again, and a bad body changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

const SERVICE = 'DEFAULT_GROUP@@edited';
const INSTANCE = { ip: '127.0.0.71', port: 8080 };

interface Shown {
  weight: number;
  enabled: boolean;
  metadata: Record<string, string>;
  overrides: Record<string, string>;
  weightOverridden: boolean;
  enabledOverridden: boolean;
  client: { weight: number; enabled: boolean; metadata: Record<string, string> };
}

let server: InProcessServer;
let instanceUrl: string;

async function revision(): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/v1/status`);
  return ((await res.json()) as { revision: number }).revision;
}

function patch(body: unknown, url = instanceUrl): Promise<Response> {
  return fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  server = await startInProcessServer();
  const nacos = new NacosWire(server.baseUrl, 'plain');
  const res = await nacos.post(NS + '/instance', {
    serviceName: SERVICE,
    ...INSTANCE,
    weight: 2,
    metadata: JSON.stringify({ zone: 'a', team: 'core' }),
  });
  expect(res.status).toBe(200);
  instanceUrl = `${server.baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/edited/instances/DEFAULT/${INSTANCE.ip}/${INSTANCE.port}`;
});

afterAll(() => server.close());

describe('PATCH an instance (the operator edit)', () => {
  it('applies weight, enabled and metadata as one change, and shows the client values beside the overrides', async () => {
    const before = await revision();
    const res = await patch({ weight: 7, enabled: false, metadata: { zone: 'b', extra: 'x' } });
    expect(res.status).toBe(200);
    const shown = (await res.json()) as Shown;
    expect(await revision()).toBe(before + 1);
    expect(shown).toMatchObject({
      weight: 7,
      enabled: false,
      metadata: { zone: 'b', team: 'core', extra: 'x' },
      overrides: { zone: 'b', extra: 'x' },
      weightOverridden: true,
      enabledOverridden: true,
      client: { weight: 2, enabled: true, metadata: { zone: 'a', team: 'core' } },
    });
  });

  it('removes overrides with null, so the client values show again', async () => {
    const res = await patch({ weight: null, enabled: null, metadata: { zone: null, extra: null } });
    expect(res.status).toBe(200);
    expect((await res.json()) as Shown).toMatchObject({
      weight: 2,
      enabled: true,
      metadata: { zone: 'a', team: 'core' },
      overrides: {},
      weightOverridden: false,
      enabledOverridden: false,
    });
  });

  it('refuses a bad value with 400 and changes nothing, not even the valid parts of the edit', async () => {
    const before = await revision();
    for (const body of [
      { weight: 'heavy' },
      { weight: 10001 },
      { enabled: 'yes' },
      { weight: 3, metadata: { a: 1 } },
    ]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await revision()).toBe(before);
  });

  it('answers 404 for an instance that is not there', async () => {
    const res = await patch({ weight: 3 }, instanceUrl.replace(`/${INSTANCE.port}`, '/8081'));
    expect(res.status).toBe(404);
  });
});
