/**
 * POST/DELETE/PUT/PATCH/GET /nacos/v1/ns/instance and /instance/list, statuses and metadata batch,
 * each request shaped as a real client sends it (docs/nacos-protocol.md §0, §2.1, §2.2 and §6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS, rawRequest, type ClientStyle, type WireResponse } from '../support/nacos-wire.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;
const wire = (style: ClientStyle, userAgent?: string) => new NacosWire(server.baseUrl, style, userAgent);

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => {
  await server?.close();
});

/** The 1.4 host shape, in 1.4's field order. */
const HOST_KEYS = [
  'ip',
  'port',
  'valid',
  'healthy',
  'marked',
  'instanceId',
  'metadata',
  'enabled',
  'weight',
  'clusterName',
  'serviceName',
  'ephemeral',
];

interface Host {
  ip: string;
  port: number;
  valid: boolean;
  healthy: boolean;
  marked: boolean;
  instanceId: string;
  metadata: Record<string, string>;
  enabled: boolean;
  weight: number;
  clusterName: string;
  serviceName: string;
  ephemeral: boolean;
}

interface ServiceInfo {
  hosts: Host[];
  dom: string;
  name: string;
  groupName: string;
  cacheMillis: number;
  lastRefTime: number;
  checksum: string;
  useSpecifiedURL: boolean;
  clusters: string;
  env: string;
  metadata: Record<string, string>;
}

function expectOk(res: WireResponse): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'ok' });
  expect(res.contentType).toMatch(/^text\/plain/);
}

function expectError(res: WireResponse, status: number, text: string): void {
  expect({ status: res.status, text: res.text }).toEqual({ status, text });
}

async function register(params: Record<string, string | number | boolean>, style: ClientStyle = 'plain') {
  expectOk(await wire(style).post(NS + '/instance', params));
}

async function list(serviceName: string, params: Record<string, string | number> = {}, style: ClientStyle = 'plain') {
  const res = await wire(style).get(NS + '/instance/list', { serviceName, ...params });
  expect(res.status).toBe(200);
  expect(res.contentType).toMatch(/^application\/json/);
  return res.json<ServiceInfo>();
}

function byIp(hosts: Host[]): Record<string, Host> {
  return Object.fromEntries(hosts.map((h) => [`${h.ip}:${h.port}`, h]));
}

