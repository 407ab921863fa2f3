/**
 * Contract: Rust `nacos-sdk` (github.com/nacos-group/nacos-sdk-rust), read at tag v0.8.0; the
 * project's real-client tests run the crate through npm `nacos-sdk-rust-binding-node` 0.8.0, whose
 * embedded crate may be an older release. serde structs: a field without `Option` must be present
 * and not null. Each test names the source file it models.
 */
import { describe, expect, it } from 'vitest';
import { contractServer, hostsOf, instanceRequest, pushWhere, subscribe } from './support/contract.js';

describe('Rust nacos-sdk-rust v0.8.0', () => {
  it('src/naming/dto/service_info.rs: name, groupName, clusters, cacheMillis, lastRefTime, checksum and reachProtectionThreshold are required, even for a missing service', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const answer = await c.request('ServiceQueryRequest', { serviceName: 'ghost', groupName: 'DEFAULT_GROUP' });
    const info = answer.body['serviceInfo'] as Record<string, unknown>;
    for (const key of ['name', 'groupName', 'clusters', 'checksum']) expect(typeof info[key]).toBe('string');
    for (const key of ['cacheMillis', 'lastRefTime']) expect(Number.isInteger(info[key])).toBe(true);
    expect(typeof info['reachProtectionThreshold']).toBe('boolean');
    // `allIPs` (< 3.0) or `allIps` (>= 3.0), both Option<bool>.
    expect(info['allIPs']).toBe(false);
  });

  it('src/api/naming.rs ServiceInstance: ip, port (i32), weight, healthy, enabled, ephemeral and metadata are required', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    await c.request('SubscribeServiceRequest', subscribe('search', 'DEFAULT_GROUP'));
    await s.registerHttp('search', '127.0.0.81', 6000);
    const push = await pushWhere(c, (i) => hostsOf(i).includes('127.0.0.81:6000'));
    const [host] = (push.body['serviceInfo'] as { hosts: Record<string, unknown>[] }).hosts;
    expect(typeof host!['ip']).toBe('string');
    expect(Number.isInteger(host!['port'])).toBe(true);
    expect(typeof host!['weight']).toBe('number');
    for (const key of ['healthy', 'enabled', 'ephemeral']) expect(typeof host![key]).toBe('boolean');
    expect(typeof host!['metadata']).toBe('object');
  });

  it('service_info.rs get_grouped_service_name: tolerates a grouped name, but keys the bare name with groupName like every other client', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const answer = await c.request('SubscribeServiceRequest', subscribe('search', 'G1'));
    expect(answer.body['serviceInfo']).toMatchObject({ name: 'search', groupName: 'G1' });
  });

  it('src/common/remote/grpc/message/mod.rs + error.rs: a response of the expected type is read, and is_success() is result_code == 200', async () => {
    await using s = await contractServer();
    const c = await s.connect();
    const refused = await c.request('InstanceRequest', instanceRequest('search', '127.0.0.82', 65_536));
    expect(refused.type).toBe('InstanceResponse');
    expect(refused.body['resultCode']).toBe(500);
  });

  it('set_up_request.rs: the setup carries `abilities`, not `abilityTable`, so no SetupAckRequest is sent', async () => {
    await using s = await contractServer();
    const c = await s.connect({ abilities: { remoteAbility: { supportRemoteConnection: true } } });
    expect(await c.nextReceived('SetupAckRequest', 300)).toBeUndefined();
  });
});
