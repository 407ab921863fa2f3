/**
 * Operator metrics and switches, the server status filter, console namespaces, server state,
 * liveness/readiness and unknown APIs (docs/nacos-protocol.md §0, §2.5 and §2.8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerStatusHolder } from '../support/built-internals.js';
import { NacosWire, NS, rawRequest, type ClientStyle, type WireResponse } from '../support/nacos-wire.js';
import { makeDataDir, removeDataDir, startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;
const wire = (style: ClientStyle = 'plain') => new NacosWire(server.baseUrl, style);

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

const DEFAULT_SWITCHES = {
  name: '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00',
  masters: null,
  adWeightMap: {},
  defaultPushCacheMillis: 10000,
  clientBeatInterval: 5000,
  defaultCacheMillis: 3000,
  distroThreshold: 0.7,
  healthCheckEnabled: true,
  autoChangeHealthCheckEnabled: true,
  distroEnabled: true,
  enableStandalone: true,
  pushEnabled: true,
  checkTimes: 3,
  httpHealthParams: { max: 5000, min: 500, factor: 0.85 },
  tcpHealthParams: { max: 5000, min: 1000, factor: 0.75 },
  mysqlHealthParams: { max: 3000, min: 2000, factor: 0.65 },
  incrementalList: [],
  serverStatusSynchronizationPeriodMillis: 2000,
  serviceStatusSynchronizationPeriodMillis: 5000,
  disableAddIP: false,
  sendBeatOnly: false,
  lightBeatEnabled: true,
  limitedUrlMap: {},
  distroServerExpiredMillis: 10000,
  pushGoVersion: '0.1.0',
  pushJavaVersion: '0.1.0',
  pushPythonVersion: '0.4.3',
  pushCVersion: '1.0.12',
  pushCSharpVersion: '0.9.0',
  enableAuthentication: false,
  overriddenServerStatus: null,
  defaultInstanceEphemeral: true,
  healthCheckWhiteList: [],
  checksum: null,
};

describe('operator metrics', () => {
  it.each(['/operator/metrics', '/ops/metrics'])('%s: status UP and the counts', async (path) => {
    await using own = await startInProcessServer();
    const w = new NacosWire(own.baseUrl, 'node');
    expectOk(await w.post(NS + '/instance', { serviceName: 'm-a', ip: '10.30.0.1', port: 80 }));
    expectOk(await w.post(NS + '/instance', { serviceName: 'm-a', ip: '10.30.0.2', port: 80 }));
    expectOk(await w.post(NS + '/service', { serviceName: 'm-b' }));
    const res = await w.get(NS + path);
    expect(res.status).toBe(200);
    const body = res.json<Record<string, number | string>>();
    expect(Object.keys(body)).toEqual([
      'status',
      'serviceCount',
      'instanceCount',
      'raftNotifyTaskCount',
      'responsibleServiceCount',
      'responsibleInstanceCount',
      'cpu',
      'load',
      'mem',
    ]);
    expect(body).toMatchObject({
      status: 'UP',
      serviceCount: 2,
      instanceCount: 2,
      raftNotifyTaskCount: 0,
      responsibleServiceCount: 2,
      responsibleInstanceCount: 2,
    });
    for (const key of ['cpu', 'load', 'mem']) expect(typeof body[key]).toBe('number');
  });
});

describe('operator switches', () => {
  it('GET answers the SwitchDomain defaults on both paths', async () => {
    for (const path of ['/operator/switches', '/ops/switches']) {
      const res = await wire('java14').get(NS + path);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual(DEFAULT_SWITCHES);
    }
  });

  it('PUT changes an entry, GET shows it, and it survives a restart', async () => {
    const dataDir = makeDataDir();
    try {
      {
        await using own = await startInProcessServer({ dataDir });
        const w = new NacosWire(own.baseUrl, 'java14');
        for (const [entry, value] of [
          ['clientBeatInterval', '7000'],
          ['defaultCacheMillis', '2000'],
          ['pushCacheMillis', '20000'],
          ['lightBeatEnabled', 'false'],
          ['check', 'false'],
          ['healthCheckTimes', '5'],
          ['defaultInstanceEphemeral', 'false'],
        ]) {
          expectOk(await w.put(NS + '/operator/switches', { entry, value }));
        }
        expectOk(
          await new NacosWire(own.baseUrl, 'go').put(NS + '/ops/switches', { entry: 'pushEnabled', value: 'false' }),
        );
      }
      await using again = await startInProcessServer({ dataDir });
      const res = await new NacosWire(again.baseUrl, 'plain').get(NS + '/operator/switches');
      expect(res.json()).toEqual({
        ...DEFAULT_SWITCHES,
        clientBeatInterval: 7000,
        defaultCacheMillis: 2000,
        defaultPushCacheMillis: 20000,
        lightBeatEnabled: false,
        healthCheckEnabled: false,
        checkTimes: 5,
        defaultInstanceEphemeral: false,
        pushEnabled: false,
      });
      // defaultCacheMillis is what a list answers; defaultInstanceEphemeral is what register uses.
      const w = new NacosWire(again.baseUrl, 'plain');
      expectOk(await w.post(NS + '/instance', { serviceName: 'sw-a', ip: '127.0.0.1', port: 9 }));
      const list = (await w.get(NS + '/instance/list', { serviceName: 'sw-a' })).json<{
        cacheMillis: number;
        hosts: { ephemeral: boolean }[];
      }>();
      expect(list.cacheMillis).toBe(2000);
      expect(list.hosts.map((h) => h.ephemeral)).toEqual([false]);
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('PUT refuses unknown entries and values out of range, and changes nothing', async () => {
    expectError(
      await wire().put(NS + '/operator/switches', { entry: 'nope', value: '1' }),
      400,
      'update entry not found: nope',
    );
    for (const [entry, value] of [
      ['pushCacheMillis', '9999'],
      ['defaultCacheMillis', '999'],
      ['clientBeatInterval', 'abc'],
      ['clientBeatInterval', '0'],
    ]) {
      const res = await wire().put(NS + '/operator/switches', { entry, value });
      expect(res.status, `${entry}=${value}`).toBe(400);
      expect(res.text).toContain(entry);
    }
    expectError(await wire().put(NS + '/operator/switches', { value: '1' }), 400, "Param 'entry' is required.");
    expectError(await wire().put(NS + '/operator/switches', { entry: 'check' }), 400, "Param 'value' is required.");
    expect((await wire().get(NS + '/operator/switches')).json()).toEqual(DEFAULT_SWITCHES);
  });
});

describe('server status filter (TrafficReviseFilter)', () => {
  it('503 with the original message while not UP; READ_ONLY lets GET through, WRITE_ONLY the rest', async () => {
    await using own = await startInProcessServer();
    const w = new NacosWire(own.baseUrl, 'java14');
    const status = own.app.get(ServerStatusHolder);
    const register = () => w.post(NS + '/instance', { serviceName: 'st-a', ip: '10.31.0.1', port: 80 });
    const list = () => w.get(NS + '/instance/list', { serviceName: 'st-a' });

    // Through the operator switch: WRITE_ONLY.
    expectOk(await w.put(NS + '/operator/switches', { entry: 'overriddenServerStatus', value: 'WRITE_ONLY' }));
    expectError(await list(), 503, 'server is WRITE_ONLYnow, please try again later!');
    expectOk(await register());
    expect((await rawRequest(own.baseUrl, '/nacos/v1/console/health/liveness')).text).toBe('OK');

    status.override('READ_ONLY');
    expectError(await register(), 503, 'server is READ_ONLYnow, please try again later!');
    expect((await list()).json<{ hosts: unknown[] }>().hosts).toHaveLength(1);

    status.override('DOWN');
    expectError(await list(), 503, 'server is DOWNnow, please try again later!');
    expectError(await register(), 503, 'server is DOWNnow, please try again later!');
    const readiness = await rawRequest(own.baseUrl, '/nacos/v1/console/health/readiness');
    expect({ status: readiness.status, text: readiness.text }).toEqual({
      status: 500,
      text: 'Naming is not in readiness',
    });

    status.override('WRITE_ONLY');
    expectOk(await w.put(NS + '/operator/switches', { entry: 'overriddenServerStatus', value: 'null' }));
    expect((await list()).status).toBe(200);
    expect(
      (await w.get(NS + '/operator/switches')).json<{ overriddenServerStatus: unknown }>().overriddenServerStatus,
    ).toBe(null);
  });
});

describe('console', () => {
  const CONSOLE = '/nacos/v1/console';

  it('server state', async () => {
    const res = await rawRequest(server.baseUrl, CONSOLE + '/server/state');
    expect(res.status).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(['version', 'standalone_mode', 'function_mode']);
    expect(body['version']).toMatch(/^1\.4\./);
    expect(body['standalone_mode']).toBe('standalone');
    expect([null, 'naming']).toContain(body['function_mode']);
  });

  it('liveness and readiness say OK', async () => {
    for (const path of ['/health/liveness', '/health/readiness']) {
      const res = await rawRequest(server.baseUrl, CONSOLE + path);
      expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'OK' });
    }
  });

  it('namespaces: list, create, show, check, update, delete', async () => {
    const w = wire();
    const list = async () => (await w.get(CONSOLE + '/namespaces')).json<{ data: { namespace: string }[] }>();
    expect(await list()).toEqual({
      code: 200,
      message: null,
      data: [{ namespace: '', namespaceShowName: 'public', quota: 200, configCount: 0, type: 0 }],
    });

    const created = await w.post(CONSOLE + '/namespaces', {
      customNamespaceId: 'dev-id',
      namespaceName: 'dev',
      namespaceDesc: 'for developers',
    });
    expect({ status: created.status, text: created.text }).toEqual({ status: 200, text: 'true' });
    expect((await list()).data).toEqual([
      { namespace: '', namespaceShowName: 'public', quota: 200, configCount: 0, type: 0 },
      { namespace: 'dev-id', namespaceShowName: 'dev', quota: 200, configCount: 0, type: 2 },
    ]);
    expect((await w.get(CONSOLE + '/namespaces', { show: 'all', namespaceId: 'dev-id' })).json()).toEqual({
      namespace: 'dev-id',
      namespaceShowName: 'dev',
      quota: 200,
      configCount: 0,
      type: 2,
      namespaceDesc: 'for developers',
    });
    const check = (id: string) =>
      w.get(CONSOLE + '/namespaces', { checkNamespaceIdExist: 'true', customNamespaceId: id });
    expect((await check('dev-id')).text).toBe('true');
    expect((await check('other')).text).toBe('false');

    // 1.4 answers `false` for a taken or malformed id.
    for (const id of ['dev-id', 'public', 'bad id!', 'x'.repeat(129)]) {
      const res = await w.post(CONSOLE + '/namespaces', { customNamespaceId: id, namespaceName: 'n' });
      expect({ id, status: res.status, text: res.text }).toEqual({ id, status: 200, text: 'false' });
    }
    expect((await list()).data).toHaveLength(2);

    expect(
      (await w.put(CONSOLE + '/namespaces', { namespace: 'dev-id', namespaceShowName: 'Dev', namespaceDesc: 'd' }))
        .text,
    ).toBe('true');
    expect((await list()).data[1]).toMatchObject({ namespace: 'dev-id', namespaceShowName: 'Dev' });
    expect((await w.delete(CONSOLE + '/namespaces', { namespaceId: 'dev-id' })).text).toBe('true');
    expect((await list()).data).toHaveLength(1);
  });

  it('namespaces: a blank customNamespaceId generates a UUID', async () => {
    const res = await wire().post(CONSOLE + '/namespaces', { customNamespaceId: '', namespaceName: 'generated' });
    expect(res.text).toBe('true');
    const data = (await wire().get(CONSOLE + '/namespaces')).json<{
      data: { namespace: string; namespaceShowName: string }[];
    }>().data;
    const generated = data.find((n) => n.namespaceShowName === 'generated');
    expect(generated?.namespace).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await wire().delete(CONSOLE + '/namespaces', { namespaceId: generated!.namespace })).text).toBe('true');
  });
});

describe('unknown APIs answer 501', () => {
  it.each([
    ['GET', '/nacos/v1/ns/nope'],
    ['PATCH', '/nacos/v1/ns/service'],
    ['POST', '/nacos/v1/ns/instance/list'],
    ['GET', '/nacos/v1/ns/instance/'],
    ['GET', '/nacos/v1/cs/configs'],
    ['DELETE', '/nacos/v1/console/server/state'],
  ])('%s %s', async (method, path) => {
    const res = await rawRequest(server.baseUrl, `${path}?serviceName=x`, { method });
    expect({ status: res.status, text: res.text }).toEqual({ status: 501, text: `no such api:${method}:${path}` });
  });
});