describe('register (POST /instance) as each client sends it', () => {
  const cases: { style: ClientStyle; params: Record<string, string> }[] = [
    {
      style: 'java14',
      params: {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@reg-java14',
        groupName: 'DEFAULT_GROUP',
        clusterName: 'DEFAULT',
        ip: '10.0.0.1',
        port: '8080',
        weight: '1.0',
        enable: 'true',
        healthy: 'true',
        ephemeral: 'true',
        metadata: '{"k":"v"}',
      },
    },
    {
      style: 'java13',
      params: {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@reg-java13',
        groupName: 'DEFAULT_GROUP',
        clusterName: 'DEFAULT',
        ip: '10.0.0.1',
        port: '8080',
        weight: '1.0',
        enable: 'true',
        healthy: 'true',
        ephemeral: 'true',
        metadata: '{"k":"v"}',
      },
    },
    {
      style: 'go',
      params: {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@reg-go',
        groupName: 'DEFAULT_GROUP',
        clusterName: 'DEFAULT',
        ip: '10.0.0.1',
        port: '8080',
        weight: '1',
        enable: 'true',
        healthy: 'true',
        ephemeral: 'true',
        metadata: '{"k":"v"}',
      },
    },
    {
      style: 'node',
      params: {
        namespaceId: 'public',
        serviceName: 'DEFAULT_GROUP@@reg-node',
        groupName: 'DEFAULT_GROUP',
        clusterName: 'DEFAULT',
        ip: '10.0.0.1',
        port: '8080',
        weight: '1',
        enable: 'true',
        healthy: 'true',
        ephemeral: 'true',
        metadata: '{"k":"v"}',
      },
    },
  ];

  it.each(cases)('$style: 200 ok, then the client lists the instance field by field', async ({ style, params }) => {
    const w = wire(style);
    expectOk(await w.post(NS + '/instance', params));

    const res = await w.get(NS + '/instance/list', {
      namespaceId: 'public',
      serviceName: params.serviceName,
      clusters: '',
      udpPort: 0,
      clientIP: '127.0.0.99',
      healthyOnly: 'false',
    });
    expect(res.status).toBe(200);
    const info = res.json<ServiceInfo>();
    const grouped = style !== 'go';
    const shown = grouped ? params.serviceName : params.serviceName!.replace('DEFAULT_GROUP@@', '');
    expect(info.name).toBe(params.serviceName);
    expect(info.dom).toBe(shown);
    expect(info.hosts).toHaveLength(1);
    const host = info.hosts[0]!;
    expect(Object.keys(host)).toEqual(HOST_KEYS);
    expect(host).toEqual({
      ip: '10.0.0.1',
      port: 8080,
      valid: true,
      healthy: true,
      marked: false,
      instanceId: `10.0.0.1#8080#DEFAULT#${params.serviceName}`,
      metadata: { k: 'v' },
      enabled: true,
      weight: 1,
      clusterName: 'DEFAULT',
      serviceName: shown,
      ephemeral: true,
    });
  });

  it('defaults: weight 1, enabled, healthy, ephemeral, cluster DEFAULT, app DEFAULT, metadata {}', async () => {
    await register({ serviceName: 'reg-defaults', ip: '10.0.0.2', port: 80 });
    const host = (await list('reg-defaults')).hosts[0]!;
    expect(host).toMatchObject({ weight: 1, enabled: true, healthy: true, ephemeral: true, clusterName: 'DEFAULT' });
    expect(host.metadata).toEqual({});
    const catalog = await wire('plain').get(NS + '/catalog/instances', {
      serviceName: 'reg-defaults',
      clusterName: 'DEFAULT',
      pageNo: 1,
      pageSize: 10,
    });
    expect(catalog.json<{ list: { app: string }[] }>().list[0]!.app).toBe('DEFAULT');
  });

  it('keeps the `app` the Java client injects', async () => {
    expectOk(await wire('java14').post(NS + '/instance', { serviceName: 'reg-app', ip: '10.0.0.11', port: 80 }));
    const catalog = await wire('plain').get(NS + '/catalog/instances', {
      serviceName: 'reg-app',
      clusterName: 'DEFAULT',
      pageNo: 1,
      pageSize: 10,
    });
    expect(catalog.json<{ list: { app: string }[] }>().list[0]!.app).toBe('unknown');
  });

  it('creates the service and its cluster with the TCP checker', async () => {
    await register({ serviceName: 'reg-creates', groupName: 'G1', clusterName: 'c1', ip: '10.0.0.3', port: 80 });
    const detail = await wire('plain').get(NS + '/service', { serviceName: 'reg-creates', groupName: 'G1' });
    expect(detail.status).toBe(200);
    expect(detail.json()).toEqual({
      name: 'reg-creates',
      namespaceId: 'public',
      protectThreshold: 0,
      metadata: {},
      selector: { type: 'none' },
      groupName: 'G1',
      clusters: [{ name: 'c1', healthChecker: { type: 'TCP' }, metadata: {} }],
    });
  });

  it('reads `enabled` before `enable` and `clusterName` before `cluster`', async () => {
    await register({ serviceName: 'reg-aliases', ip: '10.0.0.4', port: 1, enable: 'false', cluster: 'c-alias' });
    await register({
      serviceName: 'reg-aliases',
      ip: '10.0.0.4',
      port: 2,
      enabled: 'true',
      enable: 'false',
      clusterName: 'c-main',
      cluster: 'c-alias',
    });
    // enabled=false hides the first instance from the list; the detail still finds it.
    const info = await list('reg-aliases');
    expect(info.hosts.map((h) => [h.port, h.clusterName, h.enabled])).toEqual([[2, 'c-main', true]]);
    const first = await wire('plain').get(NS + '/instance', {
      serviceName: 'reg-aliases',
      ip: '10.0.0.4',
      port: 1,
      clusterName: 'c-alias',
    });
    expect(first.status).toBe(200);
  });

  it('re-registering the same ip, port and cluster replaces the instance and keeps its instanceId', async () => {
    await register({ serviceName: 'reg-replace', ip: '10.0.0.5', port: 80, weight: 2, metadata: '{"v":"1"}' });
    await register({ serviceName: 'reg-replace', ip: '10.0.0.5', port: 80, weight: 3, metadata: '{"v":"2"}' });
    const hosts = (await list('reg-replace')).hosts;
    expect(hosts).toHaveLength(1);
    expect(hosts[0]).toMatchObject({
      weight: 3,
      metadata: { v: '2' },
      instanceId: '10.0.0.5#80#DEFAULT#DEFAULT_GROUP@@reg-replace',
    });
  });

  it('re-register and update keep the current health: beats and checks win over `healthy`', async () => {
    await register({ serviceName: 'reg-health', ip: '10.0.0.12', port: 80 });
    await register({ serviceName: 'reg-health', ip: '10.0.0.13', port: 80 });
    await register({ serviceName: 'reg-health', ip: '10.0.0.12', port: 80, healthy: 'false' });
    expectOk(
      await wire('java14').put(NS + '/instance', {
        serviceName: 'reg-health',
        ip: '10.0.0.13',
        port: 80,
        healthy: 'false',
      }),
    );
    const hosts = (await list('reg-health', { healthyOnly: 'true' })).hosts;
    expect(hosts.map((h) => h.ip).sort()).toEqual(['10.0.0.12', '10.0.0.13']);
  });

  it('the same ip:port in another cluster is another instance', async () => {
    await register({ serviceName: 'reg-clusters', ip: '10.0.0.6', port: 80, clusterName: 'a' });
    await register({ serviceName: 'reg-clusters', ip: '10.0.0.6', port: 80, clusterName: 'b' });
    const hosts = (await list('reg-clusters')).hosts;
    expect(hosts.map((h) => h.instanceId).sort()).toEqual([
      '10.0.0.6#80#a#DEFAULT_GROUP@@reg-clusters',
      '10.0.0.6#80#b#DEFAULT_GROUP@@reg-clusters',
    ]);
  });

  it('the snowflake generator hands out the smallest unused integer, kept on re-register', async () => {
    const meta = '{"preserved.instance.id.generator":"snowflake"}';
    await register({ serviceName: 'reg-snowflake', ip: '10.0.0.7', port: 1, metadata: meta });
    await register({ serviceName: 'reg-snowflake', ip: '10.0.0.7', port: 2, metadata: meta });
    await register({ serviceName: 'reg-snowflake', ip: '10.0.0.7', port: 1, metadata: meta, weight: 5 });
    const ids = Object.fromEntries((await list('reg-snowflake')).hosts.map((h) => [h.port, h.instanceId]));
    expect(ids).toEqual({ 1: '0', 2: '1' });
  });

  it('a namespace springs into being on first use; blank namespaceId means public', async () => {
    await register({ serviceName: 'reg-ns', ip: '10.0.0.8', port: 80, namespaceId: 'dev-ns' });
    expect((await list('reg-ns', { namespaceId: 'dev-ns' })).hosts).toHaveLength(1);
    expect((await list('reg-ns', { namespaceId: 'public' })).hosts).toEqual([]);
    await register({ serviceName: 'reg-ns', ip: '10.0.0.9', port: 80, namespaceId: '' });
    expect((await list('reg-ns', { namespaceId: 'public' })).hosts.map((h) => h.ip)).toEqual(['10.0.0.9']);
  });

  it('accepts any ip string and ports 0 to 65535; refuses other ports with Nacos 2.x text, changing nothing', async () => {
    await register({ serviceName: 'reg-ports', ip: 'host.example', port: 0 });
    await register({ serviceName: 'reg-ports', ip: '10.0.0.10', port: 65535 });
    for (const port of [-1, 65536, 70000]) {
      const res = await wire('plain').post(NS + '/instance', { serviceName: 'reg-ports', ip: '10.0.0.11', port });
      expectError(res, 400, "Param 'port' is illegal, the value should be between 0 and 65535.");
    }
    const ports = (await list('reg-ports')).hosts.map((h) => `${h.ip}:${h.port}`).sort();
    expect(ports).toEqual(['10.0.0.10:65535', 'host.example:0']);
  });
});

