/**
 * Operator overrides of instance metadata: an operator sets `preserved.heart.beat.interval` with
 * PUT or PATCH /instance; the next beat reply carries it; it survives the client's re-registration
 * with its original metadata, and a restart of the built server on the same data directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS, type WireResponse } from '../support/nacos-wire.js';
import {
  makeDataDir,
  removeDataDir,
  spawnServer,
  startInProcessServer,
  type InProcessServer,
} from '@beacon/test-support';

const INTERVAL = 'preserved.heart.beat.interval';
const SERVICE = 'DEFAULT_GROUP@@overridden';
const ORIGINAL = { k: 'v' };

/** What the Node client sends: register and full beat, with its own metadata. */
function nodeClient(baseUrl: string, ip: string, port = 8080) {
  const w = new NacosWire(baseUrl, 'node');
  return {
    register: (extra: Record<string, string> = {}) =>
      w.post(NS + '/instance', {
        namespaceId: 'public',
        serviceName: SERVICE,
        groupName: 'DEFAULT_GROUP',
        clusterName: 'DEFAULT',
        ip,
        port,
        weight: 1,
        enable: 'true',
        healthy: 'true',
        ephemeral: 'true',
        metadata: JSON.stringify(ORIGINAL),
        ...extra,
      }),
    beat: async (): Promise<{ clientBeatInterval: number; code: number }> => {
      const res = await w.beat(
        { namespaceId: 'public', serviceName: SERVICE },
        { serviceName: SERVICE, ip, port, cluster: 'DEFAULT', weight: 1, metadata: ORIGINAL, scheduled: true },
      );
      expect(res.status).toBe(200);
      return res.json();
    },
  };
}

function expectOk(res: WireResponse): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'ok' });
}

async function metadataOf(baseUrl: string, ip: string, port = 8080): Promise<Record<string, string>> {
  const res = await new NacosWire(baseUrl, 'java14').get(NS + '/instance', { serviceName: SERVICE, ip, port });
  expect(res.status).toBe(200);
  return res.json<{ metadata: Record<string, string> }>().metadata;
}

describe('in process', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcessServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('PUT /instance (the console edit) sets it; re-registration keeps it', async () => {
    const client = nodeClient(server.baseUrl, '10.50.0.1');
    expectOk(await client.register());
    expect((await client.beat()).clientBeatInterval).toBe(5000);

    expectOk(
      await new NacosWire(server.baseUrl, 'plain', 'Mozilla/5.0').put(NS + '/instance', {
        serviceName: 'overridden',
        groupName: 'DEFAULT_GROUP',
        clusterName: 'DEFAULT',
        ip: '10.50.0.1',
        port: 8080,
        ephemeral: 'true',
        weight: 1,
        enabled: 'true',
        metadata: JSON.stringify({ ...ORIGINAL, [INTERVAL]: '2000' }),
      }),
    );
    expect(await client.beat()).toEqual({ clientBeatInterval: 2000, code: 10200, lightBeatEnabled: true });

    expectOk(await client.register());
    expect(await metadataOf(server.baseUrl, '10.50.0.1')).toEqual({ ...ORIGINAL, [INTERVAL]: '2000' });
    expect((await client.beat()).clientBeatInterval).toBe(2000);

    // Deregister and register again (a client restart): still there.
    expectOk(
      await new NacosWire(server.baseUrl, 'node').delete(NS + '/instance', {
        serviceName: SERVICE,
        ip: '10.50.0.1',
        port: 8080,
        clusterName: 'DEFAULT',
        ephemeral: 'true',
      }),
    );
    expectOk(await client.register());
    expect((await client.beat()).clientBeatInterval).toBe(2000);
  });

  it('PATCH /instance sets it; a Java 1.4 strict PUT too; setting it back to the registered value drops it', async () => {
    const client = nodeClient(server.baseUrl, '10.50.0.2');
    expectOk(await client.register({ metadata: JSON.stringify({ ...ORIGINAL, [INTERVAL]: '4000' }) }));
    expect((await client.beat()).clientBeatInterval).toBe(4000);

    const patch = (metadata: object) =>
      new NacosWire(server.baseUrl, 'go').patch(NS + '/instance', {
        serviceName: SERVICE,
        ip: '10.50.0.2',
        port: 8080,
        metadata: JSON.stringify(metadata),
      });
    expectOk(await patch({ ...ORIGINAL, [INTERVAL]: '3000' }));
    expect((await client.beat()).clientBeatInterval).toBe(3000);
    expectOk(await client.register({ metadata: JSON.stringify({ ...ORIGINAL, [INTERVAL]: '4000' }) }));
    expect((await client.beat()).clientBeatInterval).toBe(3000);

    expectOk(
      await new NacosWire(server.baseUrl, 'java14').put(NS + '/instance', {
        serviceName: SERVICE,
        ip: '10.50.0.2',
        port: 8080,
        metadata: JSON.stringify({ ...ORIGINAL, [INTERVAL]: '3500' }),
      }),
    );
    expect((await client.beat()).clientBeatInterval).toBe(3500);

    // Back to what the client registers: no override is left behind.
    expectOk(await patch({ ...ORIGINAL, [INTERVAL]: '4000' }));
    expectOk(await client.register({ metadata: JSON.stringify(ORIGINAL) }));
    expect((await client.beat()).clientBeatInterval).toBe(5000);
  });
});

