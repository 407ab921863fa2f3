import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { q, startAuthServer, type AuthServer } from './support/auth-server.js';

let server: AuthServer;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startAuthServer({
    BEACON_BODY_LIMIT_BYTES: '2048',
    BEACON_MAX_SERVICES_PER_NAMESPACE: '2',
    BEACON_MAX_INSTANCES_PER_NAMESPACE: '3',
    BEACON_MAX_METADATA_BYTES: '64',
  });
  admin = await server.adminHeaders();
});
afterAll(() => server.close());

const register = (params: Record<string, string | number>) =>
  server.http.send('POST', `/nacos/v1/ns/instance?${q({ ip: '10.3.0.1', port: 1, ...params })}`, { headers: admin });

describe('request size (BEACON_BODY_LIMIT_BYTES)', () => {
  it('a form body over the limit gets 413 on the Nacos face, one under it is read', async () => {
    const padding = 'x'.repeat(3000);
    const big = await server.http.send('POST', '/nacos/v1/ns/instance', {
      headers: admin,
      form: { serviceName: 'body', ip: '10.3.0.9', port: '1', app: padding },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatch(/too large/i);
    const small = await server.http.send('POST', '/nacos/v1/ns/instance', {
      headers: admin,
      form: { serviceName: 'body', ip: '10.3.0.9', port: '1' },
    });
    expect(small.status, small.body).toBe(200);
    await server.http.send('DELETE', `/nacos/v1/ns/instance?${q({ serviceName: 'body', ip: '10.3.0.9', port: 1 })}`, {
      headers: admin,
    });
    await server.http.send('DELETE', `/nacos/v1/ns/service?${q({ serviceName: 'body' })}`, { headers: admin });
  });

  it('a JSON body over the limit gets 413 JSON on the native API', async () => {
    const res = await server.http.send('POST', '/api/v1/namespaces/public/services', {
      headers: admin,
      json: { name: 'big', metadata: { pad: 'y'.repeat(3000) } },
    });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('an oversized body without credentials is refused without being stored, and the server stays up', async () => {
    const res = await server.http.send('POST', '/nacos/v1/ns/instance', { body: 'a='.padEnd(100_000, 'b') });
    expect([403, 413]).toContain(res.status);
    const huge = await server.http.send('GET', `/nacos/v1/ns/operator/metrics?pad=${'z'.repeat(70_000)}`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect((await server.http.send('GET', '/nacos/v1/ns/operator/metrics')).status).toBe(200);
  });
});

describe('registry bounds per namespace (core Limits, BEACON_MAX_*)', () => {
  it('the third service of a namespace is refused with a message naming the limit', async () => {
    expect((await register({ serviceName: 's1' })).status).toBe(200);
    expect((await register({ serviceName: 's2' })).status).toBe(200);
    const third = await register({ serviceName: 's3' });
    expect(third.status).toBe(400);
    expect(third.body).toBe('too many services in namespace public: the limit is 2');
    const created = await server.http.send('POST', `/nacos/v1/ns/service?${q({ serviceName: 's3' })}`, {
      headers: admin,
    });
    expect(created.status).toBe(400);
    expect(created.body).toBe('too many services in namespace public: the limit is 2');
    const api = await server.http.send('POST', '/api/v1/namespaces/public/services', {
      headers: admin,
      json: { name: 's3' },
    });
    expect(api.status).toBe(422);
    expect(api.json()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'too many services in namespace public: the limit is 2',
    });
    // The bound is per namespace.
    expect((await register({ serviceName: 's3', namespaceId: 'other' })).status).toBe(200);
  });

  it('the fourth instance of a namespace is refused; re-registering an existing one is not', async () => {
    // public holds s1:1 and s2:1 from above; s1:2 is the third.
    expect((await register({ serviceName: 's1', port: 2 })).status).toBe(200);
    const res = await register({ serviceName: 's1', port: 3 });
    expect(res.status).toBe(400);
    expect(res.body).toBe('too many instances in namespace public: the limit is 3');
    expect((await register({ serviceName: 's1', port: 1, weight: 2 })).status).toBe(200);
    // A full beat for a missing instance would re-register it: the bound holds there too.
    const beat = await server.http.send(
      'PUT',
      `/nacos/v1/ns/instance/beat?${q({ serviceName: 's1', beat: JSON.stringify({ ip: '10.3.0.1', port: 4, serviceName: 'DEFAULT_GROUP@@s1' }) })}`,
      { headers: admin },
    );
    expect(beat.status).toBe(400);
    expect(beat.body).toBe('too many instances in namespace public: the limit is 3');
    // Freeing a slot lets the next one in.
    const dereg = await server.http.send(
      'DELETE',
      `/nacos/v1/ns/instance?${q({ serviceName: 's2', ip: '10.3.0.1', port: 1 })}`,
      { headers: admin },
    );
    expect(dereg.status).toBe(200);
    expect((await register({ serviceName: 's1', port: 3 })).status).toBe(200);
  });

  it('metadata over the byte bound is refused, on both faces', async () => {
    const metadata = JSON.stringify({ key: 'v'.repeat(100) });
    const res = await register({ serviceName: 's1', port: 1, metadata });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/^metadata too large: \d+ bytes, the limit is 64$/);
    const api = await server.http.send('PUT', '/api/v1/namespaces/public/services/DEFAULT_GROUP/s1', {
      headers: admin,
      json: { metadata: { key: 'v'.repeat(100) } },
    });
    expect(api.status).toBe(422);
    expect(api.json()['message']).toMatch(/^metadata too large: \d+ bytes, the limit is 64$/);
    expect((await register({ serviceName: 's1', port: 1, metadata: '{"k":"v"}' })).status).toBe(200);
  });
});