describe('deregister (DELETE /instance)', () => {
  it.each(['java14', 'go', 'node'] as const)('%s: removes the instance', async (style) => {
    const serviceName = `dereg-${style}`;
    await register({ serviceName, ip: '10.1.0.1', port: 80 });
    await register({ serviceName, ip: '10.1.0.2', port: 80 });
    expectOk(
      await wire(style).delete(NS + '/instance', {
        namespaceId: 'public',
        serviceName: `DEFAULT_GROUP@@${serviceName}`,
        clusterName: 'DEFAULT',
        ip: '10.1.0.1',
        port: '80',
        ephemeral: 'true',
      }),
    );
    expect((await list(serviceName)).hosts.map((h) => h.ip)).toEqual(['10.1.0.2']);
  });

  it('answers ok for a missing service and a missing instance', async () => {
    expectOk(await wire('java14').delete(NS + '/instance', { serviceName: 'dereg-none', ip: '10.1.0.1', port: 80 }));
    await register({ serviceName: 'dereg-missing', ip: '10.1.0.1', port: 80 });
    expectOk(await wire('java14').delete(NS + '/instance', { serviceName: 'dereg-missing', ip: '10.1.0.9', port: 80 }));
    expect((await list('dereg-missing')).hosts).toHaveLength(1);
    expect((await list('dereg-none')).hosts).toEqual([]);
  });

  it('the cluster and the ephemeral flag must match the stored instance', async () => {
    await register({ serviceName: 'dereg-match', ip: '10.1.0.3', port: 80, clusterName: 'c1' });
    expectOk(await wire('node').delete(NS + '/instance', { serviceName: 'dereg-match', ip: '10.1.0.3', port: 80 }));
    expectOk(
      await wire('node').delete(NS + '/instance', {
        serviceName: 'dereg-match',
        ip: '10.1.0.3',
        port: 80,
        clusterName: 'c1',
        ephemeral: 'false',
      }),
    );
    expect((await list('dereg-match')).hosts).toHaveLength(1);
    expectOk(
      await wire('node').delete(NS + '/instance', {
        serviceName: 'dereg-match',
        ip: '10.1.0.3',
        port: 80,
        cluster: 'c1',
      }),
    );
    expect((await list('dereg-match')).hosts).toEqual([]);
  });
});

