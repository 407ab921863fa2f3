/**
 * Contract: Java `com.alibaba.nacos:nacos-client` 2.3.2 (Spring Cloud Alibaba 2021+, Dubbo 3), from
 * github.com/alibaba/nacos tag 2.3.2. Each test names the source file whose behaviour it models and
 * asserts, over real gRPC against the real server, what that code needs from the server.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { contractServer, hostsOf, instanceRequest, pushWhere, subscribe } from './support/contract.js';

/** ServiceInfo.getKey(name, clusters): `name@@clusters`, or `name` when clusters is empty. */
const getKey = (name: string, clusters: string) => (clusters ? `${name}@@${clusters}` : name);
/** NamingUtils.getGroupedName(serviceName, groupName). */
const getGroupedName = (serviceName: string, groupName: string) => `${groupName}@@${serviceName}`;

describe('Java nacos-client 2.3.2', () => {
  it('InstancesChangeNotifier.java: a push is delivered under the key the listener was registered with', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    for (const clusters of ['', 'c1']) {
      // registerListener(groupName, serviceName, clusters): getKey(getGroupedName(serviceName, groupName), clusters)
      const listenerKey = getKey(getGroupedName('orders', 'DEFAULT_GROUP'), clusters);
      const answer = await c.request('SubscribeServiceRequest', subscribe('orders', 'DEFAULT_GROUP', clusters));
      const info = answer.body['serviceInfo'] as { name: string; groupName: string; clusters: string };
      // onEvent(InstancesChangeEvent from ServiceInfoHolder.processServiceInfo: name, groupName, clusters)
      expect(getKey(getGroupedName(info.name, info.groupName), info.clusters)).toBe(listenerKey);
    }
    await s.registerHttp('orders', '127.0.0.51', 8080, { clusterName: 'c1' });
    const push = await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.51:8080') && i['clusters'] === 'c1');
    const info = push.body['serviceInfo'] as { name: string; groupName: string; clusters: string };
    expect(getKey(getGroupedName(info.name, info.groupName), info.clusters)).toBe('DEFAULT_GROUP@@orders@@c1');
  });

  it('ServiceInfoHolder.java: an empty host list is an update (pushEmptyProtection is off by default), so it comes as `hosts: []`', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await s.registerHttp('emptied', '127.0.0.52', 8080);
    await c.request('SubscribeServiceRequest', subscribe('emptied', 'DEFAULT_GROUP'));
    await s.deregisterHttp('emptied', '127.0.0.52', 8080);
    // isEmptyOrErrorPush drops only `hosts == null`: an empty array must be sent, never left out.
    const push = await pushWhere(c, (i) => Array.isArray(i['hosts']) && (i['hosts'] as unknown[]).length === 0);
    expect(push.body['serviceInfo']).toMatchObject({ name: 'emptied', groupName: 'DEFAULT_GROUP', hosts: [] });
  });

  it('NamingGrpcClientProxy.requestToServer: a refusal is the expected response class with resultCode != 200; RpcClient.request switches server on an ErrorResponse, so refusals never are one', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const refused = await c.request('InstanceRequest', instanceRequest('orders', '127.0.0.53', 70_000));
    expect(refused.type).toBe('InstanceResponse');
    expect(refused.body).toMatchObject({
      resultCode: 500,
      errorCode: 400,
      message: "Param 'port' is illegal, the value should be between 0 and 65535.",
    });
    const query = await c.request('ServiceQueryRequest', { serviceName: '', groupName: 'DEFAULT_GROUP' });
    expect(query).toMatchObject({ type: 'QueryServiceResponse', body: { resultCode: 500, errorCode: 400 } });
    // Still connected: the next call works on the same connection.
    const ok = await c.request('InstanceRequest', instanceRequest('orders', '127.0.0.53', 8080));
    expect(ok).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 200 } });
  });

  it('RemoteRequestAuthFilter (server) / requestToServer (client): an auth denial is an InstanceResponse with 403, and the client stays connected', async () => {
    await using s = await contractServer({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: 'contract-admin-pass' });
    const c = await s.connect();
    const denied = await c.request('InstanceRequest', instanceRequest('orders', '127.0.0.54', 8080));
    expect(denied).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 500, errorCode: 403 } });
    expect((await c.request('HealthCheckRequest', {})).type).toBe('HealthCheckResponse');
  });

  it('GrpcClient.connectToServer: with supportAbilityNegotiation it waits for a SetupAckRequest (else reconnects); then NamingClientProxyDelegate sends persistent instances as PersistentInstanceRequest', async () => {
    await using s = await contractServer();
    const probe = s.bare();
    const check = await probe.request('ServerCheckRequest', {});
    expect(check).toMatchObject({ type: 'ServerCheckResponse', body: { supportAbilityNegotiation: true } });
    expect(typeof check.body['connectionId']).toBe('string');
    // The client announces its table (NacosAbilityManagerHolder ... SDK_CLIENT) at setup.
    const c = await s.connect({ abilityTable: {} });
    const ack = await c.nextReceived('SetupAckRequest', 1000);
    expect((ack?.body['abilityTable'] as Record<string, boolean>)['supportPersistentInstanceByGrpc']).toBe(true);
    const persistent = await c.request(
      'PersistentInstanceRequest',
      instanceRequest('persisted', '127.0.0.55', 8080, { ephemeral: false }),
    );
    expect(persistent).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 200 } });
    const listed = await s.http.get('/nacos/v1/ns/instance/list', { serviceName: 'persisted' });
    expect(listed.json<{ hosts: { ephemeral: boolean }[] }>().hosts).toMatchObject([{ ephemeral: false }]);
  });

  it('GrpcClient bindRequestStream: ConnectResetRequest, then the stream ends (onError/onCompleted both switch server)', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await s.server.close();
    expect(c.received.some((m) => m.type === 'ConnectResetRequest')).toBe(true);
    expect(await c.streamEnded()).toBe(GrpcStatus.UNAVAILABLE);
  });
});
