import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, q, startAuthServer, type AuthServer } from './support/auth-server.js';

describe('Nacos-compatible login', () => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startAuthServer({ BEACON_TOKEN_TTL_SECONDS: '600' });
  });
  afterAll(() => server.close());

  it.each(['/nacos/v1/auth/login', '/nacos/v1/auth/users/login'])(
    'POST %s with username in the query and password in the form (as the Java client) returns a token',
    async (path) => {
      const res = await server.http.send('POST', `${path}?username=nacos`, { form: { password: ADMIN_PASSWORD } });
      expect(res.status, res.body).toBe(200);
      const body = res.json<{ accessToken: string; tokenTtl: number; globalAdmin: boolean; username: string }>();
      expect(body).toEqual({ accessToken: expect.any(String), tokenTtl: 600, globalAdmin: true, username: 'nacos' });
      expect(res.headers['authorization']).toBe(`Bearer ${body.accessToken}`);
      const claims = JSON.parse(Buffer.from(body.accessToken.split('.')[1]!, 'base64url').toString());
      expect(claims.sub).toBe('nacos');
      expect(claims.exp - claims.iat).toBe(600);
    },
  );

  it('both parameters in the query work too (the Node client style)', async () => {
    const res = await server.http.send(
      'POST',
      `/nacos/v1/auth/login?${q({ username: 'nacos', password: ADMIN_PASSWORD })}`,
    );
    expect(res.status).toBe(200);
  });

  it.each([
    ['a wrong password', { username: 'nacos', password: 'not-the-password' }],
    ['an unknown user', { username: 'nobody-here', password: ADMIN_PASSWORD }],
    ['an SQL injection attempt', { username: "nacos' OR '1'='1", password: "' OR '1'='1" }],
  ])('%s gets 403 "unknown user!"', async (_what, form) => {
    const res = await server.http.send('POST', '/nacos/v1/auth/login', { form });
    expect(res.status).toBe(403);
    expect(res.body).toBe('unknown user!');
    expect(res.headers['authorization']).toBeUndefined();
  });

  it('login is POST only', async () => {
    const res = await server.http.send(
      'GET',
      `/nacos/v1/auth/login?${q({ username: 'nacos', password: ADMIN_PASSWORD })}`,
    );
    expect(res.status).toBe(501);
  });

  it('the native login takes JSON and answers 401 on bad credentials', async () => {
    const ok = await server.http.send('POST', '/api/v1/auth/login', {
      json: { username: 'nacos', password: ADMIN_PASSWORD },
    });
    expect(ok.status).toBe(200);
    const body = ok.json<{ accessToken: string }>();
    expect(body).toEqual({ accessToken: expect.any(String), tokenTtl: 600, username: 'nacos', admin: true });
    const me = await server.http.send('GET', '/api/v1/auth/me', {
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.json()).toEqual({
      username: 'nacos',
      admin: true,
      authEnabled: true,
      roles: ['ROLE_ADMIN'],
      permissions: [],
      namespaces: [{ namespaceId: 'public', read: true, write: true }],
    });
    // The same token works on the Nacos face: one token for both faces and the console.
    const nacos = await server.http.send('GET', '/nacos/v1/ns/service/list?pageNo=1&pageSize=1', {
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(nacos.status).toBe(200);
    const bad = await server.http.send('POST', '/api/v1/auth/login', {
      json: { username: 'nacos', password: 'nope-nope-nope' },
    });
    expect(bad.status).toBe(401);
    expect(bad.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'wrong username or password' });
  });
});

describe('login rate limiting per client address', () => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startAuthServer({ BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '3' });
  });
  afterAll(() => server.close());

  it('the attempt past the budget gets 429 with Retry-After, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await server.http.send('POST', '/nacos/v1/auth/login', {
        form: { username: 'nacos', password: `guess-${i}-guess` },
      });
      expect(res.status).toBe(403);
    }
    const limited = await server.http.send('POST', '/nacos/v1/auth/login', {
      form: { username: 'nacos', password: ADMIN_PASSWORD },
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatch(/^too many login attempts from this address: try again in \d+ s$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const native = await server.http.send('POST', '/api/v1/auth/login', {
      json: { username: 'nacos', password: ADMIN_PASSWORD },
    });
    expect(native.status).toBe(429);
    expect(native.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('username + password parameters share the budget, so they cannot be used to guess around it', async () => {
    const res = await server.http.send(
      'GET',
      `/nacos/v1/ns/instance/list?${q({ serviceName: 's', username: 'nacos', password: 'another-guess' })}`,
    );
    expect(res.status).toBe(429);
  });

  it('a token still works while its address is limited', async () => {
    const other = await server.http.send('POST', '/nacos/v1/auth/login', {
      form: { username: 'nacos', password: ADMIN_PASSWORD },
      from: '127.0.0.2',
    });
    expect(other.status).toBe(200);
    const token = other.json<{ accessToken: string }>().accessToken;
    const res = await server.http.send('GET', '/nacos/v1/ns/instance/list?serviceName=s', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });

  it('another client address has its own budget', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await server.http.send('POST', '/nacos/v1/auth/login', {
        form: { username: 'nacos', password: ADMIN_PASSWORD },
        from: '127.0.0.3',
      });
      expect(res.status).toBe(200);
    }
  });

  it('X-Forwarded-For does not buy a fresh budget', async () => {
    const res = await server.http.send('POST', '/nacos/v1/auth/login', {
      form: { username: 'nacos', password: ADMIN_PASSWORD },
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7' },
    });
    expect(res.status).toBe(429);
  });
});

describe('username + password parameters are checked once per client, not once per request', () => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startAuthServer({ BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '2' });
  });
  afterAll(() => server.close());

  it('a Node-style client sending them on every request stays within a budget of 2', async () => {
    const creds = q({ username: 'nacos', password: ADMIN_PASSWORD });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.http.send('GET', `/nacos/v1/ns/instance/list?serviceName=s${i}&${creds}`),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  });
});