describe('update (PUT /instance)', () => {
  it.each([
    ['Java 1.4', 'java14', undefined],
    ['Node (Java 1.0.0 UA)', 'node', undefined],
  ] as const)('%s: a strict update refuses a missing service or instance', async (_, style, ua) => {
    const w = wire(style, ua);
    expectError(
      await w.put(NS + '/instance', { serviceName: `upd-strict-${style}`, ip: '10.2.0.1', port: 80 }),
      400,
      `service not found, namespace: public, service: DEFAULT_GROUP@@upd-strict-${style}`,
    );
    expect(
      (await wire('plain').get(NS + '/service', { serviceName: `upd-strict-${style}` })).status,
      'no service was created',
    ).toBe(404);

    await register({ serviceName: `upd-strict-${style}`, ip: '10.2.0.1', port: 80 });
    const missing = await w.put(NS + '/instance', { serviceName: `upd-strict-${style}`, ip: '10.2.0.2', port: 80 });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/^instance not exist: /);
    expect(missing.text).toContain('10.2.0.2');
    expect((await list(`upd-strict-${style}`)).hosts.map((h) => h.ip)).toEqual(['10.2.0.1']);
  });

  it.each([
    ['Java 0.9 (older than 1.0)', 'java14', 'Nacos-Java-Client:v0.9.0'],
    ['Go', 'go', undefined],
    ['the browser console', 'plain', 'Mozilla/5.0 (X11; Linux x86_64)'],
  ] as const)('%s: an upsert, like register', async (_, style, ua) => {
    const serviceName = `upd-upsert-${style}-${ua?.length ?? 0}`;
    expectOk(await wire(style, ua).put(NS + '/instance', { serviceName, ip: '10.2.0.3', port: 80, weight: 2 }));
    expect((await list(serviceName)).hosts).toMatchObject([{ ip: '10.2.0.3', weight: 2 }]);
  });

  it('changes weight, enabled and metadata of an existing instance (the console edit dialog)', async () => {
    await register({ serviceName: 'upd-edit', ip: '10.2.0.4', port: 80, metadata: '{"a":"1"}' });
    await register({ serviceName: 'upd-edit', ip: '10.2.0.5', port: 80 });
    expectOk(
      await wire('plain', 'Mozilla/5.0').put(NS + '/instance', {
        serviceName: 'upd-edit',
        clusterName: 'DEFAULT',
        groupName: 'DEFAULT_GROUP',
        ip: '10.2.0.4',
        port: 80,
        ephemeral: 'true',
        weight: 7,
        enabled: 'true',
        metadata: '{"b":"2"}',
      }),
    );
    expect(byIp((await list('upd-edit')).hosts)['10.2.0.4:80']).toMatchObject({ weight: 7, metadata: { b: '2' } });
    expectOk(
      await wire('java14').put(NS + '/instance', {
        serviceName: 'upd-edit',
        ip: '10.2.0.4',
        port: 80,
        enabled: 'false',
        metadata: '{"b":"2"}',
      }),
    );
    expect((await list('upd-edit')).hosts.map((h) => h.ip)).toEqual(['10.2.0.5']);
  });
});