describe('the built server, restarted on the same data directory', () => {
  const dataDir = makeDataDir();
  afterAll(() => removeDataDir(dataDir));

  it('keeps the override of an ephemeral and of a persistent instance across kill -9 and SIGTERM', async () => {
    const ephemeral = '10.50.1.1';
    {
      await using first = await spawnServer({ dataDir });
      const client = nodeClient(first.baseUrl, ephemeral);
      expectOk(await client.register());
      expectOk(
        await new NacosWire(first.baseUrl, 'go').patch(NS + '/instance', {
          serviceName: SERVICE,
          ip: ephemeral,
          port: 8080,
          metadata: JSON.stringify({ ...ORIGINAL, [INTERVAL]: '2500' }),
        }),
      );
      expect((await client.beat()).clientBeatInterval).toBe(2500);

      // A persistent instance on a cluster without active checks, so its health stays put.
      const w = new NacosWire(first.baseUrl, 'plain');
      expectOk(
        await w.put(NS + '/cluster', {
          serviceName: SERVICE,
          clusterName: 'P',
          checkPort: 80,
          useInstancePort4Check: 'true',
          healthChecker: '{"type":"NONE"}',
        }),
      );
      expectOk(
        await w.post(NS + '/instance', {
          serviceName: SERVICE,
          clusterName: 'P',
          ip: '127.0.0.1',
          port: 9,
          ephemeral: 'false',
          metadata: JSON.stringify(ORIGINAL),
        }),
      );
      expectOk(
        await w.put(NS + '/instance', {
          serviceName: SERVICE,
          clusterName: 'P',
          ip: '127.0.0.1',
          port: 9,
          ephemeral: 'false',
          metadata: JSON.stringify({ ...ORIGINAL, [INTERVAL]: '1500' }),
        }),
      );
      expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    }

    for (const stop of ['SIGTERM', 'SIGKILL'] as const) {
      await using server = await spawnServer({ dataDir });
      const client = nodeClient(server.baseUrl, ephemeral);
      const java = new NacosWire(server.baseUrl, 'java14');

      // Ephemeral instances live in memory: a light beat finds nothing, and is asked back within 1 s.
      const light = await java.beat(
        { serviceName: SERVICE, ip: ephemeral, port: 8080, clusterName: 'DEFAULT' },
        undefined,
      );
      expect(light.text).toBe('{"clientBeatInterval":1000,"code":20404}');
      // The client's full beat re-registers it with its own metadata, and the override is on top.
      expect(await client.beat()).toEqual({ clientBeatInterval: 2500, code: 10200, lightBeatEnabled: true });
      expect(await metadataOf(server.baseUrl, ephemeral)).toEqual({ ...ORIGINAL, [INTERVAL]: '2500' });
      expectOk(await client.register());
      expect((await client.beat()).clientBeatInterval).toBe(2500);

      // The persistent instance is back, with its override.
      const detail = await java.get(NS + '/instance', {
        serviceName: SERVICE,
        ip: '127.0.0.1',
        port: 9,
        clusterName: 'P',
      });
      expect(detail.json()).toMatchObject({
        clusterName: 'P',
        healthy: true,
        metadata: { ...ORIGINAL, [INTERVAL]: '1500' },
      });
      const beat = await java.beat({ serviceName: SERVICE, ip: '127.0.0.1', port: 9, clusterName: 'P' }, undefined);
      expect(beat.json()).toEqual({ clientBeatInterval: 1500, code: 10200, lightBeatEnabled: true });

      const exit = await server.kill(stop);
      if (stop === 'SIGTERM') expect(exit).toEqual({ code: 0, signal: null });
    }
  });
});
