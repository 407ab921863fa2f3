/**
 * Client mistakes: each is a 4xx with the exact plain-text message and changes nothing; none is a
 * 500 (docs/nacos-protocol.md §0 and §1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NacosWire,
  NS,
  encode,
  rawRequest,
  type ClientStyle,
  type Params,
  type WireResponse,
} from '../support/nacos-wire.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;
const wire = (style: ClientStyle = 'plain') => new NacosWire(server.baseUrl, style);

/** Every refused request in this file targets this namespace, which must stay empty. */
const BAD_NS = 'bad-ns';

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => {
  await server?.close();
});

function expectError(res: WireResponse, status: number, text: string): void {
  expect({ status: res.status, text: res.text }).toEqual({ status, text });
}

async function expectNamespaceEmpty(): Promise<void> {
  const res = await wire().get(NS + '/catalog/services', { namespaceId: BAD_NS, pageNo: 1, pageSize: 100 });
  expect(res.json()).toEqual({ serviceList: [], count: 0 });
}

const VALID = { namespaceId: BAD_NS, serviceName: 'svc', ip: '10.40.0.1', port: '80' };

describe('register: each refused with the exact message, nothing created', () => {
  const WEIGHT_RANGE = 'instance format invalid: The weights range from 0.0 to 10000.0';
  const cases: [string, Params, string][] = [
    ['missing serviceName', { ...VALID, serviceName: undefined }, "Param 'serviceName' is required."],
    ['blank serviceName', { ...VALID, serviceName: '   ' }, "Param 'serviceName' is required."],
    ['missing ip', { ...VALID, ip: undefined }, "Param 'ip' is required."],
    ['blank ip', { ...VALID, ip: ' ' }, "Param 'ip' is required."],
    ['missing port', { ...VALID, port: undefined }, "Param 'port' is required."],
    ['empty port', { ...VALID, port: '' }, "Param 'port' is required."],
    ['non-numeric port', { ...VALID, port: 'abc' }, 'For input string: "abc"'],
    ['fractional port', { ...VALID, port: '80.5' }, 'For input string: "80.5"'],
    ['port beyond int', { ...VALID, port: '2147483648' }, 'For input string: "2147483648"'],
    ['non-numeric weight', { ...VALID, weight: 'abc' }, 'For input string: "abc"'],
    ['NaN weight', { ...VALID, weight: 'NaN' }, 'For input string: "NaN"'],
    ['negative weight', { ...VALID, weight: '-0.5' }, WEIGHT_RANGE],
    ['weight above 10000', { ...VALID, weight: '10000.5' }, WEIGHT_RANGE],
    ['metadata that is not JSON', { ...VALID, metadata: '{"k":' }, 'metadata format incorrect:{"k":'],
    ['metadata that is not k=v', { ...VALID, metadata: 'k1' }, 'metadata format incorrect:k1'],
    [
      'metadata with a nested object',
      { ...VALID, metadata: '{"a":{"b":"c"}}' },
      'metadata format incorrect:{"a":{"b":"c"}}',
    ],
    ['metadata that is an array', { ...VALID, metadata: '["a"]' }, 'metadata format incorrect:["a"]'],
    [
      'a space in the service name',
      { ...VALID, serviceName: 'bad name' },
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@bad name',
    ],
    [
      'a slash in the service name',
      { ...VALID, serviceName: 'a/b' },
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@a/b',
    ],
    [
      'non-ASCII in the service name',
      { ...VALID, serviceName: 'dienst-ü' },
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@dienst-ü',
    ],
    [
      'a bad group name',
      { ...VALID, groupName: 'G G' },
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: G G@@svc',
    ],
    [
      'a dot in the cluster name',
      { ...VALID, clusterName: 'c.1' },
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
    ],
    [
      'a bad `cluster` alias',
      { ...VALID, cluster: 'c.1' },
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
    ],
    ['an empty group', { ...VALID, serviceName: '@@svc' }, "Param 'serviceName' is illegal, groupName can't be empty"],
    [
      'a group without a name',
      { ...VALID, serviceName: 'grp@@' },
      "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'",
    ],
  ];

  it.each(cases)('%s', async (_, params, message) => {
    for (const style of ['java14', 'go', 'node'] as const) {
      expectError(await wire(style).post(NS + '/instance', params), 400, message);
    }
    await expectNamespaceEmpty();
  });

  it('metadata over the size limit', async () => {
    const res = await wire('go').post(NS + '/instance', {
      ...VALID,
      metadata: JSON.stringify({ k: 'x'.repeat(20_000) }),
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^metadata too large: \d+ bytes, the limit is 16384$/);
    await expectNamespaceEmpty();
  });
});

describe('writes to an existing instance: refused, and the instance is unchanged', () => {
  const SVC = 'existing';
  const base = { namespaceId: 'edit-ns', serviceName: SVC, ip: '10.41.0.1', port: '80' };

  beforeAll(async () => {
    const res = await wire().post(NS + '/instance', { ...base, weight: 2, metadata: '{"a":"1"}' });
    expect(res.text).toBe('ok');
  });

  async function expectUnchanged(): Promise<void> {
    const res = await wire().get(NS + '/instance', base);
    expect(res.json()).toMatchObject({ weight: 2, metadata: { a: '1' }, healthy: true });
    const list = await wire().get(NS + '/instance/list', { namespaceId: 'edit-ns', serviceName: SVC });
    expect(list.json<{ hosts: unknown[] }>().hosts).toHaveLength(1);
  }

  it.each<[string, 'PUT' | 'PATCH' | 'DELETE', Params, string]>([
    [
      'PUT weight out of range',
      'PUT',
      { weight: '-1' },
      'instance format invalid: The weights range from 0.0 to 10000.0',
    ],
    ['PUT bad metadata', 'PUT', { metadata: '{x}' }, 'metadata format incorrect:{x}'],
    ['PUT bad port', 'PUT', { port: 'eighty' }, 'For input string: "eighty"'],
    [
      'PUT bad cluster',
      'PUT',
      { clusterName: 'a b' },
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
    ],
    [
      'PATCH weight out of range',
      'PATCH',
      { weight: '10001' },
      'instance format invalid: The weights range from 0.0 to 10000.0',
    ],
    ['PATCH bad weight', 'PATCH', { weight: '1,5' }, 'For input string: "1,5"'],
    ['PATCH bad metadata', 'PATCH', { metadata: 'nokey' }, 'metadata format incorrect:nokey'],
    ['PATCH missing ip', 'PATCH', { ip: '' }, "Param 'ip' is required."],
    ['DELETE bad port', 'DELETE', { port: '8o' }, 'For input string: "8o"'],
    ['DELETE missing ip', 'DELETE', { ip: undefined }, "Param 'ip' is required."],
    ['DELETE missing serviceName', 'DELETE', { serviceName: undefined }, "Param 'serviceName' is required."],
  ])('%s', async (_, method, change, message) => {
    for (const style of ['java14', 'go'] as const) {
      expectError(await wire(style).request(method, NS + '/instance', { ...base, ...change }), 400, message);
    }
    await expectUnchanged();
  });

  it('a bad beat changes nothing', async () => {
    const beatOf = (beat: string) =>
      new NacosWire(server.baseUrl, 'go').put(NS + '/instance/beat', {
        namespaceId: 'edit-ns',
        serviceName: SVC,
        beat,
      });
    expectError(await beatOf('{bad'), 400, 'beat format incorrect:{bad');
    expectError(await beatOf('[1,2]'), 400, 'beat format incorrect:[1,2]');
    expectError(await beatOf('"x"'), 400, 'beat format incorrect:"x"');
    expectError(
      await beatOf('{"ip":"10.41.0.1","port":"abc"}'),
      400,
      'beat format incorrect:{"ip":"10.41.0.1","port":"abc"}',
    );
    expectError(
      await beatOf('{"ip":"10.41.0.1","port":80.5}'),
      400,
      'beat format incorrect:{"ip":"10.41.0.1","port":80.5}',
    );
    expectError(await beatOf('{"ip":"10.41.0.1","port":80,"metadata":"m"}'), 400, 'metadata format incorrect:"m"');
    await expectUnchanged();
  });
});

describe('beat: refused beats create nothing', () => {
  it.each<[string, Params, string]>([
    ['missing serviceName', { namespaceId: BAD_NS, ip: '10.42.0.1', port: 80 }, "Param 'serviceName' is required."],
    [
      'a bad group format on a light beat',
      { namespaceId: BAD_NS, serviceName: '@@s', ip: '10.42.0.1', port: 80 },
      "Param 'serviceName' is illegal, groupName can't be empty",
    ],
    [
      'bad port on a light beat',
      { namespaceId: BAD_NS, serviceName: 's', ip: '10.42.0.1', port: 'x' },
      'For input string: "x"',
    ],
    [
      'a bad cluster in the beat JSON',
      {
        namespaceId: BAD_NS,
        serviceName: 's',
        beat: '{"ip":"10.42.0.1","port":80,"cluster":"a.b","serviceName":"DEFAULT_GROUP@@s"}',
      },
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
    ],
    [
      'a bad service name with a full beat',
      { namespaceId: BAD_NS, serviceName: 's s', beat: '{"ip":"10.42.0.1","port":80}' },
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@s s',
    ],
    [
      'a weight out of range in the beat JSON',
      { namespaceId: BAD_NS, serviceName: 's', beat: '{"ip":"10.42.0.1","port":80,"weight":-3}' },
      'instance format invalid: The weights range from 0.0 to 10000.0',
    ],
  ])('%s', async (_, params, message) => {
    expectError(await wire('node').put(NS + '/instance/beat', params), 400, message);
    await expectNamespaceEmpty();
  });
});

describe('reads with bad parameters', () => {
  it.each<[string, string, Params, string]>([
    ['detail: bad port', '/instance', { serviceName: 's', ip: '1.1.1.1', port: 'p' }, 'For input string: "p"'],
    ['detail: missing ip', '/instance', { serviceName: 's', port: 80 }, "Param 'ip' is required."],
    ['list: missing serviceName', '/instance/list', { clusters: 'DEFAULT' }, "Param 'serviceName' is required."],
    ['list: bad udpPort', '/instance/list', { serviceName: 's', udpPort: 'u' }, 'For input string: "u"'],
    [
      'list: bad group format',
      '/instance/list',
      { serviceName: '@@s' },
      "Param 'serviceName' is illegal, groupName can't be empty",
    ],
    ['statuses: missing key', '/instance/statuses', {}, "Param 'key' is required."],
    ['service detail: missing name', '/service', {}, "Param 'serviceName' is required."],
    [
      'service detail: bad group format',
      '/service',
      { serviceName: 'g@@' },
      "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'",
    ],
    ['catalog services: bad pageNo', '/catalog/services', { pageNo: 'one', pageSize: 10 }, 'For input string: "one"'],
    ['catalog services: missing pageSize', '/catalog/services', { pageNo: 1 }, "Param 'pageSize' is required."],
    [
      'catalog instances: missing clusterName',
      '/catalog/instances',
      { serviceName: 's', pageNo: 1, pageSize: 1 },
      "Param 'clusterName' is required.",
    ],
  ])('%s', async (_, path, params, message) => {
    expectError(await wire('java14').get(NS + path, params), 400, message);
  });
});

describe('service, cluster and batch writes: refused, nothing created', () => {
  it.each<[string, 'POST' | 'PUT' | 'DELETE', string, Params, string]>([
    [
      'create: bad name',
      'POST',
      '/service',
      { serviceName: 'a b' },
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@a b',
    ],
    [
      'create: bad threshold',
      'POST',
      '/service',
      { serviceName: 's', protectThreshold: 'high' },
      'For input string: "high"',
    ],
    ['create: bad metadata', 'POST', '/service', { serviceName: 's', metadata: '{' }, 'metadata format incorrect:{'],
    [
      'create: bad selector JSON',
      'POST',
      '/service',
      { serviceName: 's', selector: '{type' },
      'selector format incorrect:{type',
    ],
    [
      'create: bad group format',
      'POST',
      '/service',
      { serviceName: '@@s' },
      "Param 'serviceName' is illegal, groupName can't be empty",
    ],
    [
      'update: bad threshold',
      'PUT',
      '/service',
      { serviceName: 's', protectThreshold: '0,5' },
      'For input string: "0,5"',
    ],
    ['delete: missing name', 'DELETE', '/service', {}, "Param 'serviceName' is required."],
    [
      'cluster: bad name',
      'PUT',
      '/cluster',
      {
        serviceName: 's',
        clusterName: 'c.1',
        checkPort: 80,
        useInstancePort4Check: 'true',
        healthChecker: '{"type":"TCP"}',
      },
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
    ],
    [
      'cluster: bad checker JSON',
      'PUT',
      '/cluster',
      { serviceName: 's', clusterName: 'c1', checkPort: 80, useInstancePort4Check: 'true', healthChecker: '{' },
      'healthChecker format incorrect:{',
    ],
    [
      'batch: bad instances JSON',
      'PUT',
      '/instance/metadata/batch',
      { serviceName: 's', instances: '[{', metadata: '{"a":"b"}' },
      'instances format incorrect:[{',
    ],
    [
      'health: missing port',
      'PUT',
      '/health/instance',
      { serviceName: 's', ip: '1.1.1.1', healthy: 'true' },
      "Param 'port' is required.",
    ],
  ])('%s', async (_, method, path, params, message) => {
    expectError(await wire('go').request(method, NS + path, { namespaceId: BAD_NS, ...params }), 400, message);
    await expectNamespaceEmpty();
  });
});

describe('oversized and malformed requests', () => {
  it('413 for a form body above the limit (1 MiB), nothing registered', async () => {
    const body = encode({ ...VALID, metadata: JSON.stringify({ k: 'x'.repeat(1024 * 1024) }) });
    const res = await rawRequest(server.baseUrl, NS + '/instance', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    expectError(res, 413, 'Request body is too large');
    await expectNamespaceEmpty();
  });

  it('413 for a large body with no Content-Type', async () => {
    const res = await rawRequest(server.baseUrl, NS + '/instance/beat', {
      method: 'PUT',
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expectError(res, 413, 'Request body is too large');
  });

  it('a smaller configured limit applies', async () => {
    await using small = await startInProcessServer({ env: { BEACON_BODY_LIMIT_BYTES: '2048' } });
    const res = await rawRequest(small.baseUrl, NS + '/instance', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encode({ ...VALID, metadata: JSON.stringify({ k: 'x'.repeat(4096) }) }),
    });
    expectError(res, 413, 'Request body is too large');
  });

  it('a URL too long for the server is refused with a 4xx', async () => {
    const res = await rawRequest(
      server.baseUrl,
      `${NS}/instance?${encode({ ...VALID, metadata: 'k=' + 'x'.repeat(70_000) })}`,
      {
        method: 'POST',
      },
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await expectNamespaceEmpty();
  });

  it('a JSON body that is not JSON is a 400', async () => {
    const res = await rawRequest(server.baseUrl, NS + '/instance', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{bad',
    });
    expect(res.status).toBe(400);
    await expectNamespaceEmpty();
  });

  it('malformed percent-encoding is never a 500', async () => {
    for (const path of [`${NS}/instance/list?serviceName=%E0%A4%A`, `${NS}/instance/list?serviceName=%ZZ`, `${NS}/%`]) {
      const res = await rawRequest(server.baseUrl, path);
      expect(res.status, path).toBeLessThan(500);
    }
  });
});

describe('no client mistake is a 500', () => {
  const endpoints: ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string][] = [
    ['POST', '/instance'],
    ['PUT', '/instance'],
    ['PATCH', '/instance'],
    ['DELETE', '/instance'],
    ['GET', '/instance'],
    ['GET', '/instance/list'],
    ['PUT', '/instance/beat'],
    ['GET', '/instance/statuses'],
    ['PUT', '/instance/metadata/batch'],
    ['DELETE', '/instance/metadata/batch'],
    ['POST', '/service'],
    ['PUT', '/service'],
    ['DELETE', '/service'],
    ['GET', '/service'],
    ['GET', '/service/list'],
    ['GET', '/service/names'],
    ['GET', '/service/subscribers'],
    ['PUT', '/cluster'],
    ['PUT', '/health/instance'],
    ['GET', '/catalog/services'],
    ['GET', '/catalog/service'],
    ['GET', '/catalog/instances'],
    ['PUT', '/operator/switches'],
  ];
  const garbage = [
    '',
    ' ',
    'abc',
    '{',
    '[]',
    '{"a":1}',
    '@@',
    'a@@',
    '-1',
    '1e999',
    'null',
    '%',
    '\u0000',
    'x'.repeat(300),
  ];
  const names = [
    'serviceName',
    'groupName',
    'namespaceId',
    'clusterName',
    'ip',
    'port',
    'weight',
    'metadata',
    'beat',
    'key',
    'pageNo',
    'pageSize',
    'healthyOnly',
    'clusters',
    'udpPort',
    'protectThreshold',
    'selector',
    'checkPort',
    'useInstancePort4Check',
    'healthChecker',
    'healthy',
    'instances',
    'consistencyType',
    'entry',
    'value',
    'withInstances',
  ];

  it.each(endpoints)('%s %s', async (method, path) => {
    const failures: string[] = [];
    for (const value of garbage) {
      const params = Object.fromEntries(names.map((n) => [n, value]));
      for (const style of ['node', 'go'] as const) {
        const res = await wire(style).request(method, NS + path, { ...params, namespaceId: BAD_NS });
        if (res.status >= 500) failures.push(`${style} ${JSON.stringify(value)} -> ${res.status} ${res.text}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