describe('patch (PATCH /instance)', () => {
  it('changes only the fields given and refreshes lastBeat', async () => {
    await register({ serviceName: 'patch-a', ip: '10.3.0.1', port: 80, weight: 2, metadata: '{"a":"1"}' });
    const before = await lastBeatOf('patch-a', '10.3.0.1');
    await new Promise((r) => setTimeout(r, 5));
    expectOk(
      await wire('java14').patch(NS + '/instance', { serviceName: 'patch-a', ip: '10.3.0.1', port: 80, weight: 5 }),
    );
    let host = (await list('patch-a')).hosts[0]!;
    expect(host).toMatchObject({ weight: 5, metadata: { a: '1' }, enabled: true, healthy: true });
    expect(await lastBeatOf('patch-a', '10.3.0.1')).toBeGreaterThan(before);

    expectOk(
      await wire('go').patch(NS + '/instance', {
        serviceName: 'patch-a',
        ip: '10.3.0.1',
        port: 80,
        metadata: '{"b":"2"}',
        healthy: 'false',
      }),
    );
    host = (await list('patch-a')).hosts[0]!;
    expect(host).toMatchObject({ weight: 5, metadata: { b: '2' } });
    // The only instance is unhealthy: the protect threshold (0) returns it as healthy.
    const catalog = await wire('plain').get(NS + '/catalog/instances', {
      serviceName: 'patch-a',
      clusterName: 'DEFAULT',
      pageNo: 1,
      pageSize: 10,
    });
    expect(catalog.json<{ list: { healthy: boolean }[] }>().list[0]!.healthy).toBe(false);
  });

  it('400 `instance not found` for an unknown instance, without creating anything', async () => {
    expectError(
      await wire('java14').patch(NS + '/instance', { serviceName: 'patch-none', ip: '10.3.0.2', port: 80, weight: 2 }),
      400,
      'instance not found',
    );
    expect((await wire('plain').get(NS + '/service', { serviceName: 'patch-none' })).status).toBe(404);
  });
});

async function lastBeatOf(serviceName: string, ip: string, clusterName = 'DEFAULT'): Promise<number> {
  const res = await wire('plain').get(NS + '/catalog/instances', {
    serviceName,
    clusterName,
    pageNo: 1,
    pageSize: 100,
  });
  const item = res.json<{ list: { ip: string; lastBeat: number }[] }>().list.find((i) => i.ip === ip);
  if (!item) throw new Error(`${ip} not in ${serviceName}`);
  return item.lastBeat;
}

describe('detail (GET /instance)', () => {
  it('answers the 1.4 shape, field by field', async () => {
    await register({ serviceName: 'detail-a', ip: '10.4.0.1', port: 8080, metadata: '{"k":"v"}', weight: 2.5 });
    const res = await wire('java14').get(NS + '/instance', { serviceName: 'detail-a', ip: '10.4.0.1', port: 8080 });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual([
      'service',
      'ip',
      'port',
      'clusterName',
      'weight',
      'healthy',
      'instanceId',
      'metadata',
    ]);
    expect(body).toEqual({
      service: 'DEFAULT_GROUP@@detail-a',
      ip: '10.4.0.1',
      port: 8080,
      clusterName: 'DEFAULT',
      weight: 2.5,
      healthy: true,
      instanceId: '10.4.0.1#8080#DEFAULT#DEFAULT_GROUP@@detail-a',
      metadata: { k: 'v' },
    });
  });

  it('has three 404 messages', async () => {
    const w = wire('java14');
    expectError(
      await w.get(NS + '/instance', { serviceName: 'detail-none', ip: '10.4.0.1', port: 80 }),
      404,
      'no service DEFAULT_GROUP@@detail-none found!',
    );
    await register({ serviceName: 'detail-b', ip: '10.4.0.1', port: 80, clusterName: 'c1' });
    expectError(
      await w.get(NS + '/instance', { serviceName: 'detail-b', ip: '10.4.0.1', port: 80 }),
      404,
      'no ips found for cluster DEFAULT in service DEFAULT_GROUP@@detail-b',
    );
    // Detail reads `clusterName` only, never the `cluster` alias.
    expectError(
      await w.get(NS + '/instance', { serviceName: 'detail-b', ip: '10.4.0.1', port: 80, cluster: 'c1' }),
      404,
      'no ips found for cluster DEFAULT in service DEFAULT_GROUP@@detail-b',
    );
    expectError(
      await w.get(NS + '/instance', { serviceName: 'detail-b', ip: '10.4.0.2', port: 80, clusterName: 'c1' }),
      404,
      'no matched ip found!',
    );
    expect(
      (await w.get(NS + '/instance', { serviceName: 'detail-b', ip: '10.4.0.1', port: 80, clusterName: 'c1' })).status,
    ).toBe(200);
  });
});

