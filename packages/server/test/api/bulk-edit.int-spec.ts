/**
 * Bulk and service-wide edits over real HTTP:
 * - PATCH /api/v1/.../instances edits many instances at once, each through the single-instance
 *   edit (overrides that hold across re-registration, the same bounds), with one result per
 *   instance; a bad patch or list is a 400 that changes nothing.
 * - A service's default beat interval (`defaultBeatIntervalMs`, kept as the service metadata's
 *   `preserved.heart.beat.interval`) reaches the beat reply of instances without their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { makeDataDir, removeDataDir, startInProcessServer, type InProcessServer } from '@beacon/test-support';

const SERVICE = 'DEFAULT_GROUP@@bulk';
const IPS = ['127.0.0.81', '127.0.0.82', '127.0.0.83'];
/** Registered with a 2 s unhealthy timeout: an interval of 3 s is refused for it alone. */
const SHORT_TIMEOUT_IP = '127.0.0.84';

interface Shown {
  ip: string;
  weight: number;
  enabled: boolean;
  metadata: Record<string, string>;
  overrides: Record<string, string>;
  timings: { intervalMs: number; intervalSource: string };
}
interface BulkResult {
  updated: number;
  results: { ip: string; port: number; outcome: string; message?: string; instance?: Shown }[];
}

let server: InProcessServer;
let nacos: NacosWire;
let serviceUrl: string;

async function revision(): Promise<number> {
  const res = await fetch(`${server.baseUrl}/api/v1/status`);
  return ((await res.json()) as { revision: number }).revision;
}

function send(method: string, url: string, body: unknown): Promise<Response> {
  return fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const bulk = (body: unknown) => send('PATCH', `${serviceUrl}/instances`, body);
const target = (ip: string, port = 8080) => ({ clusterName: 'DEFAULT', ip, port });

async function register(ip: string, metadata: Record<string, string> = {}): Promise<void> {
  const res = await nacos.post(NS + '/instance', {
    serviceName: SERVICE,
    ip,
    port: 8080,
    weight: 1,
    metadata: JSON.stringify({ zone: 'a', ...metadata }),
  });
  expect(res.status).toBe(200);
}

async function beatInterval(ip: string): Promise<number> {
  const res = await nacos.beat(
    { serviceName: SERVICE, ip, port: 8080 },
    { serviceName: SERVICE, ip, port: 8080, cluster: 'DEFAULT' },
  );
  expect(res.status).toBe(200);
  return res.json<{ clientBeatInterval: number }>().clientBeatInterval;
}

async function detail(): Promise<{
  defaultBeatIntervalMs?: number;
  metadata: Record<string, string>;
  instances: Shown[];
}> {
  const res = await fetch(serviceUrl);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    defaultBeatIntervalMs?: number;
    metadata: Record<string, string>;
    clusters: { instances: Shown[] }[];
  };
  return { ...body, instances: body.clusters.flatMap((c) => c.instances) };
}

const shown = async (ip: string) => (await detail()).instances.find((i) => i.ip === ip)!;

beforeAll(async () => {
  server = await startInProcessServer();
  nacos = new NacosWire(server.baseUrl, 'plain');
  for (const ip of IPS) await register(ip);
  await register(SHORT_TIMEOUT_IP, { 'preserved.heart.beat.timeout': '2000', 'preserved.ip.delete.timeout': '4000' });
  serviceUrl = `${server.baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/bulk`;
});

afterAll(() => server.close());

