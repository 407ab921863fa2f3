/**
 * The Nacos 2.x wire at the protocol level, with a bare gRPC client: what real clients never send
 * (malformed payloads, unknown types, missing parameters) gets an error response and changes
 * nothing; connections are capped, probed when idle, and take their instances with them.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { NacosGrpcServer } from '../support/built-internals.js';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { UdpReceiver } from '../push/push-support.js';
import { payload, RawClient } from './support/raw-client.js';

const open: { server: InProcessServer; clients: RawClient[] }[] = [];

async function setup(env: Record<string, string> = {}) {
  const server = await startInProcessServer({ env });
  const clients: RawClient[] = [];
  open.push({ server, clients });
  const port = server.app.get(NacosGrpcServer).port!;
  const client = () => {
    const c = new RawClient(port);
    clients.push(c);
    return c;
  };
  const http = new NacosWire(server.baseUrl, 'plain');
  const hosts = async (serviceName: string) => {
    const res = await http.get(`${NS}/instance/list`, { serviceName, groupName: 'G' });
    return (res.json<{ hosts: { ip: string; port: number }[] }>().hosts ?? []).map((h) => `${h.ip}:${h.port}`);
  };
  return { server, client, hosts, http };
}

afterEach(async () => {
  for (const { server, clients } of open.splice(0)) {
    for (const c of clients) c.close();
    await server.close();
  }
});

const register = (ip: string, port: number, extra: Record<string, unknown> = {}) => ({
  type: 'registerInstance',
  namespace: 'public',
  serviceName: 'svc',
  groupName: 'G',
  requestId: '7',
  instance: { ip, port, weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {}, ...extra },
});

describe('requests', () => {
  it('answers a server check with the connection id, and health checks once set up', async () => {
    const { client } = await setup();
    const c = client();
    const early = await c.request('HealthCheckRequest', {});
    expect(early).toMatchObject({ type: 'ErrorResponse', body: { resultCode: 500, errorCode: 500 } });
    const before = await c.request('ServerCheckRequest', {});
    await c.connect();
    const check = await c.request('ServerCheckRequest', { requestId: '1' });
    // Java clients check before they set up: the id they are told is the connection's.
    expect(check.body['connectionId']).toBe(before.body['connectionId']);
    expect(check.type).toBe('ServerCheckResponse');
    expect(check.body).toMatchObject({ resultCode: 200, errorCode: 0, requestId: '1' });
    expect(check.body['connectionId']).toMatch(/^\d+_127\.0\.0\.1_\d+$/);
  });

  it('registers, queries and lists services', async () => {
    const { client, hosts, server } = await setup();
    const c = client();
    await c.connect();
    const reply = await c.request('InstanceRequest', register('127.0.0.21', 80, { metadata: { k: 'v' } }));
    expect(reply).toEqual({
      type: 'InstanceResponse',
      body: {
        resultCode: 200,
        errorCode: 0,
        requestId: '7',
        success: true,
        type: 'registerInstance',
      },
    });
    expect(await hosts('svc')).toEqual(['127.0.0.21:80']);
    // The native API (the console) tells what keeps it registered.
    const detail = await fetch(`${server.baseUrl}/api/v1/namespaces/public/services/G/svc`);
    const { clusters } = (await detail.json()) as { clusters: { instances: { liveness: string }[] }[] };
    expect(clusters[0]?.instances.map((i) => i.liveness)).toEqual(['connection']);
    const query = await c.request('ServiceQueryRequest', { namespace: 'public', serviceName: 'svc', groupName: 'G' });
    expect(query.type).toBe('QueryServiceResponse');
    expect(query.body['serviceInfo']).toMatchObject({
      name: 'svc',
      groupName: 'G',
      reachProtectionThreshold: false,
      hosts: [{ ip: '127.0.0.21', port: 80, healthy: true, ephemeral: true, metadata: { k: 'v' } }],
    });
    const list = await c.request('ServiceListRequest', {
      namespace: 'public',
      groupName: 'G',
      pageNo: 1,
      pageSize: 10,
    });
    expect(list.body).toMatchObject({ resultCode: 200, count: 1, serviceNames: ['svc'] });
  });

  it('a blank request namespace means public; only a request naming none takes the connection tenant', async () => {
    const { client, http } = await setup();
    const c = client();
    await c.connect('dev-ns');
    await c.request('InstanceRequest', { ...register('127.0.0.43', 80), namespace: '' });
    await c.request('InstanceRequest', { ...register('127.0.0.44', 80), namespace: undefined });
    const ips = async (namespaceId: string) => {
      const res = await http.get(`${NS}/instance/list`, { serviceName: 'svc', groupName: 'G', namespaceId });
      return res.json<{ hosts: { ip: string }[] }>().hosts.map((h) => h.ip);
    };
    expect(await ips('public')).toEqual(['127.0.0.43']);
    expect(await ips('dev-ns')).toEqual(['127.0.0.44']);
  });

  it('pushes changes to subscribers down their stream', async () => {
    const { client, http } = await setup();
    const watcher = client();
    await watcher.connect();
    const sub = await watcher.request('SubscribeServiceRequest', {
      namespace: 'public',
      serviceName: 'svc',
      groupName: 'G',
      subscribe: true,
      clusters: '',
    });
    expect(sub.type).toBe('SubscribeServiceResponse');
    const listed = await http.get(`${NS}/service/subscribers`, { serviceName: 'svc', groupName: 'G' });
    expect(listed.json<{ subscribers: { agent: string }[] }>().subscribers).toMatchObject([{ agent: 'raw-test' }]);
    await http.post(`${NS}/instance`, { serviceName: 'svc', groupName: 'G', ip: '127.0.0.22', port: 81 });
    const deadline = Date.now() + 2000;
    while (!watcher.received.some((m) => m.type === 'NotifySubscriberRequest') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const push = watcher.received.find((m) => m.type === 'NotifySubscriberRequest');
    expect(push?.body['serviceInfo']).toMatchObject({ hosts: [{ ip: '127.0.0.22', port: 81 }] });
  });
});

describe('ability negotiation and persistent instances (Nacos 2.3)', () => {
  it('offers negotiation, and acks a setup that carries an ability table with the server table', async () => {
    const { client } = await setup();
    const java23 = client();
    expect((await java23.request('ServerCheckRequest', {})).body['supportAbilityNegotiation']).toBe(true);
    await java23.connect('public', { module: 'naming' }, { abilityTable: {} });
    const ack = await java23.nextReceived('SetupAckRequest');
    expect(ack?.body).toMatchObject({ abilityTable: { supportPersistentInstanceByGrpc: true }, module: 'internal' });
    // A client that announces no table (Go, C#, Rust, Java <= 2.2) is sent none: C# stops reading at one.
    const go = client();
    await go.connect();
    expect(await go.nextReceived('SetupAckRequest', 300)).toBeUndefined();
  });

  it('takes PersistentInstanceRequest as persistent, whatever the instance says, and deregisters it', async () => {
    const { client, hosts, server } = await setup();
    const c = client();
    await c.connect();
    const body = { ...register('127.0.0.38', 80), type: 'registerInstance' };
    const reply = await c.request('PersistentInstanceRequest', body);
    expect(reply).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 200, type: 'registerInstance' } });
    const detail = await fetch(`${server.baseUrl}/api/v1/namespaces/public/services/G/svc`);
    const { clusters } = (await detail.json()) as { clusters: { instances: { ephemeral: boolean }[] }[] };
    expect(clusters[0]?.instances).toMatchObject([{ ephemeral: false }]);
    await c.request('PersistentInstanceRequest', { ...body, type: 'deregisterInstance' });
    expect(await hosts('svc')).toEqual([]);
  });

  it('refuses a persistent instance in an ephemeral service, as Nacos 2.x, but never an ephemeral one (ADR 0014)', async () => {
    const { client, hosts } = await setup();
    const c = client();
    await c.connect();
    await c.request('InstanceRequest', register('127.0.0.39', 80));
    const persistent = await c.request('PersistentInstanceRequest', register('127.0.0.40', 80));
    expect(persistent).toMatchObject({
      type: 'InstanceResponse',
      body: {
        resultCode: 500,
        errorCode: 400,
        message: "Current service G@@svc is ephemeral service, can't register persistent instance.",
      },
    });
    const other = { ...register('127.0.0.41', 80, { ephemeral: false }), serviceName: 'kept' };
    await c.request('InstanceRequest', other);
    const ephemeral = await c.request('InstanceRequest', { ...register('127.0.0.42', 80), serviceName: 'kept' });
    // A persistent-only service (here made by the 1.x model's ephemeral=false) still takes a client's
    // ephemeral redo: refusing it would keep the instance away for good after a restart.
    expect(ephemeral).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 200 } });
    expect(await hosts('svc')).toEqual(['127.0.0.39:80']);
    expect(await hosts('kept')).toContain('127.0.0.42:80');
  });
});

describe('one registry', () => {
  it('a gRPC registration reaches the SSE watch stream', async () => {
    const { client, server } = await setup();
    const abort = new AbortController();
    const res = await fetch(`${server.baseUrl}/api/v1/watch?namespaceId=public&services=G@@svc`, {
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    const c = client();
    await c.connect();
    await c.request('InstanceRequest', register('127.0.0.34', 80));
    let text = '';
    const deadline = Date.now() + 3000;
    while (!text.includes('127.0.0.34') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    abort.abort();
    expect(text).toContain('127.0.0.34');
  });

  it('a gRPC registration is pushed over UDP to Nacos 1.x clients', async () => {
    const { client, server } = await setup();
    const udp = await UdpReceiver.open();
    try {
      await udp.poll(server, 'G@@svc');
      const pushed = udp.next((p) => p.info.hosts.some((h) => h.ip === '127.0.0.35'));
      const c = client();
      await c.connect();
      await c.request('InstanceRequest', register('127.0.0.35', 80));
      expect((await pushed).info.hosts).toMatchObject([{ ip: '127.0.0.35', port: 80 }]);
    } finally {
      await udp.close();
    }
  });

  it('a server shutting down tells its clients to reconnect', async () => {
    const { client, server } = await setup();
    const c = client();
    await c.connect();
    await server.close();
    expect(c.received.map((m) => m.type)).toContain('ConnectResetRequest');
    // An error status, not OK: Python clients reconnect only when their stream fails.
    expect(await c.streamEnded()).toBe(GrpcStatus.UNAVAILABLE);
    expect(c.ended).toBe(true);
  });
});

describe('bad input gets an error response and changes nothing', () => {
  it('an unknown request type', async () => {
    const { client } = await setup();
    const c = client();
    await c.connect();
    const reply = await c.request('NoSuchRequest', { requestId: '3' });
    expect(reply).toMatchObject({ type: 'ErrorResponse', body: { resultCode: 500, errorCode: 302, requestId: '3' } });
  });

  it('a body that is not JSON, or not an object, or no type at all', async () => {
    const { client } = await setup();
    const c = client();
    await c.connect();
    for (const body of ['{not json', '[1,2]', '"text"']) {
      const reply = await c.send(payload('InstanceRequest', body));
      expect(reply).toMatchObject({ type: 'ErrorResponse', body: { resultCode: 500, errorCode: 502 } });
    }
    const untyped = await c.send({ metadata: { type: '', headers: {} }, body: { value: Buffer.from('{}') } });
    expect(untyped).toMatchObject({ type: 'ErrorResponse', body: { errorCode: 502 } });
  });

  it('naming requests from a transport that never set up a connection', async () => {
    const { client, hosts } = await setup();
    const c = client();
    const reply = await c.request('InstanceRequest', register('127.0.0.23', 80));
    expect(reply).toMatchObject({ type: 'ErrorResponse', body: { errorCode: 301 } });
    expect(await hosts('svc')).toEqual([]);
  });

  it('missing or wrong parameters, in single and batch registrations', async () => {
    const { client, hosts } = await setup();
    const c = client();
    await c.connect();
    const cases: [unknown, RegExp][] = [
      [{ ...register('127.0.0.24', 80), serviceName: undefined }, /serviceName/],
      [{ ...register('127.0.0.24', 80), instance: undefined }, /instance/],
      [register('127.0.0.24', 'eighty' as never), /For input string/],
      [{ ...register('127.0.0.24', 80), instance: { port: 80 } }, /ip/],
      [register('127.0.0.24', 80, { weight: -1 }), /weight/i],
      [register('127.0.0.24', 70_000), /^Param 'port' is illegal, the value should be between 0 and 65535\.$/],
      [register('127.0.0.24', -1), /^Param 'port' is illegal/],
      [register('127.0.0.24', 80, { clusterName: 'a b' }), /^Param 'cluster' is illegal/],
      [{ ...register('127.0.0.24', 80), serviceName: '@@x' }, /serviceName/],
      [{ ...register('127.0.0.24', 80), type: 'explode' }, /Unsupported request type/],
    ];
    for (const [body, message] of cases) {
      const reply = await c.request('InstanceRequest', body);
      // A refusal, in the type the client waits for (an ErrorResponse would make Java switch server).
      expect(reply.type).toBe('InstanceResponse');
      expect(reply.body).toMatchObject({ resultCode: 500, errorCode: 400, success: false });
      expect(String(reply.body['message'])).toMatch(message);
    }
    // Still connected after every refusal.
    expect((await c.request('HealthCheckRequest', {})).type).toBe('HealthCheckResponse');
    const batch = await c.request('BatchInstanceRequest', {
      type: 'batchRegisterInstance',
      namespace: 'public',
      serviceName: 'svc',
      groupName: 'G',
      instances: [
        { ip: '127.0.0.25', port: 1 },
        { ip: '127.0.0.26', port: 2, weight: 20_000 },
      ],
    });
    expect(batch).toMatchObject({ type: 'BatchInstanceResponse', body: { resultCode: 500, errorCode: 400 } });
    expect(await hosts('svc')).toEqual([]);
  });

  it('a message larger than the limit is refused by the transport', async () => {
    const { client } = await setup({ BEACON_BODY_LIMIT_BYTES: '2048' });
    const c = client();
    await c.connect();
    const big = register('127.0.0.27', 80, { metadata: { blob: 'x'.repeat(4096) } });
    await expect(c.request('InstanceRequest', big)).rejects.toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
  });
});

describe('connections', () => {
  it('take their instances with them when they close', async () => {
    const { client, hosts } = await setup();
    const c = client();
    await c.connect();
    await c.request('InstanceRequest', register('127.0.0.28', 80));
    expect(await hosts('svc')).toEqual(['127.0.0.28:80']);
    c.close();
    const deadline = Date.now() + 2000;
    while ((await hosts('svc')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await hosts('svc')).toEqual([]);
  });

  it('do not hold persistent instances: those stay, as 1.x persistent instances do', async () => {
    const { client, hosts } = await setup();
    const c = client();
    await c.connect();
    const reply = await c.request('InstanceRequest', register('127.0.0.33', 80, { ephemeral: false }));
    expect(reply.body).toMatchObject({ resultCode: 200 });
    c.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(await hosts('svc')).toEqual(['127.0.0.33:80']);
  });

  it('are probed when idle, and closed when they do not answer', async () => {
    const { client, hosts } = await setup({ BEACON_GRPC_IDLE_MS: '300', BEACON_GRPC_DETECT_TIMEOUT_MS: '200' });
    const alive = client();
    const silent = client();
    await alive.connect();
    await silent.connect();
    silent.answering = false;
    await alive.request('InstanceRequest', register('127.0.0.29', 1));
    await silent.request('InstanceRequest', register('127.0.0.30', 2));
    await new Promise((r) => setTimeout(r, 1200));
    expect(alive.received.some((m) => m.type === 'ClientDetectionRequest')).toBe(true);
    expect(silent.received.some((m) => m.type === 'ClientDetectionRequest')).toBe(true);
    expect(await hosts('svc')).toEqual(['127.0.0.29:1']);
    expect(silent.ended).toBe(true);
    expect(alive.ended).toBe(false);
  });

  it('are cut off when they stop reading their pushes, so unsent data stays bounded', async () => {
    // One push per service waits for its ack; past the ack timeout the next one goes, and piles up.
    const { client, http, hosts, server } = await setup({ BEACON_PUSH_ACK_TIMEOUT_MS: '50' });
    const reader = client();
    await reader.connect();
    await reader.request('InstanceRequest', register('127.0.0.36', 1));
    await reader.request('SubscribeServiceRequest', { serviceName: 'svc', groupName: 'G', subscribe: true });
    reader.stream!.pause();
    // 100 instances with 10 KB of metadata each: every push is about a megabyte.
    const blob = 'x'.repeat(10_000);
    for (let i = 0; i < 100; i++) {
      const metadata = JSON.stringify({ blob });
      await http.post(`${NS}/instance`, { serviceName: 'svc', groupName: 'G', ip: '127.0.0.37', port: i, metadata });
    }
    const deadline = Date.now() + 5000;
    while ((await hosts('svc')).includes('127.0.0.36:1') && Date.now() < deadline) {
      await http.put(`${NS}/instance`, { serviceName: 'svc', groupName: 'G', ip: '127.0.0.37', port: 0, weight: 2 });
      await new Promise((r) => setTimeout(r, 50));
    }
    // Its connection is gone, and the instance it held with it; the cut-off is counted.
    expect(await hosts('svc')).not.toContain('127.0.0.36:1');
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/beacon_grpc_cutoffs_total [1-9]/);
  });

  it('are capped per source address where they are accepted', async () => {
    const { client, server } = await setup({ BEACON_GRPC_MAX_CONNECTIONS_PER_IP: '1' });
    const first = client();
    await first.connect();
    const second = client();
    // Closed at accept: the second transport never comes up.
    await expect(second.connect()).rejects.toThrow(/UNAVAILABLE/);
    expect((await first.request('InstanceRequest', register('127.0.0.31', 80))).body['resultCode']).toBe(200);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/beacon_grpc_connections_refused_total\{reason="per-ip"\} [1-9]/);
  });
});

describe('bounds of what a connection holds (issue 21, item 4)', () => {
  const subscribe = (serviceName: string, clusters = '') => ({
    namespace: 'public',
    serviceName,
    groupName: 'G',
    subscribe: true,
    clusters,
  });

  it('refuses a connection setup with too many or too large labels', async () => {
    const { client, server } = await setup();
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    await expect(client().connect('public', many)).rejects.toThrow(/not accepted/);
    await expect(client().connect('public', { big: 'x'.repeat(9000) })).rejects.toThrow(/not accepted/);
    // Within the bounds: accepted.
    await client().connect('public', { module: 'naming', AppName: 'a'.repeat(1000) });
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/beacon_grpc_connections_refused_total\{reason="oversized-setup"\} [2-9]/);
  });

  it('caps subscriptions per connection and the length of clusters, with an error reply', async () => {
    const { client } = await setup({ BEACON_GRPC_MAX_SUBSCRIPTIONS: '3' });
    const c = client();
    await c.connect();
    for (const name of ['s1', 's2', 's3']) {
      expect((await c.request('SubscribeServiceRequest', subscribe(name))).type).toBe('SubscribeServiceResponse');
    }
    // Subscribing again to one it holds is fine; a fourth service is not.
    expect((await c.request('SubscribeServiceRequest', subscribe('s1'))).type).toBe('SubscribeServiceResponse');
    const fourth = await c.request('SubscribeServiceRequest', subscribe('s4'));
    expect(fourth.body).toMatchObject({ resultCode: 500, message: 'a connection may subscribe to at most 3 services' });
    const longClusters = await c.request('SubscribeServiceRequest', subscribe('s1', 'c,'.repeat(3000)));
    expect(longClusters.body).toMatchObject({ resultCode: 500, message: 'clusters is longer than 4096 characters' });
  });
});

describe('auth', () => {
  it('refuses requests without a valid token, and lets a token of the admin through', async () => {
    const { client, server } = await setup({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: 'grpc-admin-pass' });
    const c = client();
    await c.connect();
    const none = await c.request('InstanceRequest', register('127.0.0.32', 80));
    expect(none).toMatchObject({
      type: 'InstanceResponse',
      body: { resultCode: 500, errorCode: 403, message: 'user not found!' },
    });
    const forged = await c.request('InstanceRequest', register('127.0.0.32', 80), { accessToken: 'forged' });
    expect(forged.body).toMatchObject({ errorCode: 403, message: 'token invalid!' });
    const query = await c.request('ServiceQueryRequest', { serviceName: 'svc', groupName: 'G' });
    expect(query).toMatchObject({ type: 'QueryServiceResponse', body: { resultCode: 500, errorCode: 403 } });
    expect((await c.request('HealthCheckRequest', {})).type).toBe('HealthCheckResponse');

    const login = await fetch(`${server.baseUrl}/nacos/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=nacos&password=grpc-admin-pass',
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const ok = await c.request('InstanceRequest', register('127.0.0.32', 80), { accessToken });
    expect(ok.body).toMatchObject({ resultCode: 200 });
  });
});
