import { describe, expect, it } from 'vitest';
import { splitPeer } from './connections.js';
import { decodePayload, encodePayload, headerOf, MalformedPayload } from './payload.js';

const body = (text: string) => ({ value: Buffer.from(text) });

describe('decodePayload', () => {
  it('reads the type, the JSON body and the headers; metadata headers win over body headers', () => {
    const message = decodePayload({
      metadata: { type: 'InstanceRequest', headers: { accessToken: 'meta' } },
      body: body('{"serviceName":"svc","headers":{"accessToken":"body","app":"a"}}'),
    });
    expect(message.type).toBe('InstanceRequest');
    expect(message.body['serviceName']).toBe('svc');
    expect(message.headers).toEqual({ accessToken: 'meta', app: 'a' });
    expect(headerOf(message, 'ACCESSTOKEN')).toBe('meta');
  });

  it('takes an empty body as an empty object', () => {
    expect(decodePayload({ metadata: { type: 'HealthCheckRequest' }, body: null }).body).toEqual({});
  });

  it('refuses a payload without a type, or whose body is not a JSON object', () => {
    expect(() => decodePayload({ metadata: null, body: body('{}') })).toThrow(MalformedPayload);
    for (const text of ['{', '[]', '"x"', 'null', '42']) {
      expect(() => decodePayload({ metadata: { type: 'T' }, body: body(text) })).toThrow(MalformedPayload);
    }
  });

  it('round-trips what encodePayload writes', () => {
    const encoded = encodePayload('InstanceResponse', { resultCode: 200 });
    expect(decodePayload(encoded)).toMatchObject({ type: 'InstanceResponse', body: { resultCode: 200 } });
  });
});

describe('splitPeer', () => {
  it('splits IPv4 and bracketed IPv6 peers', () => {
    expect(splitPeer('127.0.0.1:5000')).toEqual({ ip: '127.0.0.1', port: 5000 });
    expect(splitPeer('[::1]:6000')).toEqual({ ip: '::1', port: 6000 });
  });
});