describe('PATCH the instances of a service (bulk edit)', () => {
  it('edits every instance named as overrides that hold across re-registration, and reports each', async () => {
    const before = await revision();
    const res = await bulk({
      instances: IPS.map((ip) => target(ip)),
      patch: { weight: 4, enabled: false, metadata: { 'preserved.heart.beat.interval': '3000', zone: 'b' } },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as BulkResult;
    expect(body.updated).toBe(3);
    expect(body.results.map((r) => [r.ip, r.outcome])).toEqual(IPS.map((ip) => [ip, 'updated']));
    // One change per instance, each atomic.
    expect(await revision()).toBe(before + 3);
    expect(body.results[0]!.instance).toMatchObject({
      weight: 4,
      enabled: false,
      overrides: { 'preserved.heart.beat.interval': '3000', zone: 'b' },
      timings: { intervalMs: 3000, intervalSource: 'instance' },
    });
    expect(await beatInterval(IPS[1]!)).toBe(3000);

    // Disabled instances are not serving, healthy or not: the service's counts say so.
    const counts = (await (await fetch(serviceUrl)).json()) as { servingCount: number; disabledCount: number };
    const all = (await detail()).instances;
    expect(counts.disabledCount).toBe(3);
    expect(counts.servingCount).toBe(all.filter((i) => i.enabled && (i as { healthy?: boolean }).healthy).length);
    expect(counts.servingCount).toBeLessThanOrEqual(1);

    // The client registers again with its own values: the operator's stay on top.
    await register(IPS[2]!);
    expect(await shown(IPS[2]!)).toMatchObject({ weight: 4, enabled: false, metadata: { zone: 'b' } });
  });

  it('reports an instance that refuses the edit or is gone, and edits the others', async () => {
    const res = await bulk({
      instances: [target(IPS[0]!), target(SHORT_TIMEOUT_IP), target('127.0.0.99')],
      patch: { metadata: { 'preserved.heart.beat.interval': '3000' }, enabled: true },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as BulkResult;
    expect(body.updated).toBe(1);
    expect(body.results.map((r) => r.outcome)).toEqual(['updated', 'rejected', 'not-found']);
    expect(body.results[1]!.message).toContain('must be less than preserved.heart.beat.timeout (2000)');
    // The refused instance is untouched, not half-edited.
    expect(await shown(SHORT_TIMEOUT_IP)).toMatchObject({ enabled: true, overrides: {} });
  });

  it('removes the overrides with null, so the client values show again', async () => {
    const res = await bulk({
      instances: IPS.map((ip) => target(ip)),
      patch: { weight: null, enabled: null, metadata: { 'preserved.heart.beat.interval': null, zone: null } },
    });
    expect(res.status).toBe(200);
    for (const ip of IPS) {
      expect(await shown(ip)).toMatchObject({ weight: 1, enabled: true, overrides: {}, metadata: { zone: 'a' } });
    }
    expect(await beatInterval(IPS[0]!)).toBe(5000);
  });

  it('refuses a bad patch or instance list with 400 and changes nothing', async () => {
    const before = await revision();
    const all = IPS.map((ip) => target(ip));
    const cases: [unknown, string][] = [
      [{ instances: all, patch: {} }, 'patch must set weight, enabled or metadata'],
      [{ instances: all }, 'patch must set weight, enabled or metadata'],
      [{ instances: all, patch: { weight: 10001 } }, 'weight must be a number from 0 to 10000'],
      [{ instances: all, patch: { enabled: 'no' } }, 'enabled must be true or false'],
      [{ instances: all, patch: { metadata: { 'preserved.heart.beat.interval': '999' } } }, 'from 1000 to 3600000'],
      [{ instances: all, patch: { metadata: { 'preserved.heart.beat.interval': '3600001' } } }, 'from 1000 to 3600000'],
      [{ instances: all, patch: { weight: 2, metadata: { zone: 7 } } }, 'metadata.zone must be a string'],
      [{ instances: [], patch: { weight: 2 } }, 'instances must name at least one instance'],
      [{ instances: 'all', patch: { weight: 2 } }, 'instances must be an array'],
      [
        { instances: [{ ip: IPS[0] }], patch: { weight: 2 } },
        'instances[0] must have clusterName, ip and a whole port',
      ],
      [{ instances: [...all, null], patch: { weight: 2 } }, 'instances[3] must be an object'],
      [
        { instances: Array.from({ length: 5001 }, (_, n) => target('127.0.1.1', n)), patch: { weight: 2 } },
        'instances may hold at most 5000 entries',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await bulk(body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(await res.text()).toContain(message);
    }
    expect(await revision()).toBe(before);
    for (const ip of IPS) expect(await shown(ip)).toMatchObject({ weight: 1, overrides: {} });
  });

  it('answers 404 for a service that does not exist', async () => {
    const res = await send('PATCH', serviceUrl.replace(/bulk$/, 'nothing') + '/instances', {
      instances: [target(IPS[0]!)],
      patch: { weight: 2 },
    });
    expect(res.status).toBe(404);
  });
});

describe("a service's default beat interval", () => {
  it('reaches the beat reply of instances without their own interval, and shows where it comes from', async () => {
    const res = await send('PUT', serviceUrl, { defaultBeatIntervalMs: 1500 });
    expect(res.status).toBe(200);
    const service = await detail();
    expect(service.defaultBeatIntervalMs).toBe(1500);
    expect(service.metadata['preserved.heart.beat.interval']).toBe('1500');
    expect(await beatInterval(IPS[0]!)).toBe(1500);
    expect((await shown(IPS[0]!)).timings).toMatchObject({ intervalMs: 1500, intervalSource: 'service' });

    // An instance's own interval (here an operator's) still wins.
    await bulk({ instances: [target(IPS[1]!)], patch: { metadata: { 'preserved.heart.beat.interval': '4000' } } });
    expect(await beatInterval(IPS[1]!)).toBe(4000);
    expect((await shown(IPS[1]!)).timings.intervalSource).toBe('instance');
  });

  it('holds through other edits of the service, which keep its metadata', async () => {
    const res = await send('PUT', serviceUrl, { protectThreshold: 0.2 });
    expect(res.status).toBe(200);
    expect(await beatInterval(IPS[0]!)).toBe(1500);
  });

  it('refuses a value out of bounds, or one an instance would go unhealthy by, with 400 and changes nothing', async () => {
    const before = await revision();
    for (const [value, message] of [
      [999, 'defaultBeatIntervalMs must be a number from 1000 to 3600000'],
      [3_600_001, 'defaultBeatIntervalMs must be a number from 1000 to 3600000'],
      [1500.5, 'must be a whole number of milliseconds from 1000 to 3600000'],
      ['5000', 'defaultBeatIntervalMs must be a number'],
      [2000, `must be less than the unhealthy timeout (2000) of ${SHORT_TIMEOUT_IP}:8080`],
    ] as const) {
      const res = await send('PUT', serviceUrl, { defaultBeatIntervalMs: value });
      expect(res.status, String(value)).toBe(400);
      expect(await res.text()).toContain(message);
    }
    // The same key set through the metadata is held to the same rule.
    const viaMetadata = await send('PUT', serviceUrl, { metadata: { 'preserved.heart.beat.interval': '20' } });
    expect(viaMetadata.status).toBe(400);
    expect(await revision()).toBe(before);
    expect((await detail()).defaultBeatIntervalMs).toBe(1500);
  });

  it('is kept with the service across a restart (SQLite), with the operator overrides', async () => {
    const dataDir = makeDataDir();
    try {
      let restarted = await startInProcessServer({ dataDir });
      const url = `${restarted.baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/kept`;
      await send('POST', `${restarted.baseUrl}/api/v1/namespaces/public/services`, { name: 'kept' });
      expect((await send('PUT', url, { defaultBeatIntervalMs: 2500 })).status).toBe(200);
      await restarted.close();
      restarted = await startInProcessServer({ dataDir });
      try {
        const res = await fetch(`${restarted.baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/kept`);
        expect(((await res.json()) as { defaultBeatIntervalMs?: number }).defaultBeatIntervalMs).toBe(2500);
        const wire = new NacosWire(restarted.baseUrl, 'plain');
        const beat = { serviceName: 'DEFAULT_GROUP@@kept', ip: IPS[0], port: 8080, cluster: 'DEFAULT' };
        const reply = await wire.beat({ serviceName: 'DEFAULT_GROUP@@kept', ip: IPS[0]!, port: 8080 }, beat);
        expect(reply.json<{ clientBeatInterval: number }>().clientBeatInterval).toBe(2500);
      } finally {
        await restarted.close();
      }
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('is removed with null, and the server default applies again', async () => {
    const res = await send('PUT', serviceUrl, { defaultBeatIntervalMs: null });
    expect(res.status).toBe(200);
    const service = await detail();
    expect(service.defaultBeatIntervalMs).toBeUndefined();
    expect(service.metadata['preserved.heart.beat.interval']).toBeUndefined();
    expect(await beatInterval(IPS[0]!)).toBe(5000);
    expect((await shown(IPS[0]!)).timings.intervalSource).toBe('server');
  });
});
