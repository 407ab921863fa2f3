/**
 * The Nacos 2.x HTTP Open API (/nacos/v2/...) on the real server over real HTTP, auth on: the same
 * registry as /nacos/v1 and /api/v1, Results with Nacos's codes, and bad input that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  createUserWithPermission,
  q,
  startAuthServer,
  type AuthServer,
  type HttpResponse,
} from '../auth/support/auth-server.js';

interface Result<T> {
  code: number;
  message: string;
  data: T;
}

const NS2 = '/nacos/v2/ns';
const SERVICE = 'v2-orders';

let server: AuthServer;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startAuthServer();
  admin = await server.adminHeaders();
});

afterAll(() => server.close());

function send(method: string, path: string, params: Record<string, string | number> = {}): Promise<HttpResponse> {
  return server.http.send(method, `${path}?${q(params)}`, { headers: admin });
}

function expectResult<T>(res: HttpResponse): T {
  expect(res.status, res.body).toBe(200);
  const body = res.json<Result<T>>();
  expect(body.code).toBe(0);
  expect(body.message).toBe('success');
  return body.data;
}

function expectError(res: HttpResponse, status: number, code: number, message: string, data?: string): void {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const body = res.json<Result<string>>();
  expect(body.code).toBe(code);
  expect(body.message).toBe(message);
  if (data !== undefined) expect(body.data).toBe(data);
}

/** `ip:port` of the instances of a service, as /nacos/v1 lists them. */
async function v1Hosts(serviceName: string): Promise<string[]> {
  const res = await send('GET', '/nacos/v1/ns/instance/list', { serviceName });
  expect(res.status, res.body).toBe(200);
  return res
    .json<{ hosts: { ip: string; port: number }[] }>()
    .hosts.map((h) => `${h.ip}:${h.port}`)
    .sort();
}

async function v2Hosts(serviceName: string): Promise<string[]> {
  const info = expectResult<{ hosts: { ip: string; port: number }[] }>(
    await send('GET', `${NS2}/instance/list`, { serviceName }),
  );
  return info.hosts.map((h) => `${h.ip}:${h.port}`).sort();
}

