/**
 * Service, cluster, health and catalog endpoints of the Nacos face (docs/nacos-protocol.md §2.3,
 * §2.4, §2.6 and §2.7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS, type ClientStyle, type WireResponse } from '../support/nacos-wire.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;
const wire = (style: ClientStyle = 'plain', userAgent?: string) => new NacosWire(server.baseUrl, style, userAgent);

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => {
  await server?.close();
});

function expectOk(res: WireResponse): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'ok' });
}

function expectError(res: WireResponse, status: number, text: string): void {
  expect({ status: res.status, text: res.text }).toEqual({ status, text });
}

async function register(params: Record<string, string | number>): Promise<void> {
  expectOk(await wire().post(NS + '/instance', params));
}

describe('service create / detail / update / delete', () => {
  it('creates with threshold, metadata and a label selector; detail answers the 1.4 shape', async () => {
    expectOk(
      await wire('java14').post(NS + '/service', {
        serviceName: 'svc-a',
        groupName: 'G',
        protectThreshold: 0.3,
        metadata: '{"owner":"team-a"}',
        selector: JSON.stringify({ type: 'label', expression: 'CONSUMER.label.A = PROVIDER.label.A' }),
      }),
    );
    const res = await wire('java14').get(NS + '/service', { serviceName: 'svc-a', groupName: 'G' });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual([
      'name',
      'namespaceId',
      'protectThreshold',
      'metadata',
      'selector',
      'groupName',
      'clusters',
    ]);
    expect(body).toEqual({
      name: 'svc-a',
      namespaceId: 'public',
      protectThreshold: 0.3,
      metadata: { owner: 'team-a' },
      selector: { type: 'label', expression: 'CONSUMER.label.A = PROVIDER.label.A' },
      groupName: 'G',
      clusters: [],
    });
  });

  it('accepts a URL-encoded selector (decoded once more) and `none`', async () => {
    expectOk(
      await wire('go').post(NS + '/service', {
        serviceName: 'svc-selector',
        selector: encodeURIComponent('{"type":"none"}'),
      }),
    );
    const detail = await wire().get(NS + '/service', { serviceName: 'svc-selector' });
    expect(detail.json<{ selector: unknown }>().selector).toEqual({ type: 'none' });
  });

  it('400 when the service already exists; nothing changes', async () => {
    expectOk(await wire().post(NS + '/service', { serviceName: 'svc-dup', protectThreshold: 0.1 }));
    expectError(
      await wire().post(NS + '/service', { serviceName: 'svc-dup', protectThreshold: 0.9 }),
      400,
      'specified service already exists, serviceName : DEFAULT_GROUP@@svc-dup',
    );
    const detail = await wire().get(NS + '/service', { serviceName: 'svc-dup' });
    expect(detail.json<{ protectThreshold: number }>().protectThreshold).toBe(0.1);
  });

  it('400 for an unknown selector type', async () => {
    expectError(
      await wire().post(NS + '/service', { serviceName: 'svc-badsel', selector: '{"type":"cmdb"}' }),
      400,
      'not match any type of selector!',
    );
    expect((await wire().get(NS + '/service', { serviceName: 'svc-badsel' })).status).toBe(404);
  });

  it('update replaces metadata and selector; omitting them resets them', async () => {
    expectOk(
      await wire().post(NS + '/service', {
        serviceName: 'svc-upd',
        metadata: '{"a":"1"}',
        selector: '{"type":"label","expression":"x"}',
      }),
    );
    expectOk(await wire().put(NS + '/service', { serviceName: 'svc-upd', protectThreshold: 0.5, metadata: 'b=2,c=3' }));
    let detail = await wire().get(NS + '/service', { serviceName: 'svc-upd' });
    expect(detail.json()).toMatchObject({
      protectThreshold: 0.5,
      metadata: { b: '2', c: '3' },
      selector: { type: 'none' },
    });
    expectOk(await wire().put(NS + '/service', { serviceName: 'svc-upd', protectThreshold: 0 }));
    detail = await wire().get(NS + '/service', { serviceName: 'svc-upd' });
    expect(detail.json()).toMatchObject({ protectThreshold: 0, metadata: {}, selector: { type: 'none' } });
  });

  it('update requires protectThreshold and an existing service', async () => {
    expectOk(await wire().post(NS + '/service', { serviceName: 'svc-upd2' }));
    expectError(
      await wire().put(NS + '/service', { serviceName: 'svc-upd2', metadata: '{"a":"1"}' }),
      400,
      "Param 'protectThreshold' is required.",
    );
    expectError(
      await wire().put(NS + '/service', { serviceName: 'svc-none', protectThreshold: 0 }),
      400,
      'service DEFAULT_GROUP@@svc-none not found!',
    );
    expect((await wire().get(NS + '/service', { serviceName: 'svc-upd2' })).json()).toMatchObject({ metadata: {} });
  });

  it('detail 404 for an unknown service', async () => {
    expectError(
      await wire('java14').get(NS + '/service', { serviceName: 'svc-none' }),
      404,
      'service DEFAULT_GROUP@@svc-none is not found!',
    );
  });

  it('delete answers ok and removes the service with its instances (1.4 does not refuse)', async () => {
    await register({ serviceName: 'svc-del', ip: '10.20.0.1', port: 80 });
    expectOk(await wire('java14').delete(NS + '/service', { serviceName: 'svc-del', groupName: 'DEFAULT_GROUP' }));
    expect((await wire().get(NS + '/service', { serviceName: 'svc-del' })).status).toBe(404);
    const list = await wire().get(NS + '/instance/list', { serviceName: 'svc-del' });
    expect(list.json<{ hosts: unknown[] }>().hosts).toEqual([]);
    expectError(
      await wire().delete(NS + '/service', { serviceName: 'svc-del' }),
      400,
      'specified service not exist, serviceName : DEFAULT_GROUP@@svc-del',
    );
  });
});

describe('service list / names / subscribers', () => {
  beforeAll(async () => {
    for (const name of ['ls-b', 'ls-a', 'ls-c'])
      expectOk(await wire().post(NS + '/service', { serviceName: name, namespaceId: 'ls-ns' }));
    expectOk(await wire().post(NS + '/service', { serviceName: 'ls-g', groupName: 'OTHER', namespaceId: 'ls-ns' }));
  });

  it('pages bare names of one group, sorted, with the total count', async () => {
    const page = async (params: Record<string, string | number>) => {
      const res = await wire('node').get(NS + '/service/list', { namespaceId: 'ls-ns', ...params });
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await page({ pageNo: 1, pageSize: 2 })).toEqual({ doms: ['ls-a', 'ls-b'], count: 3 });
    expect(await page({ pageNo: 2, pageSize: 2 })).toEqual({ doms: ['ls-c'], count: 3 });
    expect(await page({ pageNo: 1, pageSize: 10, groupName: 'OTHER' })).toEqual({ doms: ['ls-g'], count: 1 });
    expect(await page({ pageNo: 1, pageSize: 10, groupName: '*' })).toEqual({
      doms: ['DEFAULT_GROUP@@ls-a', 'DEFAULT_GROUP@@ls-b', 'DEFAULT_GROUP@@ls-c', 'OTHER@@ls-g'],
      count: 4,
    });
    expect(await page({ pageNo: 1, pageSize: 10, namespaceId: 'ls-empty' })).toEqual({ doms: [], count: 0 });
  });

  it('requires pageNo and pageSize; non-numbers page as 0', async () => {
    expectError(await wire().get(NS + '/service/list', { pageSize: 10 }), 400, "Param 'pageNo' is required.");
    expectError(await wire().get(NS + '/service/list', { pageNo: 1 }), 400, "Param 'pageSize' is required.");
    const res = await wire().get(NS + '/service/list', { namespaceId: 'ls-ns', pageNo: 'x', pageSize: 'y' });
    expect({ status: res.status, body: res.json() }).toEqual({ status: 200, body: { doms: [], count: 3 } });
  });

  it('names: bare names per namespace (Nacos 1.4 searchService), filtered by expr', async () => {
    const res = await wire().get(NS + '/service/names', { namespaceId: 'ls-ns', expr: 'ls-' });
    expect(res.status).toBe(200);
    const body = res.json<{ services: Record<string, string[]>; count: number }>();
    expect(body.count).toBe(1);
    expect(body.services['ls-ns']!.sort()).toEqual(['ls-a', 'ls-b', 'ls-c', 'ls-g']);
    const filtered = await wire().get(NS + '/service/names', { namespaceId: 'ls-ns', expr: 'ls-g' });
    expect(filtered.json()).toEqual({ services: { 'ls-ns': ['ls-g'] }, count: 1 });
  });

  it('subscribers: the paged shape', async () => {
    const res = await wire().get(NS + '/service/subscribers', { serviceName: 'ls-a', namespaceId: 'ls-ns' });
    expect(res.status).toBe(200);
    const body = res.json<{ subscribers: unknown[]; count: number }>();
    expect(Object.keys(body)).toEqual(['subscribers', 'count']);
    expect(body.count).toBe(body.subscribers.length);
  });
});

describe('cluster update (PUT /cluster)', () => {
  it('creates or edits a cluster: checker, check port, useIPPort4Check, metadata', async () => {
    await register({ serviceName: 'cl-a', ip: '10.21.0.1', port: 80 });
    expectOk(
      await wire().put(NS + '/cluster', {
        serviceName: 'cl-a',
        clusterName: 'DEFAULT',
        checkPort: 8081,
        useInstancePort4Check: 'false',
        healthChecker: '{"type":"HTTP","path":"/health","headers":"","expectedResponseCode":200}',
        metadata: '{"zone":"z1"}',
      }),
    );
    expectOk(
      await wire().put(NS + '/cluster', {
        serviceName: 'cl-a',
        clusterName: 'new-one',
        checkPort: 80,
        useInstancePort4Check: 'true',
        healthChecker: '{"type":"NONE"}',
      }),
    );
    const res = await wire().get(NS + '/catalog/service', { serviceName: 'cl-a' });
    const clusters = res.json<{ clusters: Record<string, unknown>[] }>().clusters;
    const byName = Object.fromEntries(clusters.map((c) => [c['name'], c]));
    expect(byName['DEFAULT']).toEqual({
      serviceName: 'DEFAULT_GROUP@@cl-a',
      name: 'DEFAULT',
      healthChecker: { type: 'HTTP', path: '/health', headers: '', expectedResponseCode: 200 },
      defaultPort: 80,
      defaultCheckPort: 8081,
      useIPPort4Check: false,
      metadata: { zone: 'z1' },
      defIPPort: 80,
      defCkport: 8081,
      sitegroup: '',
      empty: false,
    });
    expect(byName['new-one']).toMatchObject({ healthChecker: { type: 'NONE' }, empty: true, useIPPort4Check: true });
  });

  it('400 for an unknown service, a missing parameter and a bad checker', async () => {
    const params = {
      serviceName: 'cl-none',
      clusterName: 'DEFAULT',
      checkPort: 80,
      useInstancePort4Check: 'true',
      healthChecker: '{"type":"TCP"}',
    };
    expectError(await wire().put(NS + '/cluster', params), 400, 'service not found:DEFAULT_GROUP@@cl-none');
    await register({ serviceName: 'cl-b', ip: '10.21.0.2', port: 80 });
    expectError(
      await wire().put(NS + '/cluster', { ...params, serviceName: 'cl-b', healthChecker: undefined }),
      400,
      "Param 'healthChecker' is required.",
    );
    expectError(
      await wire().put(NS + '/cluster', { ...params, serviceName: 'cl-b', healthChecker: '{"type":"UDP"}' }),
      400,
      'unknown health check type:{"type":"UDP"}',
    );
    expectError(
      await wire().put(NS + '/cluster', { ...params, serviceName: 'cl-b', checkPort: 'x' }),
      400,
      'For input string: "x"',
    );
    const detail = await wire().get(NS + '/service', { serviceName: 'cl-b' });
    expect(detail.json<{ clusters: unknown[] }>().clusters).toEqual([
      { name: 'DEFAULT', healthChecker: { type: 'TCP' }, metadata: {} },
    ]);
  });
});

describe('health (PUT /health/instance)', () => {
  it('400 while the cluster checker is TCP (the default)', async () => {
    await register({ serviceName: 'hl-tcp', ip: '127.0.0.1', port: 9, ephemeral: 'false' });
    expectError(
      await wire().put(NS + '/health/instance', { serviceName: 'hl-tcp', ip: '127.0.0.1', port: 9, healthy: 'false' }),
      400,
      'health check is still working, service: DEFAULT_GROUP@@hl-tcp',
    );
  });

  it('with the NONE checker, sets health by hand (`healthy` or the legacy `valid`), on both paths', async () => {
    expectOk(await wire().post(NS + '/service', { serviceName: 'hl-none' }));
    expectOk(
      await wire().put(NS + '/cluster', {
        serviceName: 'hl-none',
        clusterName: 'DEFAULT',
        checkPort: 80,
        useInstancePort4Check: 'true',
        healthChecker: '{"type":"NONE"}',
      }),
    );
    await register({ serviceName: 'hl-none', ip: '127.0.0.1', port: 9, ephemeral: 'false' });
    await register({ serviceName: 'hl-none', ip: '127.0.0.1', port: 10, ephemeral: 'false' });
    const health = async () => {
      const res = await wire().get(NS + '/instance/list', { serviceName: 'hl-none' });
      return Object.fromEntries(
        res.json<{ hosts: { port: number; healthy: boolean }[] }>().hosts.map((h) => [h.port, h.healthy]),
      );
    };
    expectOk(
      await wire().put(NS + '/health/instance', { serviceName: 'hl-none', ip: '127.0.0.1', port: 9, healthy: 'false' }),
    );
    expect(await health()).toEqual({ 9: false, 10: true });
    expectOk(await wire().put(NS + '/health', { serviceName: 'hl-none', ip: '127.0.0.1', port: 9, valid: 'true' }));
    expect(await health()).toEqual({ 9: true, 10: true });
  });

  it('requires healthy (or valid)', async () => {
    expectError(
      await wire().put(NS + '/health/instance', { serviceName: 'hl-none', ip: '127.0.0.1', port: 9 }),
      400,
      "Param 'healthy' is required.",
    );
  });

  it('a missing service is a client error, not a 500', async () => {
    const res = await wire().put(NS + '/health/instance', {
      serviceName: 'hl-missing',
      ip: '127.0.0.1',
      port: 9,
      healthy: 'true',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('GET /health/server and /health/checkers', async () => {
    const hello = await wire().get(NS + '/health/server');
    expect(hello.json<{ msg: string }>().msg).toMatch(
      /^Hello! I am Nacos-Naming and healthy! total services: raft \d+, local port:\d+$/,
    );
    const checkers = await wire().get(NS + '/health/checkers');
    expect(Object.keys(checkers.json()).sort()).toEqual(['HTTP', 'MYSQL', 'NONE', 'TCP']);
  });
});

describe('catalog (console endpoints)', () => {
  beforeAll(async () => {
    const ns = 'cat-ns';
    await register({ namespaceId: ns, serviceName: 'cat-a', ip: '10.22.0.1', port: 80 });
    await register({ namespaceId: ns, serviceName: 'cat-a', ip: '10.22.0.2', port: 81, healthy: 'false' });
    await register({
      namespaceId: ns,
      serviceName: 'cat-b',
      groupName: 'G',
      ip: '10.22.0.3',
      port: 80,
      clusterName: 'c1',
    });
    expectOk(await wire().post(NS + '/service', { namespaceId: ns, serviceName: 'cat-empty', protectThreshold: 0.5 }));
  });

  const services = async (params: Record<string, string | number>) => {
    const res = await wire().get(NS + '/catalog/services', {
      namespaceId: 'cat-ns',
      pageNo: 1,
      pageSize: 10,
      ...params,
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('services: summaries with counts and triggerFlag as a string', async () => {
    expect(await services({})).toEqual({
      serviceList: [
        {
          name: 'cat-a',
          groupName: 'DEFAULT_GROUP',
          clusterCount: 1,
          ipCount: 2,
          healthyInstanceCount: 1,
          triggerFlag: 'false',
        },
        {
          name: 'cat-empty',
          groupName: 'DEFAULT_GROUP',
          clusterCount: 0,
          ipCount: 0,
          healthyInstanceCount: 0,
          triggerFlag: 'false',
        },
        { name: 'cat-b', groupName: 'G', clusterCount: 1, ipCount: 1, healthyInstanceCount: 1, triggerFlag: 'false' },
      ],
      count: 3,
    });
  });

  it('services: name, group, instance and hasIpCount filters; paging', async () => {
    const names = async (params: Record<string, string | number>) =>
      ((await services(params)) as { serviceList: { name: string }[] }).serviceList.map((s) => s.name);
    expect(await names({ serviceNameParam: 'cat-' })).toEqual(['cat-a', 'cat-empty', 'cat-b']);
    expect(await names({ serviceNameParam: 'empty' })).toEqual(['cat-empty']);
    expect(await names({ groupNameParam: 'DEFAULT' })).toEqual(['cat-a', 'cat-empty']);
    expect(await names({ instance: '10.22.0.2' })).toEqual(['cat-a']);
    expect(await names({ instance: '10.22.0.2:80' })).toEqual([]);
    expect(await names({ hasIpCount: 'true' })).toEqual(['cat-a', 'cat-b']);
    expect(await services({ pageNo: 2, pageSize: 2 })).toMatchObject({ serviceList: [{ name: 'cat-b' }], count: 3 });
    expect(await services({ namespaceId: 'cat-none' })).toEqual({ serviceList: [], count: 0 });
  });

  it('services withInstances=true: the array shape', async () => {
    const body = (await services({ withInstances: 'true', serviceNameParam: 'cat-b' })) as unknown as unknown[];
    expect(body).toEqual([
      {
        serviceName: 'cat-b',
        groupName: 'G',
        metadata: {},
        clusterMap: {
          c1: { hosts: [{ ip: '10.22.0.3', port: 80, metadata: {}, valid: true, weight: 1, enabled: true }] },
        },
      },
    ]);
  });

  it('service: the service and its clusters', async () => {
    const res = await wire().get(NS + '/catalog/service', {
      namespaceId: 'cat-ns',
      serviceName: 'cat-b',
      groupName: 'G',
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      service: { name: 'cat-b', protectThreshold: 0, groupName: 'G', selector: { type: 'none' }, metadata: {} },
      clusters: [
        {
          serviceName: 'G@@cat-b',
          name: 'c1',
          healthChecker: { type: 'TCP' },
          defaultPort: 80,
          defaultCheckPort: 80,
          useIPPort4Check: true,
          metadata: {},
          defIPPort: 80,
          defCkport: 80,
          sitegroup: '',
          empty: false,
        },
      ],
    });
    expectError(
      await wire().get(NS + '/catalog/service', { namespaceId: 'cat-ns', serviceName: 'nope' }),
      404,
      'service DEFAULT_GROUP@@nope is not found!',
    );
  });

  it('instances: the full internal instance, paged', async () => {
    const before = Date.now();
    await register({
      namespaceId: 'cat-ns',
      serviceName: 'cat-c',
      ip: '10.22.0.9',
      port: 80,
      metadata: '{"preserved.heart.beat.timeout":"20000"}',
    });
    await register({ namespaceId: 'cat-ns', serviceName: 'cat-c', ip: '10.22.0.10', port: 80 });
    const res = await wire().get(NS + '/catalog/instances', {
      namespaceId: 'cat-ns',
      serviceName: 'cat-c',
      clusterName: 'DEFAULT',
      pageNo: 1,
      pageSize: 1,
    });
    expect(res.status).toBe(200);
    const body = res.json<{ list: Record<string, unknown>[]; count: number }>();
    expect(body.count).toBe(2);
    expect(body.list).toHaveLength(1);
    const item = body.list[0]!;
    expect(item).toEqual({
      instanceId: '10.22.0.9#80#DEFAULT#DEFAULT_GROUP@@cat-c',
      ip: '10.22.0.9',
      port: 80,
      weight: 1,
      healthy: true,
      enabled: true,
      ephemeral: true,
      clusterName: 'DEFAULT',
      serviceName: 'DEFAULT_GROUP@@cat-c',
      metadata: { 'preserved.heart.beat.timeout': '20000' },
      lastBeat: expect.any(Number),
      marked: false,
      app: 'DEFAULT',
      instanceHeartBeatInterval: 5000,
      instanceHeartBeatTimeOut: 20000,
      ipDeleteTimeout: 30000,
    });
    expect(item['lastBeat']).toBeGreaterThanOrEqual(before);
    const second = await wire().post(NS + '/catalog/instances', {
      namespaceId: 'cat-ns',
      serviceName: 'cat-c',
      clusterName: 'DEFAULT',
      pageNo: 2,
      pageSize: 1,
    });
    expect(second.status).toBe(200);
    expect(second.json<{ list: Record<string, unknown>[] }>().list[0]).toMatchObject({
      ip: '10.22.0.10',
      instanceIdGenerator: 'simple',
    });
  });

  it('instances: 404 for an unknown service or cluster', async () => {
    const params = { namespaceId: 'cat-ns', clusterName: 'DEFAULT', pageNo: 1, pageSize: 10 };
    expectError(
      await wire().get(NS + '/catalog/instances', { ...params, serviceName: 'nope' }),
      404,
      'service DEFAULT_GROUP@@nope is not found!',
    );
    expectError(
      await wire().get(NS + '/catalog/instances', { ...params, serviceName: 'cat-a', clusterName: 'zz' }),
      404,
      'cluster zz is not found!',
    );
  });
});
