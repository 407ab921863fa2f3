import { describe, expect, it } from 'vitest';
import { InvalidParameterError, MemoryStore, NotFoundError, Registry } from '@beacon/core';
import { FakeClock, registerCommand, TEST_SERVICE } from '@beacon/core/testing';
import { buildServiceInfoV2 } from '../wire/nacos-service-info-v2.js';
import { decodePayload, encodePayload, toWireJson } from './payload.js';
import { ErrorCode, failure, failureOf, refusal, success, type Reply } from './responses.js';
import { SERVER_ABILITIES } from './server-abilities.js';

/** Every null anywhere in a decoded JSON value, by path. */
function nullsIn(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullsIn(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nullsIn(v, `${path}.${k}`));
  return [];
}

function serviceInfos() {
  const registry = new Registry({ clock: new FakeClock(), store: new MemoryStore() });
  registry.registerInstance(registerCommand({ metadata: { k: 'v' } }));
  const service = registry.findService('public', TEST_SERVICE);
  return [
    buildServiceInfoV2(service, TEST_SERVICE, '', false, 10_000, 1),
    buildServiceInfoV2(undefined, 'G@@missing', 'c1', true, 10_000, 1),
  ];
}

/** Every body the gRPC face writes: responses, refusals, faults and server requests. */
function everyReply(): Reply[] {
  const [info, missing] = serviceInfos();
  const noId = undefined;
  return [
    success('ServerCheckResponse', noId, { connectionId: 'c', supportAbilityNegotiation: true }),
    success('HealthCheckResponse', '1'),
    success('InstanceResponse', '1', { type: 'registerInstance' }),
    success('BatchInstanceResponse', noId, { type: 'batchRegisterInstance' }),
    success('QueryServiceResponse', '1', { serviceInfo: info }),
    success('SubscribeServiceResponse', '1', { serviceInfo: missing }),
    success('ServiceListResponse', '1', { count: 0, serviceNames: [], message: 'success' }),
    refusal('InstanceResponse', ErrorCode.NO_RIGHT, 'user not found!', noId),
    failure(ErrorCode.BAD_GATEWAY, 'the payload metadata names no type', null),
    failureOf(new InvalidParameterError('bad'), 'QueryServiceResponse', noId).reply,
    failureOf(new Error('boom'), 'InstanceResponse', noId).reply,
    { type: 'NotifySubscriberRequest', body: { namespace: 'public', serviceInfo: missing, module: 'naming' } },
    { type: 'SetupAckRequest', body: { abilityTable: SERVER_ABILITIES, module: 'internal' } },
    { type: 'ConnectResetRequest', body: { connectionId: 'c', module: 'internal', serverIp: null } },
  ];
}

describe('gRPC bodies carry no null field (Nacos writes with Include.NON_NULL)', () => {
  it.each(everyReply().map((r) => [r.type, r] as const))('%s', (_type, reply) => {
    const decoded = decodePayload(encodePayload(reply.type, reply.body));
    expect(nullsIn(decoded.body)).toEqual([]);
    // What the client's models require is there, with its JSON type.
    expect(typeof decoded.body['resultCode'] === 'number' || reply.type.endsWith('Request')).toBe(true);
    if ('message' in decoded.body) expect(typeof decoded.body['message']).toBe('string');
  });

  it('drops null object fields at any depth but keeps array elements, as Jackson does', () => {
    expect(toWireJson({ a: null, b: { c: null, d: 1 }, e: [null, 2] })).toBe('{"b":{"d":1},"e":[null,2]}');
  });
});

describe('refusals and faults', () => {
  it('a refusal comes in the response type the request expects, with the Nacos error code', () => {
    const { reply, ours } = failureOf(new NotFoundError('service not found'), 'QueryServiceResponse', 'r1');
    expect(ours).toBe(false);
    expect(reply).toEqual({
      type: 'QueryServiceResponse',
      body: { resultCode: 500, errorCode: 404, message: 'service not found', requestId: 'r1', success: false },
    });
  });

  it('a defect of ours is an ErrorResponse (a server fault), never a refusal', () => {
    const { reply, ours } = failureOf(new Error('boom'), 'InstanceResponse', 'r2');
    expect(ours).toBe(true);
    expect(reply).toMatchObject({ type: 'ErrorResponse', body: { resultCode: 500, errorCode: 500 } });
  });
});

describe('ServiceInfo of Nacos 2.x', () => {
  it('carries the bare name and the group apart, and every field a client decodes', () => {
    const [info, missing] = serviceInfos();
    expect(info).toMatchObject({
      name: 'demo',
      groupName: 'DEFAULT_GROUP',
      clusters: '',
      cacheMillis: 10_000,
      allIPs: false,
      reachProtectionThreshold: false,
      valid: true,
      hosts: [{ ip: '10.0.0.1', port: 8080, serviceName: TEST_SERVICE, metadata: { k: 'v' } }],
    });
    expect(info!.checksum).toMatch(/^[0-9a-f]{32}$/);
    expect(missing).toEqual({
      name: 'missing',
      groupName: 'G',
      clusters: 'c1',
      cacheMillis: 10_000,
      hosts: [],
      lastRefTime: 1,
      checksum: '',
      allIPs: false,
      reachProtectionThreshold: false,
      valid: true,
    });
  });
});