describe('one registry on every face', () => {
  it('an instance registered on v2 is seen on v1 and the native API, and one from v1 on v2', async () => {
    const reg = { serviceName: SERVICE, ip: '127.0.0.21', port: 8080, weight: 2, metadata: '{"zone":"a"}' };
    expect(expectResult<string>(await send('POST', `${NS2}/instance`, reg))).toBe('ok');
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);

    const native = await send('GET', `/api/v1/namespaces/public/services/DEFAULT_GROUP/${SERVICE}`);
    expect(native.status, native.body).toBe(200);
    const clusters = native.json<{ clusters: { instances: { ip: string; weight: number }[] }[] }>().clusters;
    expect(clusters.flatMap((c) => c.instances).map((i) => [i.ip, i.weight])).toEqual([['127.0.0.21', 2]]);

    const v1 = await send('POST', '/nacos/v1/ns/instance', { serviceName: SERVICE, ip: '127.0.0.22', port: 8080 });
    expect(v1.status, v1.body).toBe(200);
    expect(await v2Hosts(SERVICE)).toEqual(['127.0.0.21:8080', '127.0.0.22:8080']);

    const detail = expectResult<Record<string, unknown>>(
      await send('GET', `${NS2}/instance`, { serviceName: SERVICE, ip: '127.0.0.21', port: 8080 }),
    );
    expect(detail).toMatchObject({
      serviceName: `DEFAULT_GROUP@@${SERVICE}`,
      ip: '127.0.0.21',
      port: 8080,
      clusterName: 'DEFAULT',
      weight: 2,
      healthy: true,
      metadata: { zone: 'a' },
    });

    expect(
      expectResult<string>(
        await send('DELETE', `${NS2}/instance`, { serviceName: SERVICE, ip: '127.0.0.22', port: 8080 }),
      ),
    ).toBe('ok');
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);
  });

  it('the 2.x ServiceInfo of /instance/list carries the group and grouped name', async () => {
    const info = expectResult<Record<string, unknown>>(
      await send('GET', `${NS2}/instance/list`, { serviceName: SERVICE }),
    );
    expect(info).toMatchObject({
      name: `DEFAULT_GROUP@@${SERVICE}`,
      groupName: 'DEFAULT_GROUP',
      reachProtectionThreshold: false,
    });
    expect(typeof info['cacheMillis']).toBe('number');
  });

  it('PUT /instance changes an existing instance and refuses a missing one (21004)', async () => {
    const update = { serviceName: SERVICE, ip: '127.0.0.21', port: 8080, weight: 3 };
    expect(expectResult<string>(await send('PUT', `${NS2}/instance`, update))).toBe('ok');
    const missing = await send('PUT', `${NS2}/instance`, { ...update, ip: '127.0.0.99' });
    expectError(missing, 400, 21004, 'instance error');
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);
  });

  it('the beat answers the bare object, and a light beat of an unknown instance is 20404', async () => {
    const beat = JSON.stringify({
      ip: '127.0.0.21',
      port: 8080,
      serviceName: `DEFAULT_GROUP@@${SERVICE}`,
      cluster: 'DEFAULT',
    });
    const res = await send('PUT', `${NS2}/instance/beat`, { serviceName: SERVICE, beat });
    expect(res.status, res.body).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['clientBeatInterval', 'code', 'lightBeatEnabled']);
    expect(body['code']).toBe(10200);
    const light = await send('PUT', `${NS2}/instance/beat`, { serviceName: SERVICE, ip: '127.0.0.98', port: 1 });
    expect(light.json<Record<string, unknown>>()['code']).toBe(20404);
  });

  it('batch metadata answers the keys it changed', async () => {
    const res = await send('PUT', `${NS2}/instance/metadata/batch`, {
      serviceName: SERVICE,
      consistencyType: 'ephemeral',
      metadata: '{"team":"core"}',
    });
    const data = expectResult<{ updated: string[] }>(res);
    expect(data.updated).toHaveLength(1);
    expect(data.updated[0]).toContain('127.0.0.21:8080');
  });
});

describe('same rules as the other faces', () => {
  it("an operator's override (native API) survives a v2 re-registration, and v2 reads it", async () => {
    const name = 'v2-overridden';
    const at = { serviceName: name, ip: '127.0.0.26', port: 8080 };
    expectResult(await send('POST', `${NS2}/instance`, { ...at, weight: 1 }));
    const edit = await server.http.send(
      'PATCH',
      `/api/v1/namespaces/public/services/DEFAULT_GROUP/${name}/instances/DEFAULT/127.0.0.26/8080`,
      { headers: admin, json: { weight: 7 } },
    );
    expect(edit.status, edit.body).toBe(200);
    expectResult(await send('POST', `${NS2}/instance`, { ...at, weight: 1 }));
    const detail = expectResult<{ weight: number }>(await send('GET', `${NS2}/instance`, at));
    expect(detail.weight).toBe(7);
    expectResult(await send('DELETE', `${NS2}/instance`, at));
    expectResult(await send('DELETE', `${NS2}/service`, { serviceName: name }));
  });

  it('the metadata bound is the same on v2 as on v1, and a refusal changes nothing', async () => {
    const form = {
      serviceName: 'v2-bounded',
      ip: '127.0.0.27',
      port: '8080',
      metadata: JSON.stringify({ big: 'x'.repeat(20 * 1024) }),
    };
    const v1 = await server.http.send('POST', '/nacos/v1/ns/instance', { headers: admin, form });
    expect(v1.status).toBe(400);
    const v2 = await server.http.send('POST', `${NS2}/instance`, { headers: admin, form });
    expectError(v2, 400, 20002, 'parameter validate error', v1.body);
    expect(await v1Hosts('v2-bounded')).toEqual([]);
  });
});

