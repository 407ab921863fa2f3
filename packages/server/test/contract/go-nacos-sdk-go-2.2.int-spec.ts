/**
 * Contract: Go `github.com/nacos-group/nacos-sdk-go/v2` v2.2.8, from github.com/nacos-group/nacos-sdk-go
 * tag v2.2.8. encoding/json into typed structs: a string where a number is declared is an error,
 * and an unknown field is ignored. Each test names the source file it models.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { contractServer, hostsOf, instanceRequest, pushWhere, subscribe } from './support/contract.js';

/** util.GetGroupName(serviceName, groupName) = groupName@@serviceName. */
const getGroupName = (serviceName: string, groupName: string) => `${groupName}@@${serviceName}`;
/** util.GetServiceCacheKey(serviceName, clusters). */
const getServiceCacheKey = (serviceName: string, clusters: string) =>
  clusters ? `${serviceName}@@${clusters}` : serviceName;

const isUint = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

describe('Go nacos-sdk-go v2.2.8', () => {
  it('naming_cache/service_info_holder.go ProcessService: the cache key from a push matches the subscription key', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await c.request('SubscribeServiceRequest', subscribe('payments', 'DEFAULT_GROUP'));
    await s.registerHttp('payments', '127.0.0.61', 9000);
    const push = await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.61:9000'));
    const service = push.body['serviceInfo'] as { name: string; groupName: string; clusters: string };
    // Subscribe (naming_client.go) keys the callback on GetGroupName(serviceName, groupName) + clusters.
    const subscribed = getServiceCacheKey(getGroupName('payments', 'DEFAULT_GROUP'), '');
    expect(getServiceCacheKey(getGroupName(service.name, service.groupName), service.clusters)).toBe(subscribed);
    // The defect this guards: a grouped name made `DEFAULT_GROUP@@DEFAULT_GROUP@@payments`.
    expect(service.name).not.toContain('@@');
  });

  it('model/service.go: every ServiceInfo and Instance field has the JSON type its struct declares', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await s.registerHttp('typed', '127.0.0.62', 9000, { weight: '2.5', metadata: '{"zone":"a"}' });
    const answer = await c.request('ServiceQueryRequest', { serviceName: 'typed', groupName: 'DEFAULT_GROUP' });
    const info = answer.body['serviceInfo'] as Record<string, unknown>;
    expect(isUint(info['cacheMillis'])).toBe(true);
    expect(isUint(info['lastRefTime'])).toBe(true);
    for (const key of ['checksum', 'clusters', 'name', 'groupName']) expect(typeof info[key]).toBe('string');
    for (const key of ['valid', 'allIPs', 'reachProtectionThreshold']) expect(typeof info[key]).toBe('boolean');
    const [host] = info['hosts'] as Record<string, unknown>[];
    expect(isUint(host!['port'])).toBe(true);
    expect(host!['weight']).toBe(2.5);
    for (const key of ['instanceId', 'ip', 'clusterName', 'serviceName']) expect(typeof host![key]).toBe('string');
    for (const key of ['healthy', 'enabled', 'ephemeral']) expect(typeof host![key]).toBe('boolean');
    expect(host!['metadata']).toEqual({ zone: 'a' });
  });

  it('common/remote/rpc/rpc_client.go Request: an ErrorResponse retries and reconnects; any other failure returns with IsSuccess() read from `success`', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const ok = await c.request('InstanceRequest', instanceRequest('payments', '127.0.0.63', 9000));
    expect(ok.body['success']).toBe(true);
    // naming_grpc_proxy.go RegisterInstance returns response.IsSuccess(): a refusal must say false.
    const refused = await c.request('InstanceRequest', instanceRequest('payments', '127.0.0.63', 9000, { weight: -1 }));
    expect(refused.type).not.toBe('ErrorResponse');
    expect(refused.body).toMatchObject({ success: false, resultCode: 500, errorCode: 400 });
    expect(typeof refused.body['message']).toBe('string');
  });

  it('service_info_holder.go: with updateCacheWhenEmpty false (default) it ignores empty lists, so the server still sends them as an array', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const answer = await c.request('SubscribeServiceRequest', subscribe('never-registered', 'DEFAULT_GROUP'));
    // The Go client skips this answer (no hosts) and keeps its cache; Java, C# and Rust take it.
    expect(answer.body['serviceInfo']).toMatchObject({ name: 'never-registered', hosts: [] });
  });

  it('grpc_client.go bindBiRequestStream: a stream that ends with an error makes the client reconnect', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await s.server.close();
    expect(await c.streamEnded()).toBe(GrpcStatus.UNAVAILABLE);
  });
});
