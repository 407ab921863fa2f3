/**
 * Weight and enabled as operator overrides (issue 12 item 2), on the built server over a real
 * SQLite file: an operator's edit (the console's PATCH) holds when the client registers again with
 * its own values and when the server restarts; the Nacos edit back to the client's values removes
 * the override, after which the client's own values show again. And the bounds of a timing edit
 * (item 4) hold on both faces.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NacosWire, NS, type WireResponse } from '../support/nacos-wire.js';
import { makeDataDir, removeDataDir, spawnServer } from '@beacon/test-support';

const SERVICE = 'edited';
const GROUPED = `DEFAULT_GROUP@@${SERVICE}`;
const EPHEMERAL = { ip: '127.0.0.61', port: 8080, clusterName: 'DEFAULT' };
const PERSISTENT = { ip: '127.0.0.62', port: 9, clusterName: 'P' };
type Where = typeof EPHEMERAL;

interface NativeInstance {
  ip: string;
  weight: number;
  enabled: boolean;
}

function expectOk(res: WireResponse): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'ok' });
}

function faces(baseUrl: string) {
  const nacos = new NacosWire(baseUrl, 'plain');
  const api = `${baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/${SERVICE}`;
  return {
    /** The client's registration, always with its own values: weight 2, enabled. */
    register: async (where: Where, weight = 2) =>
      expectOk(
        await nacos.post(NS + '/instance', {
          serviceName: GROUPED,
          ...where,
          weight,
          enabled: 'true',
          ephemeral: String(where === EPHEMERAL),
        }),
      ),
    /** The console's edit. */
    edit: (where: Where, body: object) =>
      fetch(`${api}/instances/${where.clusterName}/${where.ip}/${where.port}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    /** The Nacos console's edit (PUT /instance replaces weight and enabled). */
    nacosEdit: async (where: Where, weight: number, enabled: boolean, extra: Record<string, string> = {}) =>
      nacos.put(NS + '/instance', {
        serviceName: GROUPED,
        ...where,
        weight,
        enabled: String(enabled),
        ephemeral: String(where === EPHEMERAL),
        ...extra,
      }),
    /** Weight and enabled of every instance, as the native API shows them. */
    shown: async (): Promise<Record<string, [number, boolean]>> => {
      const res = await fetch(api);
      expect(res.status).toBe(200);
      const detail = (await res.json()) as { clusters: { instances: NativeInstance[] }[] };
      const all = detail.clusters.flatMap((c) => c.instances);
      return Object.fromEntries(all.map((i) => [i.ip, [i.weight, i.enabled]]));
    },
  };
}

describe('weight and enabled overrides on the built server over SQLite', () => {
  const dataDir = makeDataDir();
  const otherDataDir = makeDataDir();
  afterAll(() => {
    removeDataDir(dataDir);
    removeDataDir(otherDataDir);
  });

  it('survive re-registration and restarts; the edit back to the client values removes them', async () => {
    {
      await using server = await spawnServer({ dataDir });
      const f = faces(server.baseUrl);
      await f.register(EPHEMERAL);
      // A cluster without active checks, so the persistent instance's health stays put.
      expectOk(
        await new NacosWire(server.baseUrl, 'plain').put(NS + '/cluster', {
          serviceName: GROUPED,
          clusterName: 'P',
          checkPort: 80,
          useInstancePort4Check: 'true',
          healthChecker: '{"type":"NONE"}',
        }),
      );
      await f.register(PERSISTENT);
      for (const where of [EPHEMERAL, PERSISTENT]) {
        expect((await f.edit(where, { weight: 7, enabled: false })).status).toBe(200);
      }
      expect(await f.shown()).toEqual({ [EPHEMERAL.ip]: [7, false], [PERSISTENT.ip]: [7, false] });

      // The client registers again with its own values: the operator's stay.
      await f.register(EPHEMERAL);
      await f.register(PERSISTENT);
      expect(await f.shown()).toEqual({ [EPHEMERAL.ip]: [7, false], [PERSISTENT.ip]: [7, false] });
      expect((await server.kill('SIGKILL')).signal).toBe('SIGKILL');
    }
    {
      await using server = await spawnServer({ dataDir });
      const f = faces(server.baseUrl);
      // The persistent instance comes back from SQLite with its override; the ephemeral one
      // comes back when its client registers, and gets its override again.
      expect(await f.shown()).toEqual({ [PERSISTENT.ip]: [7, false] });
      await f.register(EPHEMERAL);
      expect(await f.shown()).toEqual({ [EPHEMERAL.ip]: [7, false], [PERSISTENT.ip]: [7, false] });

      // Editing back to the client's own values removes the overrides...
      for (const where of [EPHEMERAL, PERSISTENT]) expectOk(await f.nacosEdit(where, 2, true));
      expect(await f.shown()).toEqual({ [EPHEMERAL.ip]: [2, true], [PERSISTENT.ip]: [2, true] });
      // ...so the client's next values show, not a pinned copy.
      await f.register(EPHEMERAL, 3);
      await f.register(PERSISTENT, 3);
      expect(await f.shown()).toEqual({ [EPHEMERAL.ip]: [3, true], [PERSISTENT.ip]: [3, true] });
      const exit = await server.kill('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
    }
    {
      await using server = await spawnServer({ dataDir });
      expect(await faces(server.baseUrl).shown()).toEqual({ [PERSISTENT.ip]: [3, true] });
    }
  });

  it('refuses a heartbeat interval under 1 s or over 1 h on both faces, and changes nothing', async () => {
    await using server = await spawnServer({ dataDir: otherDataDir });
    const f = faces(server.baseUrl);
    await f.register(EPHEMERAL);
    const key = 'preserved.heart.beat.interval';
    const message = (value: string) =>
      `${key} must be a whole number of milliseconds from 1000 to 3600000 (1 second to 1 hour), got: ${value}`;

    const native = await f.edit(EPHEMERAL, { weight: 9, metadata: { [key]: '2' } });
    expect(native.status).toBe(400);
    expect(await native.text()).toContain(message('2'));
    const nacos = await f.nacosEdit(EPHEMERAL, 9, true, { metadata: JSON.stringify({ [key]: '3600001' }) });
    expect({ status: nacos.status, text: nacos.text }).toEqual({
      status: 400,
      text: message('3600001'),
    });
    expect(await f.shown()).toEqual({ [EPHEMERAL.ip]: [2, true] });

    // The bounds themselves are fine, and the next beat reply carries the interval.
    expect((await f.edit(EPHEMERAL, { metadata: { [key]: '1000' } })).status).toBe(200);
    const beat = await new NacosWire(server.baseUrl, 'java14').beat({ serviceName: GROUPED, ...EPHEMERAL }, undefined);
    expect(beat.json()).toEqual({ clientBeatInterval: 1000, code: 10200, lightBeatEnabled: true });
  });
});