describe('services', () => {
  it('create, detail, list, update, and delete only when empty', async () => {
    const name = 'v2-catalog';
    expect(
      expectResult<string>(
        await send('POST', `${NS2}/service`, { serviceName: name, protectThreshold: 0.5, metadata: '{"owner":"ops"}' }),
      ),
    ).toBe('ok');
    expectError(await send('POST', `${NS2}/service`, { serviceName: name }), 400, 21007, 'service already exist');

    const detail = expectResult<Record<string, unknown>>(await send('GET', `${NS2}/service`, { serviceName: name }));
    expect(detail).toMatchObject({
      namespace: 'public',
      serviceName: name,
      groupName: 'DEFAULT_GROUP',
      protectThreshold: 0.5,
      metadata: { owner: 'ops' },
    });

    const list = expectResult<{ count: number; services: string[] }>(
      await send('GET', `${NS2}/service/list`, { pageSize: 100 }),
    );
    expect(list.services).toContain(name);
    expect(list.services).toContain(SERVICE);
    expect(list.count).toBe(list.services.length);

    expect(
      expectResult<string>(await send('PUT', `${NS2}/service`, { serviceName: name, protectThreshold: 0.2 })),
    ).toBe('ok');
    const v1 = await send('GET', '/nacos/v1/ns/service', { serviceName: name });
    expect(v1.json<{ protectThreshold: number }>().protectThreshold).toBe(0.2);

    expectError(await send('DELETE', `${NS2}/service`, { serviceName: SERVICE }), 400, 21009, 'service delete failure');
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);
    expect(expectResult<string>(await send('DELETE', `${NS2}/service`, { serviceName: name }))).toBe('ok');
    expectError(await send('GET', `${NS2}/service`, { serviceName: name }), 400, 21008, 'service not exist');
    expectError(await send('PUT', `${NS2}/service`, { serviceName: name }), 400, 21008, 'service not exist');
  });
});

describe("a missing or bad parameter gets Nacos's v2 error and changes nothing", () => {
  it.each([
    [
      { ip: '127.0.0.30', port: 80 },
      10000,
      'parameter missing',
      "Required parameter 'serviceName' type String is not present",
    ],
    [
      { serviceName: 'v2-bad', port: 80 },
      10000,
      'parameter missing',
      "Required parameter 'ip' type String is not present",
    ],
    [
      { serviceName: 'v2-bad', ip: '127.0.0.30' },
      10000,
      'parameter missing',
      "Required parameter 'port' type Integer is not present",
    ],
    [
      { serviceName: 'v2-bad', ip: '127.0.0.30', port: 80, weight: 10001 },
      21001,
      'weight error',
      'instance format invalid: The weights range from 0.0 to 10000.0',
    ],
    [
      { serviceName: 'v2-bad', ip: '127.0.0.30', port: 'eighty' },
      20002,
      'parameter validate error',
      'For input string: "eighty"',
    ],
    [{ serviceName: 'v2-bad', ip: '127.0.0.30', port: 80, clusterName: 'a b' }, 21004, 'instance error', undefined],
  ] as const)('register %j', async (params, code, message, data) => {
    expectError(await send('POST', `${NS2}/instance`, params), 400, code, message, data);
    expect(await v1Hosts('v2-bad')).toEqual([]);
  });

  it('health needs `healthy` first, as a Boolean', async () => {
    const res = await send('PUT', `${NS2}/health/instance`, { serviceName: SERVICE, ip: '127.0.0.21', port: 8080 });
    expectError(res, 400, 10000, 'parameter missing', "Required parameter 'healthy' type Boolean is not present");
  });

  it('an unknown instance is 404 resource not found', async () => {
    const res = await send('GET', `${NS2}/instance`, { serviceName: SERVICE, ip: '127.0.0.97', port: 1 });
    expectError(res, 404, 20004, 'resource not found', 'no matched ip found!');
  });

  it('a path no route serves is a 404 Result', async () => {
    expectError(await send('GET', `${NS2}/nothing-here`), 404, 20004, 'resource not found');
  });
});

