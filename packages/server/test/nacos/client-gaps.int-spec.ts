/**
 * Nacos client compatibility gaps found with a real Java nacos-client 1.4.1, Spring Cloud Alibaba,
 * Dubbo, nacos-coredns-plugin and the Python SDK: each is answered as Nacos 1.4 answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer } from '../auth/support/auth-server.js';
import { JAVA_UA, UdpReceiver } from '../push/push-support.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

let server: InProcessServer;
const receivers: UdpReceiver[] = [];

const form = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
async function call(
  method: string,
  path: string,
  params: Record<string, string | number> = {},
  init: RequestInit = {},
): Promise<{ status: number; text: string; json: <T>() => T }> {
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns${path}?${form(params)}`, { method, ...init });
  const text = await res.text();
  return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
}
const register = async (params: Record<string, string | number>) => {
  const res = await call('POST', '/instance', { ip: '127.0.0.1', port: 80, ...params });
  expect(res.text).toBe('ok');
};

beforeAll(async () => {
  server = await startInProcessServer();
  await register({ serviceName: 'orders', metadata: '{"env":"prod"}' });
  await register({ serviceName: 'users', metadata: '{"env":"dev"}' });
  await register({ serviceName: 'billing', groupName: 'PAY', metadata: '{"env":"prod"}' });
  await register({ serviceName: 'audit', namespaceId: 'dev-ns' });
  expect(
    (await call('PUT', '/service', { serviceName: 'users', protectThreshold: 0, metadata: '{"tier":"gold"}' })).text,
  ).toBe('ok');
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await server?.close();
});

describe('/service/list', () => {
  it('accepts any Java int page size: Spring Cloud and Dubbo ask for Integer.MAX_VALUE', async () => {
    const res = await call('GET', '/service/list', { pageNo: 1, pageSize: 2147483647, groupName: 'DEFAULT_GROUP' });
    expect(res.json()).toEqual({ doms: ['orders', 'users'], count: 2 });
    // Page 2 of a MAX_VALUE page overflows in Java, as here: nothing.
    const second = await call('GET', '/service/list', { pageNo: 2, pageSize: 2147483647 });
    expect(second.json()).toEqual({ doms: [], count: 2 });
  });

  it('filters by a label selector on instance metadata', async () => {
    const selector = JSON.stringify({ type: 'label', expression: "INSTANCE.metadata.env = 'prod'" });
    const res = await call('GET', '/service/list', { pageNo: 1, pageSize: 10, selector });
    expect(res.json()).toEqual({ doms: ['orders'], count: 1 });
    const all = await call('GET', '/service/list', { pageNo: 1, pageSize: 10, groupName: 'PAY', selector });
    expect(all.json()).toEqual({ doms: ['billing'], count: 1 });
  });

  it('filters by a label selector on service metadata, and the selector may be URL-encoded once more', async () => {
    const selector = encodeURIComponent(JSON.stringify({ type: 'label', expression: "SERVICE.metadata.tier='gold'" }));
    const res = await call('GET', '/service/list', { pageNo: 1, pageSize: 10, selector });
    expect(res.json()).toEqual({ doms: ['users'], count: 1 });
  });

  it('an unknown selector type is a 400', async () => {
    const res = await call('GET', '/service/list', {
      pageNo: 1,
      pageSize: 10,
      selector: '{"type":"cmdb","expression":"x"}',
    });
    expect(res.status).toBe(400);
  });
});

describe('/service/names', () => {
  it('lists bare names of every namespace that has services, `expr` matching anywhere as a regex', async () => {
    const res = await call('GET', '/service/names', { expr: '(rs|ll)' });
    const body = res.json<{ services: Record<string, string[]>; count: number }>();
    expect(Object.keys(body.services).sort()).toEqual(['dev-ns', 'public']);
    expect(body.services['public']!.sort()).toEqual(['billing', 'orders', 'users']);
    expect(body.services['dev-ns']).toEqual([]);
    expect(body.count).toBe(2);
  });

  it('one namespace: listed even without a match; `expr` is a regular expression fragment', async () => {
    expect((await call('GET', '/service/names', { namespaceId: 'dev-ns', expr: 'zzz' })).json()).toEqual({
      services: { 'dev-ns': [] },
      count: 1,
    });
    const res = await call('GET', '/service/names', { namespaceId: 'public', expr: '^DEFAULT_GROUP@@(o|u)' });
    expect(res.json<{ services: Record<string, string[]> }>().services['public']!.sort()).toEqual(['orders', 'users']);
    expect((await call('GET', '/service/names', { expr: '(' })).status).toBe(400);
  });
});

describe('legacy /nacos/v1/ns/api', () => {
  it('allDomNames lists the grouped names of a namespace', async () => {
    const res = await call('GET', '/api/allDomNames', {});
    const body = res.json<{ doms: string[]; count: number }>();
    expect(body.doms.sort()).toEqual(['DEFAULT_GROUP@@orders', 'DEFAULT_GROUP@@users', 'PAY@@billing']);
    expect(body.count).toBe(3);
    expect((await call('GET', '/api/allDomNames', { namespaceId: 'nobody' })).json()).toEqual({ doms: [], count: 0 });
  });

  it('srvIPXT answers like /instance/list (healthOnly is its name for healthyOnly)', async () => {
    const res = await call('GET', '/api/srvIPXT', { serviceName: 'DEFAULT_GROUP@@orders', healthOnly: 'true' });
    const body = res.json<{ name: string; hosts: { ip: string; port: number }[] }>();
    expect(body.name).toBe('DEFAULT_GROUP@@orders');
    expect(body.hosts.map((h) => `${h.ip}:${h.port}`)).toEqual(['127.0.0.1:80']);
  });

  it('is behind the same auth as the rest', async () => {
    const secured = await startAuthServer();
    try {
      for (const path of ['/nacos/v1/ns/api/allDomNames', '/nacos/v1/ns/api/srvIPXT?serviceName=x']) {
        expect((await secured.http.send('GET', path)).status, path).toBe(403);
        const ok = await secured.http.send('GET', path, { headers: await secured.adminHeaders() });
        expect(ok.status, path).toBe(200);
      }
    } finally {
      await secured.close();
    }
  });
});

describe('Content-Type: application/json with an empty body', () => {
  it.each(['GET', 'POST', 'PUT', 'DELETE'])('%s reads the query string and answers normally', async (method) => {
    const path = method === 'GET' ? '/instance/list' : '/instance';
    const params = { serviceName: 'json-empty', ip: '127.0.0.2', port: 81 };
    if (method !== 'POST') await register(params);
    const res = await call(method, path, params, { headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('a JSON body that is not JSON is still a 400', async () => {
    const res = await call(
      'POST',
      '/instance',
      { serviceName: 'json-bad', ip: '127.0.0.2', port: 81 },
      {
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      },
    );
    expect(res.status).toBe(400);
  });
});

describe('cacheMillis for a service that does not exist yet', () => {
  it('is the push value (10 s) for a push-capable client, as Nacos sets it before the null check', async () => {
    const receiver = await UdpReceiver.open();
    receivers.push(receiver);
    const res = await call(
      'GET',
      '/instance/list',
      { serviceName: 'DEFAULT_GROUP@@not-yet', udpPort: receiver.port, clientIP: '127.0.0.1' },
      { headers: { 'user-agent': JAVA_UA } },
    );
    expect(res.json()).toMatchObject({ cacheMillis: 10000, hosts: [] });
    // And the push does come once it exists.
    const pushed = receiver.next();
    await register({ serviceName: 'not-yet' });
    expect((await pushed).info.hosts).toHaveLength(1);
  });
});

describe('/operator/servers', () => {
  it('lists this server at the address the caller reached', async () => {
    const res = await call('GET', '/operator/servers');
    const body = res.json<{ servers: { ip: string; port: number; address: string; state: string }[] }>();
    expect(body.servers).toEqual([
      expect.objectContaining({ ip: '127.0.0.1', port: server.port, address: `127.0.0.1:${server.port}`, state: 'UP' }),
    ]);
  });
});