describe('list (GET /instance/list)', () => {
  beforeAll(async () => {
    await register({ serviceName: 'list-a', ip: '10.5.0.1', port: 80, clusterName: 'c1' });
    await register({ serviceName: 'list-a', ip: '10.5.0.2', port: 80, clusterName: 'c2' });
    await register({ serviceName: 'list-a', ip: '10.5.0.3', port: 80, clusterName: 'DEFAULT' });
  });

  it.each([
    ['Java 1.4', 'java14', undefined, true],
    ['Java 1.3', 'java13', undefined, true],
    ['Node (Java 1.0.0 UA)', 'node', undefined, true],
    ['Java 0.9', 'java14', 'Nacos-Java-Client:v0.9.0', false],
    ['Go', 'go', undefined, false],
    ['an unknown client', 'plain', undefined, false],
  ] as const)('%s: grouped names = %s', async (_, style, ua, grouped) => {
    const res = await wire(style, ua).get(NS + '/instance/list', { serviceName: 'list-a', clusters: 'c1' });
    const info = res.json<ServiceInfo>();
    expect(info.name).toBe('DEFAULT_GROUP@@list-a');
    expect(info.dom).toBe(grouped ? 'DEFAULT_GROUP@@list-a' : 'list-a');
    expect(info.hosts.map((h) => h.serviceName)).toEqual([info.dom]);
  });

  it('without a User-Agent, the Client-Version header decides', async () => {
    const query = `${NS}/instance/list?serviceName=list-a&clusters=c1`;
    const asJava = await rawRequest(server.baseUrl, query, {
      headers: { 'User-Agent': '', 'Client-Version': 'Nacos-Java-Client:v1.4.8' },
    });
    expect(asJava.json<ServiceInfo>().dom).toBe('DEFAULT_GROUP@@list-a');
    const asGo = await rawRequest(server.baseUrl, query, {
      headers: { 'User-Agent': '', 'Client-Version': 'Nacos-Go-Client:v1.1.4' },
    });
    expect(asGo.json<ServiceInfo>().dom).toBe('list-a');
  });

  it('answers the 1.4 shape plus groupName', async () => {
    const before = Date.now();
    const info = await list('list-a', { clusters: 'c2', env: 'prod' }, 'node');
    expect(Object.keys(info)).toEqual([
      'hosts',
      'dom',
      'name',
      'groupName',
      'cacheMillis',
      'lastRefTime',
      'checksum',
      'useSpecifiedURL',
      'clusters',
      'env',
      'metadata',
    ]);
    expect(info).toMatchObject({
      dom: 'DEFAULT_GROUP@@list-a',
      name: 'DEFAULT_GROUP@@list-a',
      groupName: 'DEFAULT_GROUP',
      cacheMillis: 3000,
      useSpecifiedURL: false,
      clusters: 'c2',
      env: 'prod',
      metadata: {},
    });
    expect(info.lastRefTime).toBeGreaterThanOrEqual(before);
    expect(info.lastRefTime).toBeLessThanOrEqual(Date.now());
    expect(info.checksum).toMatch(/^[0-9a-f]{32}$/);
    expect(info.hosts.map((h) => h.ip)).toEqual(['10.5.0.2']);
  });

  it('echoes `clusters` verbatim and filters by it; empty means every cluster', async () => {
    let info = await list('list-a', { clusters: 'c2,c1' }, 'java14');
    expect(info.clusters).toBe('c2,c1');
    expect(info.hosts.map((h) => h.ip).sort()).toEqual(['10.5.0.1', '10.5.0.2']);
    info = await list('list-a', { clusters: '' }, 'java14');
    expect(info.clusters).toBe('');
    expect(info.hosts).toHaveLength(3);
    info = await list('list-a', { clusters: 'nope' }, 'java14');
    expect(info.clusters).toBe('nope');
    expect(info.hosts).toEqual([]);
    expect(info.name).toBe('DEFAULT_GROUP@@list-a');
  });

  it('an unknown service is 200 with hosts [] and the clusters as sent', async () => {
    const res = await wire('node').get(NS + '/instance/list', {
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@list-unknown',
      clusters: 'DEFAULT',
      udpPort: 0,
      clientIP: '127.0.0.99',
      healthyOnly: 'false',
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      name: 'DEFAULT_GROUP@@list-unknown',
      clusters: 'DEFAULT',
      cacheMillis: 3000,
      hosts: [],
    });
  });

  it('a service with no instance keeps every field and has hosts []', async () => {
    expectOk(await wire('plain').post(NS + '/service', { serviceName: 'list-empty', metadata: '{"m":"1"}' }));
    const info = await list('list-empty', {}, 'go');
    expect(info).toMatchObject({
      hosts: [],
      dom: 'list-empty',
      name: 'DEFAULT_GROUP@@list-empty',
      metadata: { m: '1' },
    });
    for (const key of ['cacheMillis', 'lastRefTime', 'checksum', 'useSpecifiedURL', 'clusters', 'env']) {
      expect(info).toHaveProperty(key);
    }
  });

  it('an unknown client asking for push still gets the default cacheMillis', async () => {
    const info = await list('list-a', { udpPort: 55555, clientIP: '127.0.0.1' }, 'plain');
    expect(info.cacheMillis).toBe(3000);
  });

  it('isCheck=true answers {}', async () => {
    const res = await wire('java14').get(NS + '/instance/list', { serviceName: 'list-a', isCheck: 'true' });
    expect({ status: res.status, body: res.json() }).toEqual({ status: 200, body: {} });
  });

  it('healthyOnly drops unhealthy instances; valid and healthy show the health group', async () => {
    await register({ serviceName: 'list-health', ip: '10.5.1.1', port: 80 });
    await register({ serviceName: 'list-health', ip: '10.5.1.2', port: 80, healthy: 'false' });
    let hosts = byIp((await list('list-health', { healthyOnly: 'false' })).hosts);
    expect(hosts['10.5.1.1:80']).toMatchObject({ healthy: true, valid: true });
    expect(hosts['10.5.1.2:80']).toMatchObject({ healthy: false, valid: false });
    hosts = byIp((await list('list-health', { healthyOnly: 'true' })).hosts);
    expect(Object.keys(hosts)).toEqual(['10.5.1.1:80']);
  });

  it('protect threshold 0: when all are unhealthy, all are returned as healthy, even with healthyOnly', async () => {
    await register({ serviceName: 'list-protect0', ip: '10.5.2.1', port: 80, healthy: 'false' });
    await register({ serviceName: 'list-protect0', ip: '10.5.2.2', port: 80, healthy: 'false' });
    for (const healthyOnly of ['false', 'true']) {
      const hosts = (await list('list-protect0', { healthyOnly })).hosts;
      expect(hosts.map((h) => [h.ip, h.healthy, h.valid]).sort()).toEqual([
        ['10.5.2.1', true, true],
        ['10.5.2.2', true, true],
      ]);
    }
  });

  it('protect threshold: reached at healthy/total <= threshold, with disabled instances in the total', async () => {
    const serviceName = 'list-protect';
    expectOk(await wire('plain').post(NS + '/service', { serviceName, protectThreshold: 0.5 }));
    await register({ serviceName, ip: '10.5.3.1', port: 80 });
    await register({ serviceName, ip: '10.5.3.2', port: 80, enabled: 'false' });
    await register({ serviceName, ip: '10.5.3.3', port: 80, healthy: 'false' });
    // 2 healthy of 3 (the disabled one counts) > 0.5: not reached; the disabled one is not listed.
    let hosts = (await list(serviceName)).hosts;
    expect(hosts.map((h) => [h.ip, h.healthy]).sort()).toEqual([
      ['10.5.3.1', true],
      ['10.5.3.3', false],
    ]);
    // Threshold 0.7: 2/3 <= 0.7, so the unhealthy instance is returned as healthy.
    expectOk(await wire('plain').put(NS + '/service', { serviceName, protectThreshold: 0.7 }));
    hosts = (await list(serviceName, { healthyOnly: 'true' })).hosts;
    expect(hosts.map((h) => [h.ip, h.healthy, h.valid]).sort()).toEqual([
      ['10.5.3.1', true, true],
      ['10.5.3.3', true, true],
    ]);
  });

  it('groupName joins a bare serviceName and is ignored for a grouped one', async () => {
    await register({ serviceName: 'list-group', groupName: 'G2', ip: '10.5.4.1', port: 80 });
    expect((await list('list-group', { groupName: 'G2' })).hosts).toHaveLength(1);
    expect((await list('G2@@list-group', { groupName: 'OTHER' })).hosts).toHaveLength(1);
    expect((await list('list-group')).hosts).toEqual([]);
  });

  it('reads the pre-0.8 `dom` parameter when serviceName is absent', async () => {
    const res = await wire('plain').get(NS + '/instance/list', { dom: 'list-a', clusters: 'c1' });
    expect(res.json<ServiceInfo>().hosts.map((h) => h.ip)).toEqual(['10.5.0.1']);
  });
});