describe('auth applies', () => {
  it('without credentials a write is refused and nothing changes', async () => {
    const res = await server.http.send(
      'POST',
      `${NS2}/instance?${q({ serviceName: SERVICE, ip: '127.0.0.23', port: 1 })}`,
    );
    expect(res.status).toBe(403);
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);
  });

  it('a reader may list but not register', async () => {
    await createUserWithPermission(server, {
      username: 'v2reader',
      password: 'v2reader-Passw0rd',
      role: 'v2-readers',
      resource: 'public:*:naming/*',
      action: 'r',
    });
    const token = await server.login('v2reader', 'v2reader-Passw0rd');
    const headers = { authorization: `Bearer ${token}` };
    const list = await server.http.send('GET', `${NS2}/instance/list?${q({ serviceName: SERVICE })}`, { headers });
    expect(list.status, list.body).toBe(200);
    const write = await server.http.send(
      'POST',
      `${NS2}/instance?${q({ serviceName: SERVICE, ip: '127.0.0.24', port: 1 })}`,
      { headers },
    );
    expect(write.status).toBe(403);
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);
  });
});

describe('core and console', () => {
  it('the cluster is this one node, UP', async () => {
    const self = expectResult<{ ip: string; port: number; state: string; address: string }>(
      await send('GET', '/nacos/v2/core/cluster/node/self'),
    );
    expect(self).toMatchObject({
      ip: '127.0.0.1',
      port: server.port,
      state: 'UP',
      address: `127.0.0.1:${server.port}`,
    });
    expect(expectResult<unknown[]>(await send('GET', '/nacos/v2/core/cluster/node/list'))).toHaveLength(1);
    expect(
      expectResult<unknown[]>(await send('GET', '/nacos/v2/core/cluster/node/list', { state: 'DOWN' })),
    ).toHaveLength(0);
    expectError(
      await send('GET', '/nacos/v2/core/cluster/node/list', { state: 'LOST' }),
      400,
      23000,
      'illegal state',
      'Illegal state: LOST',
    );
    expect(expectResult<string>(await send('GET', '/nacos/v2/core/cluster/node/self/health'))).toBe('UP');
  });

  it('namespaces: create, read, update, list, delete', async () => {
    const created = await send('POST', '/nacos/v2/console/namespace', {
      namespaceId: 'v2-team',
      namespaceName: 'Team',
      namespaceDesc: 'd',
    });
    expect(expectResult<boolean>(created)).toBe(true);
    expectError(
      await send('POST', '/nacos/v2/console/namespace', { namespaceId: 'v2-team', namespaceName: 'Again' }),
      400,
      22000,
      'illegal namespace',
    );
    expectError(
      await send('POST', '/nacos/v2/console/namespace', { namespaceId: 'v2-bad' }),
      400,
      10000,
      'parameter missing',
    );
    expect(
      expectResult<Record<string, unknown>>(
        await send('GET', '/nacos/v2/console/namespace', { namespaceId: 'v2-team' }),
      ),
    ).toEqual({
      namespace: 'v2-team',
      namespaceShowName: 'Team',
      namespaceDesc: 'd',
      quota: 200,
      configCount: 0,
      type: 2,
    });
    expect(
      expectResult<boolean>(
        await send('PUT', '/nacos/v2/console/namespace', { namespaceId: 'v2-team', namespaceName: 'Team 2' }),
      ),
    ).toBe(true);
    const list = expectResult<{ namespace: string; namespaceShowName: string }[]>(
      await send('GET', '/nacos/v2/console/namespace/list'),
    );
    expect(list.map((n) => [n.namespace, n.namespaceShowName])).toEqual([
      ['', 'public'],
      ['v2-team', 'Team 2'],
    ]);
    expect(expectResult<boolean>(await send('DELETE', '/nacos/v2/console/namespace', { namespaceId: 'v2-team' }))).toBe(
      true,
    );
    expectError(
      await send('GET', '/nacos/v2/console/namespace', { namespaceId: 'v2-team' }),
      404,
      22001,
      'namespace not exist',
    );
  });

  it('operator metrics: the status, and the figures on request', async () => {
    expect(expectResult<Record<string, unknown>>(await send('GET', `${NS2}/operator/metrics`))).toEqual({
      status: 'UP',
    });
    const full = expectResult<Record<string, unknown>>(
      await send('GET', `${NS2}/operator/metrics`, { onlyStatus: 'false' }),
    );
    expect(full).toMatchObject({ status: 'UP', instanceCount: 1 });
  });
});

