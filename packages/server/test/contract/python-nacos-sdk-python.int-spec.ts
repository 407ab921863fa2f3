/**
 * Contract: Python `nacos-sdk-python` 2.x (2.0.11) and 3.x (3.2.0), the `v2/nacos` package, from
 * github.com/nacos-group/nacos-sdk-python tags 2.0.11 and 3.2.0. Its models are pydantic: a null
 * where `str` is declared fails validation, an absent field takes the default. Each test names the
 * source file it models.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { contractServer, hostsOf, instanceRequest, nullsIn, pushWhere, subscribe } from './support/contract.js';

/** v2/nacos/naming/util/naming_client_util.py get_group_name + get_service_cache_key. */
const getGroupName = (serviceName: string, groupName: string) => `${groupName}@@${serviceName}`;
const getServiceCacheKey = (serviceName: string, clusters: string) =>
  clusters ? `${serviceName}@@${clusters}` : serviceName;

describe('Python nacos-sdk-python 2.0.11 / 3.2.0', () => {
  it('transport/model/rpc_response.py (`message: str`): no body the client parses carries a null', async () => {
    await using s = await contractServer();
    const probe = s.bare();
    const bodies = [
      await probe.request('ServerCheckRequest', {}),
      await probe.request('HealthCheckRequest', {}), // before setup: an error
    ];
    const c = await s.connect({ abilityTable: {} });
    await s.registerHttp('inventory', '127.0.0.71', 7000);
    bodies.push(
      await c.request('HealthCheckRequest', {}),
      await c.request('InstanceRequest', instanceRequest('inventory', '127.0.0.72', 7000)),
      await c.request('InstanceRequest', instanceRequest('inventory', '127.0.0.72', -5)),
      await c.request('ServiceQueryRequest', { serviceName: 'inventory', groupName: 'DEFAULT_GROUP' }),
      await c.request('SubscribeServiceRequest', subscribe('inventory', 'DEFAULT_GROUP')),
      await c.request('ServiceListRequest', { pageNo: 1, pageSize: 10 }),
      await c.request('NoSuchRequest', {}),
    );
    await s.registerHttp('inventory', '127.0.0.73', 7000);
    bodies.push(await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.73:7000')));
    bodies.push((await c.nextReceived('SetupAckRequest'))!);
    for (const body of bodies)
      expect({ type: body.type, nulls: nullsIn(body.body) }).toEqual({ type: body.type, nulls: [] });
  });

  it('naming/cache/service_info_cache.py process_service: the cache key from a push matches the subscription key', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await c.request('SubscribeServiceRequest', subscribe('inventory', 'DEFAULT_GROUP'));
    await s.registerHttp('inventory', '127.0.0.74', 7000);
    const push = await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.74:7000'));
    const service = push.body['serviceInfo'] as { name: string; groupName: string; clusters: string };
    expect(getServiceCacheKey(getGroupName(service.name, service.groupName), service.clusters)).toBe(
      'DEFAULT_GROUP@@inventory',
    );
  });

  it('service_info_cache.py: a ServiceInfo whose lastRefTime is not newer than the cached one is dropped as out of date', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const answer = await c.request('SubscribeServiceRequest', subscribe('inventory', 'DEFAULT_GROUP'));
    const first = (answer.body['serviceInfo'] as { lastRefTime: number }).lastRefTime;
    await s.registerHttp('inventory', '127.0.0.75', 7000);
    const push = await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.75:7000'));
    expect((push.body['serviceInfo'] as { lastRefTime: number }).lastRefTime).toBeGreaterThan(first);
  });

  it('naming/model/service.py + instance.py: the required fields are there with their types', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await s.registerHttp('inventory', '127.0.0.76', 7000);
    const answer = await c.request('ServiceQueryRequest', { serviceName: 'inventory', groupName: 'DEFAULT_GROUP' });
    const service = answer.body['serviceInfo'] as Record<string, unknown>;
    expect(typeof service['name']).toBe('string');
    expect(typeof service['groupName']).toBe('string');
    const [instance] = service['hosts'] as Record<string, unknown>[];
    expect(typeof instance!['ip']).toBe('string');
    expect(Number.isInteger(instance!['port'])).toBe(true);
    expect(typeof instance!['instanceId']).toBe('string');
  });

  it('naming/remote/naming_grpc_client_proxy.py request_naming_server: result_code != 200 raises; is_success() is errorCode == 0', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const ok = await c.request('InstanceRequest', instanceRequest('inventory', '127.0.0.77', 7000));
    expect(ok.body).toMatchObject({ resultCode: 200, errorCode: 0 });
    const refused = await c.request('InstanceRequest', instanceRequest('inventory', '127.0.0.77', 70_000));
    expect(refused).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 500, errorCode: 400 } });
  });

  it('transport/grpc_client.py: with supportAbilityNegotiation it awaits the SetupAckRequest the server sends for its abilityTable', async () => {
    await using s = await contractServer();
    const c = await s.connect({ abilityTable: { supportPersistentInstanceByGrpc: true } });
    expect(await c.nextReceived('SetupAckRequest', 1000)).toBeDefined();
  });

  it('transport/grpc_client.py _server_request_watcher: only a stream that fails is noticed, so a graceful stop ends it with UNAVAILABLE', async () => {
    await using s = await contractServer();
    const c = await s.connect({ abilityTable: {} });
    await s.server.close();
    expect(c.received.some((m) => m.type === 'ConnectResetRequest')).toBe(true);
    expect(await c.streamEnded()).toBe(GrpcStatus.UNAVAILABLE);
  });

  it('transport/rpc_client.py send_health_check (2.0.11; Go rpc_client.go sendHealthCheck alike): a 3xx answer counts as healthy, so a connection the server does not know gets another code', async () => {
    await using s = await contractServer();
    // 2.0.11 does not notice its stream ending; after a fast restart only a failed health check
    // makes it reconnect and re-register (seen with the real client, docs/compatibility.md).
    const stranger = s.bare();
    const health = await stranger.request('HealthCheckRequest', {});
    expect(health.type).toBe('ErrorResponse');
    const code = health.body['errorCode'] as number;
    expect(code >= 300 && code < 400).toBe(false);
    expect(health.body['message']).toBe('Connection is unregistered.');
  });
});
