/**
 * Contract: C# `nacos-sdk-csharp` 1.3.x (v1.3.9), the V2 gRPC client, from
 * github.com/nacos-group/nacos-sdk-csharp. System.Text.Json with [JsonPropertyName]: numbers must be
 * JSON numbers. Each test names the source file it models.
 */
import { describe, expect, it } from 'vitest';
import { contractServer, hostsOf, instanceRequest, pushWhere, subscribe } from './support/contract.js';

/** ServiceInfo.GetKey(name, clusters) and NamingUtils.GetGroupedName(serviceName, groupName). */
const getKey = (name: string, clusters: string) => (clusters ? `${name}@@${clusters}` : name);
const getGroupedName = (serviceName: string, groupName: string) => `${groupName}@@${serviceName}`;

describe('C# nacos-sdk-csharp 1.3.9', () => {
  it('src/Nacos/V2/Remote/GRpc/GrpcClient.cs BindRequestStream: a SetupAckRequest ends its read loop, so a client announcing no abilityTable is never sent one', async () => {
    await using s = await contractServer();
    // GrpcClient.cs sends ConnectionSetupRequest with `abilities` (ClientAbilities.cs), no `abilityTable`.
    const c = await s.connect({ abilities: { namingAbility: { supportDeltaPush: false } } });
    expect(await c.nextReceived('SetupAckRequest', 300)).toBeUndefined();
    // ... and it keeps receiving pushes.
    await c.request('SubscribeServiceRequest', subscribe('billing', 'DEFAULT_GROUP'));
    await s.registerHttp('billing', '127.0.0.91', 5000);
    await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.91:5000'));
  });

  it('src/Nacos/V2/Naming/Event/InstancesChangeNotifier.cs: the listener key matches GetKey(GetGroupedName(ServiceName, GroupName), Clusters) of a push', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await c.request('SubscribeServiceRequest', subscribe('billing', 'DEFAULT_GROUP', 'c9'));
    await s.registerHttp('billing', '127.0.0.92', 5000, { clusterName: 'c9' });
    const push = await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.92:5000'));
    const info = push.body['serviceInfo'] as { name: string; groupName: string; clusters: string };
    expect(getKey(getGroupedName(info.name, info.groupName), info.clusters)).toBe('DEFAULT_GROUP@@billing@@c9');
  });

  it('src/Nacos/V2/Remote/CommonResponse.cs: IsSuccess() is ResultCode == 200, read from JSON numbers', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const ok = await c.request('InstanceRequest', instanceRequest('billing', '127.0.0.93', 5000));
    const refused = await c.request('InstanceRequest', instanceRequest('billing', '127.0.0.93', 99_999));
    for (const reply of [ok, refused]) {
      expect(typeof reply.body['resultCode']).toBe('number');
      expect(typeof reply.body['errorCode']).toBe('number');
    }
    expect([ok.body['resultCode'], refused.body['resultCode']]).toEqual([200, 500]);
  });

  it('src/Nacos/V2/Remote/RpcClient.cs DoHealthCheckAsync: after its stream failed, a health check from a transport the server does not know is not a success, so it reconnects', async () => {
    await using s = await contractServer();
    // An error status ends BindRequestStream's loop by exception (no SwitchServerAsync there): the
    // client finds out through its health check, which must then fail.
    const stranger = s.bare();
    const health = await stranger.request('HealthCheckRequest', {});
    expect(health).toMatchObject({ type: 'ErrorResponse', body: { resultCode: 500, errorCode: 500 } });
  });

  it('src/Nacos/V2/Naming/Cache/ServiceInfoHolder.cs IsEmptyOrErrorPush: only `Hosts == null` is ignored, so an empty list is sent as an array', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const answer = await c.request('SubscribeServiceRequest', subscribe('nobody', 'DEFAULT_GROUP'));
    expect((answer.body['serviceInfo'] as { hosts: unknown }).hosts).toEqual([]);
  });
});