describe('operator switches', () => {
  it('are those of /nacos/v1, changed with the same bounds', async () => {
    const v1 = (await send('GET', '/nacos/v1/ns/operator/switches')).json<Record<string, unknown>>();
    expect(expectResult<Record<string, unknown>>(await send('GET', `${NS2}/operator/switches`))).toEqual(v1);
    const set = await send('PUT', `${NS2}/operator/switches`, { entry: 'defaultCacheMillis', value: 4000 });
    expect(expectResult<string>(set)).toBe('ok');
    const after = (await send('GET', '/nacos/v1/ns/operator/switches')).json<Record<string, unknown>>();
    expect(after['defaultCacheMillis']).toBe(4000);
    const low = await send('PUT', `${NS2}/operator/switches`, { entry: 'defaultCacheMillis', value: 10 });
    expectError(low, 400, 20002, 'parameter validate error');
    expectError(await send('PUT', `${NS2}/operator/switches`, { value: 1 }), 400, 10000, 'parameter missing');
  });

  it('while the server is DOWN, v2 naming answers 503 but the switches stay open', async () => {
    const down = await send('PUT', `${NS2}/ops/switches`, { entry: 'overriddenServerStatus', value: 'DOWN' });
    expect(expectResult<string>(down)).toBe('ok');
    try {
      const refused = await send('POST', `${NS2}/instance`, { serviceName: SERVICE, ip: '127.0.0.25', port: 1 });
      expect(refused.status).toBe(503);
    } finally {
      await send('PUT', `${NS2}/ops/switches`, { entry: 'overriddenServerStatus', value: 'NULL' });
    }
    expect(await v1Hosts(SERVICE)).toEqual(['127.0.0.21:8080']);
  });
});

describe('Prometheus HTTP SD', () => {
  // The instance's metadata is { team: core } now: the PUT above replaced it, as 2.x's PUT does.
  it('lists every instance as a target group with Nacos labels, service metadata below instance metadata', async () => {
    await send('PUT', `${NS2}/service`, { serviceName: SERVICE, metadata: '{"team":"svc","metrics-path":"/m"}' });
    const res = await send('GET', '/nacos/prometheus');
    expect(res.status, res.body).toBe(200);
    expect(res.json()).toEqual([
      {
        targets: ['127.0.0.21:8080'],
        labels: {
          metrics_path: '/m',
          team: 'core',
          __meta_clusterName: 'DEFAULT',
          __meta_beacon_namespace: 'public',
          __meta_beacon_group: 'DEFAULT_GROUP',
          __meta_beacon_service: SERVICE,
        },
      },
    ]);
    const one = await send('GET', `/nacos/prometheus/namespaceId/public/service/${SERVICE}`);
    expect(one.json<unknown[]>()).toHaveLength(1);
    expect((await send('GET', '/nacos/prometheus/namespaceId/public/service/other')).json()).toEqual([]);
    expect((await send('GET', '/nacos/prometheus/namespaceId/elsewhere')).json()).toEqual([]);
  });

  it('takes Basic credentials, as Prometheus sends them, and refuses none', async () => {
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`nacos:${password}`).toString('base64')}`,
    });
    expect((await server.http.send('GET', '/nacos/prometheus')).status).toBe(403);
    expect((await server.http.send('GET', '/nacos/prometheus', { headers: basic('wrong') })).status).toBe(403);
    const ok = await server.http.send('GET', '/nacos/prometheus', { headers: basic(ADMIN_PASSWORD) });
    expect(ok.status, ok.body).toBe(200);
  });
});
