/** PUT /nacos/v1/ns/instance/beat as each client sends it (docs/nacos-protocol.md §3). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS, type ClientStyle, type WireResponse } from '../support/nacos-wire.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;
const wire = (style: ClientStyle, userAgent?: string) => new NacosWire(server.baseUrl, style, userAgent);

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => {
  await server?.close();
});

const OK_REPLY = '{"clientBeatInterval":5000,"code":10200,"lightBeatEnabled":true}';
// Nacos says the switch value (5000) here; Beacon asks the client back within a second, so that a
// re-registered instance with a short timeout is not silent until then (InstanceController.beat).
const NOT_FOUND_REPLY = '{"clientBeatInterval":1000,"code":20404}';

async function register(params: Record<string, string | number>): Promise<void> {
  const res = await wire('plain').post(NS + '/instance', params);
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'ok' });
}

interface CatalogInstance {
  ip: string;
  port: number;
  clusterName: string;
  weight: number;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  metadata: Record<string, string>;
  lastBeat: number;
}

async function catalog(serviceName: string, clusterName = 'DEFAULT'): Promise<CatalogInstance[]> {
  const res = await wire('plain').get(NS + '/catalog/instances', {
    serviceName,
    clusterName,
    pageNo: 1,
    pageSize: 100,
  });
  expect(res.status).toBe(200);
  return res.json<{ list: CatalogInstance[] }>().list;
}

async function instanceOf(serviceName: string, ip: string, port: number, clusterName = 'DEFAULT') {
  const found = (await catalog(serviceName, clusterName)).find((i) => i.ip === ip && i.port === port);
  if (!found) throw new Error(`${ip}:${port} not found in ${serviceName}/${clusterName}`);
  return found;
}

function expectReply(res: WireResponse, body: string): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: body });
  expect(res.contentType).toMatch(/^application\/json/);
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('each client beats a registered instance', () => {
  const beats: { style: ClientStyle; params: Record<string, string>; beat: (svc: string) => object }[] = [
    {
      // Java 1.4 BeatInfo, `beat` in the form body, the rest in the query string.
      style: 'java14',
      params: { namespaceId: 'public', clusterName: 'DEFAULT', ip: '10.10.0.1', port: '8080' },
      beat: (svc) => ({
        port: 8080,
        ip: '10.10.0.1',
        weight: 1.0,
        serviceName: svc,
        cluster: 'DEFAULT',
        metadata: {},
        scheduled: false,
        period: 5000,
        stopped: false,
      }),
    },
    {
      // Java 1.3: the raw body `beat=<urlencoded json>`.
      style: 'java13',
      params: { namespaceId: 'public' },
      beat: (svc) => ({
        port: 8080,
        ip: '10.10.0.1',
        weight: 1.0,
        serviceName: svc,
        cluster: 'DEFAULT',
        metadata: {},
        scheduled: false,
        period: 5000,
        stopped: false,
      }),
    },
    {
      style: 'go',
      params: { namespaceId: 'public' },
      beat: (svc) => ({
        ip: '10.10.0.1',
        port: 8080,
        weight: 1,
        serviceName: svc,
        cluster: 'DEFAULT',
        metadata: {},
        scheduled: false,
      }),
    },
    {
      style: 'node',
      params: { namespaceId: 'public' },
      beat: (svc) => ({
        serviceName: svc,
        ip: '10.10.0.1',
        port: 8080,
        cluster: 'DEFAULT',
        weight: 1,
        metadata: {},
        scheduled: true,
      }),
    },
  ];

  it.each(beats)('$style: 10200 with clientBeatInterval, and lastBeat moves', async ({ style, params, beat }) => {
    const serviceName = `DEFAULT_GROUP@@beat-${style}`;
    await register({ serviceName, ip: '10.10.0.1', port: 8080 });
    const before = (await instanceOf(serviceName, '10.10.0.1', 8080)).lastBeat;
    await tick();
    expectReply(await wire(style).beat({ ...params, serviceName }, beat(serviceName)), OK_REPLY);
    expect((await instanceOf(serviceName, '10.10.0.1', 8080)).lastBeat).toBeGreaterThan(before);
  });
});

describe('light beats (Java >= 1.2: no `beat` field)', () => {
  it('10200 for a known instance', async () => {
    await register({ serviceName: 'light-known', ip: '10.11.0.1', port: 80 });
    const res = await wire('java14').beat(
      {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@light-known',
        clusterName: 'DEFAULT',
        ip: '10.11.0.1',
        port: 80,
      },
      undefined,
    );
    expectReply(res, OK_REPLY);
  });

  it('20404 with clientBeatInterval and nothing else for an unknown instance; nothing is created', async () => {
    const res = await wire('java14').beat(
      {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@light-unknown',
        clusterName: 'DEFAULT',
        ip: '10.11.0.2',
        port: 80,
      },
      undefined,
    );
    expectReply(res, NOT_FOUND_REPLY);
    expect((await wire('plain').get(NS + '/service', { serviceName: 'light-unknown' })).status).toBe(404);
  });

  it('a light beat looks in `clusterName` only (with the ip:port in two clusters, nothing else tells them apart)', async () => {
    await register({ serviceName: 'light-cluster', ip: '10.11.0.3', port: 80, clusterName: 'c1' });
    await register({ serviceName: 'light-cluster', ip: '10.11.0.3', port: 80, clusterName: 'c2' });
    const params = { serviceName: 'light-cluster', ip: '10.11.0.3', port: 80 };
    expectReply(await wire('java14').beat({ ...params, cluster: 'c1' }, undefined), NOT_FOUND_REPLY);
    expectReply(await wire('java14').beat({ ...params, clusterName: 'c1' }, undefined), OK_REPLY);
  });

  it('a beat naming no cluster reaches the one instance at that ip:port in another cluster, as Nacos 2.x', async () => {
    // nacos-sdk-python 1.0.0 registers with clusterName=None (the text) and beats without a cluster.
    await register({ serviceName: 'py-none', ip: '10.11.0.4', port: 80, clusterName: 'None' });
    const params = { serviceName: 'py-none', ip: '10.11.0.4', port: 80 };
    expectReply(await wire('java14').beat(params, undefined), OK_REPLY);
    const full = { serviceName: 'DEFAULT_GROUP@@py-none', ip: '10.11.0.4', port: 80 };
    expectReply(await wire('java14').beat(params, full), OK_REPLY);
    const res = await wire('plain').get(NS + '/instance/list', { serviceName: 'py-none' });
    expect(res.json<{ hosts: { clusterName: string }[] }>().hosts.map((h) => h.clusterName)).toEqual(['None']);
  });
});

describe('full beats for a missing instance re-register it', () => {
  it('with ip, port, weight, metadata and cluster from the beat; healthy and enabled', async () => {
    const serviceName = 'DEFAULT_GROUP@@rebeat-a';
    const res = await wire('node').beat(
      { namespaceId: 'public', serviceName },
      { serviceName, ip: '10.12.0.1', port: 8080, cluster: 'c1', weight: 3, metadata: { k: 'v' }, scheduled: true },
    );
    expectReply(res, OK_REPLY);
    const instance = await instanceOf(serviceName, '10.12.0.1', 8080, 'c1');
    expect(instance).toMatchObject({
      clusterName: 'c1',
      weight: 3,
      healthy: true,
      enabled: true,
      ephemeral: true,
      metadata: { k: 'v' },
    });
  });

  it('weight is 0 when the beat has none (as in Nacos)', async () => {
    const serviceName = 'DEFAULT_GROUP@@rebeat-noweight';
    expectReply(await wire('go').beat({ serviceName }, { ip: '10.12.0.2', port: 80, serviceName }), OK_REPLY);
    expect((await instanceOf(serviceName, '10.12.0.2', 80)).weight).toBe(0);
  });

  it('the instance then lists and answers a light beat', async () => {
    const serviceName = 'DEFAULT_GROUP@@rebeat-list';
    await wire('java14').beat(
      { serviceName },
      { ip: '10.12.0.3', port: 80, serviceName, cluster: 'DEFAULT', weight: 1 },
    );
    const list = await wire('java14').get(NS + '/instance/list', { serviceName });
    expect(list.json<{ hosts: { ip: string }[] }>().hosts.map((h) => h.ip)).toEqual(['10.12.0.3']);
    expectReply(
      await wire('java14').beat({ serviceName, ip: '10.12.0.3', port: 80, clusterName: 'DEFAULT' }, undefined),
      OK_REPLY,
    );
  });
});

describe('beat JSON precedence', () => {
  it("the beat's ip and port win over the parameters", async () => {
    const serviceName = 'DEFAULT_GROUP@@prec-ip';
    await register({ serviceName, ip: '10.13.0.1', port: 80 });
    const before = (await instanceOf(serviceName, '10.13.0.1', 80)).lastBeat;
    await tick();
    const res = await wire('java14').beat(
      { serviceName, ip: '10.13.0.99', port: 99, clusterName: 'DEFAULT' },
      { ip: '10.13.0.1', port: 80, serviceName, cluster: 'DEFAULT', weight: 1 },
    );
    expectReply(res, OK_REPLY);
    expect((await instanceOf(serviceName, '10.13.0.1', 80)).lastBeat).toBeGreaterThan(before);
    expect((await catalog(serviceName)).map((i) => i.ip)).toEqual(['10.13.0.1']);
  });

  it("the beat's cluster wins when non-blank, else clusterName fills it", async () => {
    const serviceName = 'DEFAULT_GROUP@@prec-cluster';
    await register({ serviceName, ip: '10.13.0.2', port: 80, clusterName: 'c1' });
    await register({ serviceName, ip: '10.13.0.2', port: 80, clusterName: 'c2' });
    const c1Before = (await instanceOf(serviceName, '10.13.0.2', 80, 'c1')).lastBeat;
    const c2Before = (await instanceOf(serviceName, '10.13.0.2', 80, 'c2')).lastBeat;
    await tick();
    const w = wire('java14');
    await w.beat(
      { serviceName, clusterName: 'c2' },
      { ip: '10.13.0.2', port: 80, serviceName, cluster: 'c1', weight: 1 },
    );
    expect((await instanceOf(serviceName, '10.13.0.2', 80, 'c1')).lastBeat).toBeGreaterThan(c1Before);
    expect((await instanceOf(serviceName, '10.13.0.2', 80, 'c2')).lastBeat).toBe(c2Before);
    await w.beat(
      { serviceName, clusterName: 'c2' },
      { ip: '10.13.0.2', port: 80, serviceName, cluster: '', weight: 1 },
    );
    expect((await instanceOf(serviceName, '10.13.0.2', 80, 'c2')).lastBeat).toBeGreaterThan(c2Before);
    // Neither beat re-registered anything in the DEFAULT cluster.
    const defaultCluster = await wire('plain').get(NS + '/catalog/instances', {
      serviceName,
      clusterName: 'DEFAULT',
      pageNo: 1,
      pageSize: 10,
    });
    expect({ status: defaultCluster.status, text: defaultCluster.text }).toEqual({
      status: 404,
      text: 'cluster DEFAULT is not found!',
    });
  });
});

describe('clientBeatInterval', () => {
  it('comes from the instance metadata preserved.heart.beat.interval when present', async () => {
    const serviceName = 'DEFAULT_GROUP@@interval-meta';
    await register({ serviceName, ip: '10.14.0.1', port: 80, metadata: '{"preserved.heart.beat.interval":"2000"}' });
    expectReply(
      await wire('java14').beat({ serviceName, ip: '10.14.0.1', port: 80 }, undefined),
      '{"clientBeatInterval":2000,"code":10200,"lightBeatEnabled":true}',
    );
  });

  it.each([
    { declared: '0', port: 9100, told: 1000 },
    { declared: '1', port: 9101, told: 1000 },
    { declared: '999999999', port: 9102, told: 3_600_000 },
  ])('holds a client interval of $declared ms within 1 s to 1 h (a deviation)', async ({ declared, port, told }) => {
    const serviceName = 'DEFAULT_GROUP@@interval-out-of-bounds';
    const metadata = JSON.stringify({ 'preserved.heart.beat.interval': declared });
    await register({ serviceName, ip: '127.0.0.1', port, metadata });
    expectReply(
      await wire('java14').beat({ serviceName, ip: '127.0.0.1', port }, undefined),
      `{"clientBeatInterval":${told},"code":10200,"lightBeatEnabled":true}`,
    );
    // The client's own value is kept as it registered it; only what it is told is bounded.
    expect((await instanceOf(serviceName, '127.0.0.1', port)).metadata['preserved.heart.beat.interval']).toBe(declared);
  });

  it('ignores a preserved value that is not plain digits', async () => {
    const serviceName = 'DEFAULT_GROUP@@interval-bad';
    await register({ serviceName, ip: '10.14.0.2', port: 80, metadata: '{"preserved.heart.beat.interval":"2s"}' });
    expectReply(await wire('java14').beat({ serviceName, ip: '10.14.0.2', port: 80 }, undefined), OK_REPLY);
  });
});

describe('beats and health', () => {
  it('a beat makes an unhealthy ephemeral instance healthy again', async () => {
    const serviceName = 'DEFAULT_GROUP@@health-beat';
    await register({ serviceName, ip: '10.15.0.1', port: 80 });
    await register({ serviceName, ip: '10.15.0.2', port: 80, healthy: 'false' });
    expect((await instanceOf(serviceName, '10.15.0.2', 80)).healthy).toBe(false);
    expectReply(
      await wire('node').beat(
        { serviceName },
        { serviceName, ip: '10.15.0.2', port: 80, cluster: 'DEFAULT', weight: 1 },
      ),
      OK_REPLY,
    );
    expect((await instanceOf(serviceName, '10.15.0.2', 80)).healthy).toBe(true);
  });

  it('a beat for a persistent instance is accepted and changes nothing', async () => {
    const serviceName = 'DEFAULT_GROUP@@health-persistent';
    await register({ serviceName, ip: '127.0.0.1', port: 1, ephemeral: 'false' });
    const before = await instanceOf(serviceName, '127.0.0.1', 1);
    await tick();
    expectReply(await wire('java14').beat({ serviceName, ip: '127.0.0.1', port: 1 }, undefined), OK_REPLY);
    const after = await instanceOf(serviceName, '127.0.0.1', 1);
    expect(after.ephemeral).toBe(false);
    expect(after.lastBeat).toBe(before.lastBeat);
  });
});

describe('operator switches change the reply', () => {
  it('clientBeatInterval and lightBeatEnabled via PUT /operator/switches', async () => {
    await using own = await startInProcessServer();
    const w = new NacosWire(own.baseUrl, 'java14');
    const serviceName = 'DEFAULT_GROUP@@switches';
    expect((await w.post(NS + '/instance', { serviceName, ip: '10.16.0.1', port: 80 })).text).toBe('ok');
    const put = async (entry: string, value: string) =>
      expect((await w.put(NS + '/operator/switches', { entry, value })).text).toBe('ok');

    await put('clientBeatInterval', '3000');
    expectReply(
      await w.beat({ serviceName, ip: '10.16.0.1', port: 80 }, undefined),
      '{"clientBeatInterval":3000,"code":10200,"lightBeatEnabled":true}',
    );
    expectReply(
      await w.beat({ serviceName, ip: '10.16.0.9', port: 80 }, undefined),
      '{"clientBeatInterval":1000,"code":20404}', // at most 1 s, see NOT_FOUND_REPLY
    );
    await put('lightBeatEnabled', 'false');
    expectReply(
      await w.beat({ serviceName, ip: '10.16.0.1', port: 80 }, undefined),
      '{"clientBeatInterval":3000,"code":10200,"lightBeatEnabled":false}',
    );
  });
});
