/**
 * The client views of the Nacos 2.x API (/nacos/v2/ns/client/...) over Beacon's clients: a gRPC
 * connection (publishes and subscribes), a heartbeat address (publishes) and a UDP push target
 * (subscribes), all real, on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { NacosGrpcServer } from '../support/built-internals.js';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { UdpReceiver } from '../push/push-support.js';
import { RawClient } from '../grpc/support/raw-client.js';

interface Result<T> {
  code: number;
  message: string;
  data: T;
}

const CLIENT = '/nacos/v2/ns/client';

let server: InProcessServer;
let http: NacosWire;
let grpc: RawClient;
let udp: UdpReceiver;
let connectionId = '';

beforeAll(async () => {
  server = await startInProcessServer();
  http = new NacosWire(server.baseUrl, 'plain');
  grpc = new RawClient(server.app.get(NacosGrpcServer).port!);
  connectionId = String((await grpc.request('ServerCheckRequest', {})).body['connectionId']);
  await grpc.connect();
  const registered = await grpc.request('InstanceRequest', {
    type: 'registerInstance',
    namespace: 'public',
    serviceName: 'svc',
    groupName: 'G',
    requestId: '1',
    instance: { ip: '127.0.0.21', port: 80, weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {} },
  });
  expect(registered.body['resultCode']).toBe(200);
  await grpc.request('SubscribeServiceRequest', {
    namespace: 'public',
    serviceName: 'svc',
    groupName: 'G',
    subscribe: true,
  });
  expect(
    (await http.post(`${NS}/instance`, { serviceName: 'svc', groupName: 'G', ip: '127.0.0.22', port: 81 })).status,
  ).toBe(200);
  udp = await UdpReceiver.open();
  // A client that can take pushes (a Java client's User-Agent) becomes a push target.
  const java = new NacosWire(server.baseUrl, 'java14');
  const polled = await java.get(`${NS}/instance/list`, { serviceName: 'svc', groupName: 'G', udpPort: udp.port });
  expect(polled.status).toBe(200);
});

afterAll(async () => {
  grpc?.close();
  await udp?.close();
  await server?.close();
});

async function get<T>(path: string, params: Record<string, string | number> = {}): Promise<T> {
  const res = await http.get(path, params);
  expect(res.status, res.text).toBe(200);
  const body = res.json<Result<T>>();
  expect(body.code).toBe(0);
  return body.data;
}

describe('client views', () => {
  it('lists the connection, the beating address and the push target', async () => {
    const ids = await get<string[]>(`${CLIENT}/list`);
    expect(ids).toEqual(expect.arrayContaining([connectionId, '127.0.0.22:81#true', `127.0.0.1:${udp.port}#true`]));
  });

  it('describes a connection and what it publishes and subscribes to', async () => {
    expect(await get(CLIENT, { clientId: connectionId })).toMatchObject({
      clientId: connectionId,
      clientType: 'connection',
      connectType: 'GRPC',
      version: 'raw-test',
      clientIp: '127.0.0.1',
      ephemeral: true,
    });
    expect(await get(`${CLIENT}/publish/list`, { clientId: connectionId })).toEqual([
      {
        namespace: 'public',
        group: 'G',
        serviceName: 'svc',
        registeredInstance: { ip: '127.0.0.21', port: 80, cluster: 'DEFAULT' },
      },
    ]);
    const subscribed = await get<{ serviceName: string; subscriberInfo: { agent: string } }[]>(
      `${CLIENT}/subscribe/list`,
      {
        clientId: connectionId,
      },
    );
    expect(subscribed).toMatchObject([
      { namespace: 'public', group: 'G', serviceName: 'svc', subscriberInfo: { agent: 'raw-test' } },
    ]);
  });

  it('describes an address client', async () => {
    expect(await get(CLIENT, { clientId: '127.0.0.22:81#true' })).toMatchObject({
      clientType: 'ipPort',
      clientIp: '127.0.0.22',
      clientPort: '81',
    });
  });

  it('lists the publishers and subscribers of a service, narrowed by address', async () => {
    const publishers = await get<{ clientId: string; ip: string }[]>(`${CLIENT}/service/publisher/list`, {
      serviceName: 'svc',
      groupName: 'G',
    });
    expect(publishers.map((p) => [p.clientId, p.ip]).sort()).toEqual(
      [
        ['127.0.0.22:81#true', '127.0.0.22'],
        [connectionId, '127.0.0.21'],
      ].sort(),
    );
    const narrowed = await get<unknown[]>(`${CLIENT}/service/publisher/list`, {
      serviceName: 'svc',
      groupName: 'G',
      ip: '127.0.0.22',
      port: 81,
    });
    expect(narrowed).toEqual([{ ip: '127.0.0.22', port: 81, cluster: 'DEFAULT', clientId: '127.0.0.22:81#true' }]);
    const subscribers = await get<{ clientId: string }[]>(`${CLIENT}/service/subscriber/list`, {
      serviceName: 'svc',
      groupName: 'G',
    });
    expect(subscribers.map((s) => s.clientId).sort()).toEqual([connectionId, `127.0.0.1:${udp.port}#true`].sort());
  });

  it('an unknown client is 404, resource not found', async () => {
    const res = await http.get(CLIENT, { clientId: 'nobody' });
    expect(res.status).toBe(404);
    expect(res.json<Result<string>>()).toEqual({
      code: 20004,
      message: 'resource not found',
      data: 'clientId [ nobody ] not exist',
    });
  });
});