describe('statuses (GET /instance/statuses)', () => {
  it('lists ip:port_healthy by key, with or without the namespace', async () => {
    await register({ serviceName: 'statuses-a', ip: '10.6.0.1', port: 80 });
    await register({ serviceName: 'statuses-a', ip: '10.6.0.2', port: 81, healthy: 'false' });
    for (const key of ['public##DEFAULT_GROUP@@statuses-a', 'DEFAULT_GROUP@@statuses-a']) {
      const res = await wire('plain').get(NS + '/instance/statuses', { key });
      expect(res.status).toBe(200);
      expect(res.json<{ ips: string[] }>().ips.sort()).toEqual(['10.6.0.1:80_true', '10.6.0.2:81_false']);
    }
  });

  it('404 for an unknown service', async () => {
    expectError(
      await wire('plain').get(NS + '/instance/statuses', { key: 'public##DEFAULT_GROUP@@statuses-none' }),
      404,
      'service: DEFAULT_GROUP@@statuses-none not found.',
    );
  });
});

describe('metadata batch (PUT/DELETE /instance/metadata/batch)', () => {
  it('merges and removes keys on the listed instances', async () => {
    await register({ serviceName: 'batch-a', ip: '10.7.0.1', port: 80, metadata: '{"a":"1"}' });
    await register({ serviceName: 'batch-a', ip: '10.7.0.2', port: 80, metadata: '{"a":"1"}' });
    const instances = JSON.stringify([{ ip: '10.7.0.1', port: 80, ephemeral: true, clusterName: 'DEFAULT' }]);
    const put = await wire('go').put(NS + '/instance/metadata/batch', {
      serviceName: 'batch-a',
      instances,
      metadata: '{"b":"2"}',
    });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ updated: ['10.7.0.1:80:unknown:DEFAULT:ephemeral'] });
    let hosts = byIp((await list('batch-a')).hosts);
    expect(hosts['10.7.0.1:80']!.metadata).toEqual({ a: '1', b: '2' });
    expect(hosts['10.7.0.2:80']!.metadata).toEqual({ a: '1' });

    const del = await wire('go').delete(NS + '/instance/metadata/batch', {
      serviceName: 'batch-a',
      consistencyType: 'ephemeral',
      metadata: '{"a":""}',
    });
    expect(del.status).toBe(200);
    expect(del.json<{ updated: string[] }>().updated.sort()).toEqual([
      '10.7.0.1:80:unknown:DEFAULT:ephemeral',
      '10.7.0.2:80:unknown:DEFAULT:ephemeral',
    ]);
    hosts = byIp((await list('batch-a')).hosts);
    expect(hosts['10.7.0.1:80']!.metadata).toEqual({ b: '2' });
    expect(hosts['10.7.0.2:80']!.metadata).toEqual({});
  });

  it('requires metadata', async () => {
    expectError(
      await wire('go').put(NS + '/instance/metadata/batch', { serviceName: 'batch-a', consistencyType: 'ephemeral' }),
      400,
      "Param 'metadata' is required.",
    );
  });
});
