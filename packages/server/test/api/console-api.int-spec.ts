import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPermission,
  q,
  startAuthServer,
  type AuthServer,
  type HttpResponse,
} from '../auth/support/auth-server.js';

/**
 * The native API the console needs at scale (issue 12): health-first listing, history, subscribers,
 * cluster checks, namespaces and per-namespace access, with auth on and a read-only user.
 */
let server: AuthServer;
let admin: Record<string, string>;
let reader: Record<string, string>;

const API = '/api/v1/namespaces/public/services';

async function call(method: string, path: string, headers: Record<string, string>, json?: unknown) {
  return server.http.send(method, path, { headers, ...(json !== undefined ? { json } : {}) });
}

async function register(service: string, ip: string, port: number, extra: Record<string, string | number> = {}) {
  const res = await server.http.send(
    'POST',
    `/nacos/v1/ns/instance?${q({ serviceName: service, ip, port, ...extra })}`,
    {
      headers: admin,
    },
  );
  expect(res.body).toBe('ok');
}

/** Manual health applies to clusters that are not actively checked (Nacos's rule). */
async function markHealth(service: string, ip: string, port: number, healthy: boolean) {
  const unchecked = await call('PUT', `${API}/DEFAULT_GROUP/${service}/clusters/DEFAULT`, admin, {
    healthChecker: { type: 'NONE' },
  });
  expect(unchecked.status, unchecked.body).toBe(200);
  const res = await server.http.send(
    'PUT',
    `/nacos/v1/ns/health/instance?${q({ serviceName: service, ip, port, healthy: String(healthy), ephemeral: 'false' })}`,
    { headers: admin },
  );
  expect(res.status, res.body).toBe(200);
}

function json<T>(res: HttpResponse, status = 200): T {
  expect(res.status, res.body).toBe(status);
  return res.json<T>();
}

beforeAll(async () => {
  server = await startAuthServer();
  admin = await server.adminHeaders();
  await createUserWithPermission(server, {
    username: 'reader',
    password: 'reader-pass-1',
    role: 'ROLE_READER',
    resource: 'public:*:*',
    action: 'r',
  });
  reader = { authorization: `Bearer ${await server.login('reader', 'reader-pass-1')}` };

  // 30 healthy services, one all-down persistent service sorting last by name, one empty service.
  for (let i = 0; i < 30; i++) await register(`svc-${String(i).padStart(2, '0')}`, '127.0.0.1', 9000 + i);
  await register('zz-down', '127.0.0.1', 1, { ephemeral: 'false' });
  await markHealth('zz-down', '127.0.0.1', 1, false);
  expect((await call('POST', API, admin, { name: 'zz-empty' })).status).toBe(201);
});

afterAll(() => server.close());

interface Page {
  items: { name: string; healthyCount: number; instanceCount: number }[];
  total: number;
  page: number;
  summary: { services: number; withUnhealthy: number; allDown: number; protectionReached: number; empty: number };
}

describe('GET /services: health-first listing', () => {
  it('puts the unhealthy service first, hides empty ones and counts everything in the summary', async () => {
    const page = json<Page>(await call('GET', `${API}?sort=health&hideEmpty=true&pageSize=10`, reader));
    expect(page.items[0]?.name).toBe('zz-down');
    expect(page.items.map((s) => s.name)).not.toContain('zz-empty');
    expect(page.total).toBe(31);
    expect(page.summary).toEqual({
      services: 32,
      withUnhealthy: 1,
      allDown: 1,
      protectionReached: 0,
      empty: 1,
      outages: 0,
    });
  });

  it('filters by health, and keeps the name order by default', async () => {
    const unhealthy = json<Page>(await call('GET', `${API}?health=unhealthy`, reader));
    expect(unhealthy.items.map((s) => s.name)).toEqual(['zz-down']);
    const empty = json<Page>(await call('GET', `${API}?health=empty&hideEmpty=true`, reader));
    expect(empty.items.map((s) => s.name)).toEqual(['zz-empty']);
    const byName = json<Page>(await call('GET', `${API}?pageSize=2`, reader));
    expect(byName.items.map((s) => s.name)).toEqual(['svc-00', 'svc-01']);
  });

  it('clamps a page past the end to the last page', async () => {
    const page = json<Page>(await call('GET', `${API}?page=999&pageSize=10`, reader));
    expect(page.page).toBe(4);
    expect(page.items.length).toBe(2);
  });

  it('refuses unknown choices with a 400 that names the parameter', async () => {
    const res = await call('GET', `${API}?health=sick`, reader);
    expect(res.status).toBe(400);
    expect(res.json()['message']).toContain('health must be one of');
    expect((await call('GET', `${API}?sort=random`, reader)).status).toBe(400);
    expect((await call('GET', `${API}?hideEmpty=yes`, reader)).status).toBe(400);
  });
});

describe('GET /services/:group/:name/health-history', () => {
  it('records the change points the registry emitted and ends with the state now', async () => {
    await register('flappy', '127.0.0.1', 2, { ephemeral: 'false' });
    await markHealth('flappy', '127.0.0.1', 2, false);
    const history = json<{ resolutionMs: number; keptMs: number; points: { healthy: number; unhealthy: number }[] }>(
      await call('GET', `${API}/DEFAULT_GROUP/flappy/health-history`, reader),
    );
    expect(history.resolutionMs).toBe(10_000);
    expect(history.keptMs).toBeGreaterThanOrEqual(3_600_000);
    // Registered healthy and marked unhealthy within one 10 s bucket: the later state wins.
    expect(history.points.at(-1)).toMatchObject({ healthy: 0, unhealthy: 1 });
    expect(history.points.length).toBeGreaterThanOrEqual(2);
  });

  it('answers 404 for an unknown service and 400 for a window out of range', async () => {
    expect((await call('GET', `${API}/DEFAULT_GROUP/nope/health-history`, reader)).status).toBe(404);
    expect((await call('GET', `${API}/DEFAULT_GROUP/flappy/health-history?windowMs=5`, reader)).status).toBe(400);
  });
});

describe('GET /services/:group/:name/subscribers', () => {
  it('lists UDP push targets and watch streams with their kind', async () => {
    const poll = await server.http.send(
      'GET',
      `/nacos/v1/ns/instance/list?${q({ serviceName: 'svc-00', udpPort: 45_678, clientIP: '127.0.0.1' })}`,
      { headers: { ...admin, 'user-agent': 'Nacos-Java-Client:v1.4.8' } },
    );
    expect(poll.status).toBe(200);
    const controller = new AbortController();
    const stream = await fetch(`http://127.0.0.1:${server.port}/api/v1/watch?namespaceId=public&services=svc-00`, {
      headers: reader,
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    try {
      const subscribers = json<{ kind: string; ip: string; port: number }[]>(
        await call('GET', `${API}/DEFAULT_GROUP/svc-00/subscribers`, reader),
      );
      expect(subscribers.find((s) => s.kind === 'udp')).toMatchObject({ ip: '127.0.0.1', port: 45_678 });
      expect(subscribers.some((s) => s.kind === 'watch')).toBe(true);
    } finally {
      controller.abort();
    }
  });
});

describe('PUT /services/:group/:name/clusters/:cluster', () => {
  it('refuses a control character (CR/LF) in an HTTP checker path with 400, and changes nothing', async () => {
    const res = await call('PUT', `${API}/DEFAULT_GROUP/zz-down/clusters/DEFAULT`, admin, {
      healthChecker: { type: 'HTTP', path: '/health\r\nX-Injected: 1' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('healthChecker path may not contain control characters');
    const detail = json<{ clusters: { healthChecker: { path?: string } }[] }>(
      await call('GET', `${API}/DEFAULT_GROUP/zz-down`, reader),
    );
    expect(detail.clusters[0]?.healthChecker.path ?? '').not.toContain('\r');
  });

  it('changes the health check of a cluster', async () => {
    const cluster = json<{
      healthChecker: { type: string; path?: string };
      useInstancePort: boolean;
      checkPort: number;
    }>(
      await call('PUT', `${API}/DEFAULT_GROUP/zz-down/clusters/DEFAULT`, admin, {
        healthChecker: { type: 'HTTP', path: '/health' },
        useInstancePort: false,
        checkPort: 8081,
      }),
    );
    expect(cluster).toMatchObject({
      healthChecker: { type: 'HTTP', path: '/health' },
      useInstancePort: false,
      checkPort: 8081,
    });
    const detail = json<{ clusters: { healthChecker: { type: string } }[] }>(
      await call('GET', `${API}/DEFAULT_GROUP/zz-down`, reader),
    );
    expect(detail.clusters[0]?.healthChecker.type).toBe('HTTP');
  });

  it('refuses bad settings with a 400 and changes nothing, an unknown cluster with a 404', async () => {
    const path = `${API}/DEFAULT_GROUP/zz-down/clusters/DEFAULT`;
    expect((await call('PUT', path, admin, { healthChecker: { type: 'PING' } })).status).toBe(400);
    expect((await call('PUT', path, admin, { healthChecker: { type: 'HTTP', path: 'health' } })).status).toBe(400);
    expect((await call('PUT', path, admin, { checkPort: 70_000 })).status).toBe(400);
    expect((await call('PUT', `${API}/DEFAULT_GROUP/zz-down/clusters/NOPE`, admin, {})).status).toBe(404);
    const detail = json<{ clusters: { healthChecker: { path?: string }; checkPort: number }[] }>(
      await call('GET', `${API}/DEFAULT_GROUP/zz-down`, reader),
    );
    expect(detail.clusters[0]).toMatchObject({ healthChecker: { path: '/health' }, checkPort: 8081 });
  });

  it('is refused to a read-only user', async () => {
    const res = await call('PUT', `${API}/DEFAULT_GROUP/zz-down/clusters/DEFAULT`, reader, { checkPort: 80 });
    expect(res.status).toBe(403);
  });
});

describe('namespaces', () => {
  it('an admin creates, renames and deletes an empty namespace', async () => {
    const created = json<{ id: string; name: string }>(
      await call('POST', '/api/v1/namespaces', admin, { id: 'staging', name: 'Staging', description: 'pre-prod' }),
      201,
    );
    expect(created).toMatchObject({ id: 'staging', name: 'Staging' });
    expect((await call('POST', '/api/v1/namespaces', admin, { id: 'staging', name: 'Again' })).status).toBe(409);
    const renamed = json<{ name: string }>(await call('PUT', '/api/v1/namespaces/staging', admin, { name: 'Stage' }));
    expect(renamed.name).toBe('Stage');
    expect((await call('DELETE', '/api/v1/namespaces/staging', admin)).status).toBe(204);
    const list = json<{ id: string }[]>(await call('GET', '/api/v1/namespaces', reader));
    expect(list.map((n) => n.id)).not.toContain('staging');
  });

  it('refuses bad ids, the public namespace and a namespace that still has services', async () => {
    expect((await call('POST', '/api/v1/namespaces', admin, { id: 'bad id!', name: 'x' })).status).toBe(400);
    expect((await call('POST', '/api/v1/namespaces', admin, { id: 'no-name' })).status).toBe(400);
    expect((await call('DELETE', '/api/v1/namespaces/public', admin)).status).toBe(400);
    expect((await call('DELETE', '/api/v1/namespaces/never-was', admin)).status).toBe(404);
    await server.http.send(
      'POST',
      `/nacos/v1/ns/instance?${q({ serviceName: 'a', ip: '127.0.0.1', port: 1, namespaceId: 'busy' })}`,
      {
        headers: admin,
      },
    );
    const res = await call('DELETE', '/api/v1/namespaces/busy', admin);
    expect(res.status).toBe(409);
    expect(res.json()['message']).toContain('still has 1 services');
  });

  it('is for admins only', async () => {
    expect((await call('POST', '/api/v1/namespaces', reader, { id: 'mine', name: 'Mine' })).status).toBe(403);
    expect((await call('PUT', '/api/v1/namespaces/busy', reader, { name: 'x' })).status).toBe(403);
    expect((await call('DELETE', '/api/v1/namespaces/busy', reader)).status).toBe(403);
  });
});

describe('auth mode and /auth/me', () => {
  it('tells anyone whether auth is on, without credentials', async () => {
    expect(json<{ authEnabled: boolean }>(await call('GET', '/api/v1/auth/mode', {}))).toEqual({ authEnabled: true });
  });

  it("reports a read-only user's access per namespace, including one asked for by id", async () => {
    const me = json<{ admin: boolean; namespaces: { namespaceId: string; read: boolean; write: boolean }[] }>(
      await call('GET', '/api/v1/auth/me?namespaceId=secret', reader),
    );
    expect(me.admin).toBe(false);
    expect(me.namespaces).toContainEqual({ namespaceId: 'public', read: true, write: false });
    expect(me.namespaces).toContainEqual({ namespaceId: 'secret', read: false, write: false });
    const adminMe = json<{ namespaces: { namespaceId: string; write: boolean }[] }>(
      await call('GET', '/api/v1/auth/me', admin),
    );
    expect(adminMe.namespaces.every((n) => n.write)).toBe(true);
  });
});

describe('last active check of persistent instances', () => {
  it('shows when the instance was checked and why it failed', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await register('probed', '127.0.0.1', port, { ephemeral: 'false' });

    const started = Date.now();
    let lastCheck: { at: number; outcome: string; reason?: string } | undefined;
    while (!lastCheck && Date.now() - started < 15_000) {
      await new Promise((r) => setTimeout(r, 250));
      const detail = json<{ clusters: { instances: { lastCheck?: typeof lastCheck }[] }[] }>(
        await call('GET', `${API}/DEFAULT_GROUP/probed`, reader),
      );
      lastCheck = detail.clusters[0]?.instances[0]?.lastCheck;
    }
    expect(lastCheck).toMatchObject({ outcome: 'fail-now', reason: 'connection refused' });
    expect(lastCheck!.at).toBeGreaterThanOrEqual(started);
  }, 30_000);
});

describe('PATCH …/instances/:cluster/:ip/:port: overrides beside the client values', () => {
  const path = `${API}/DEFAULT_GROUP/svc-01/instances/DEFAULT/127.0.0.1/9001`;
  interface Instance {
    weight: number;
    enabled: boolean;
    overrides: Record<string, string>;
    client: { weight: number; enabled: boolean; metadata: Record<string, string> };
    weightOverridden: boolean;
    enabledOverridden: boolean;
  }

  it('shows each override with the client value, and null removes it', async () => {
    const set = json<Instance>(
      await call('PATCH', path, admin, { weight: 5, enabled: false, metadata: { zone: 'b' } }),
    );
    expect(set).toMatchObject({
      weight: 5,
      enabled: false,
      overrides: { zone: 'b' },
      client: { weight: 1, enabled: true },
      weightOverridden: true,
      enabledOverridden: true,
    });
    // The client registers again with its own values: the operator's stay.
    await register('svc-01', '127.0.0.1', 9001);
    const detail = json<{ clusters: { instances: Instance[] }[] }>(
      await call('GET', `${API}/DEFAULT_GROUP/svc-01`, reader),
    );
    expect(detail.clusters[0]?.instances[0]).toMatchObject({ weight: 5, enabled: false });

    const cleared = json<Instance>(
      await call('PATCH', path, admin, { weight: null, enabled: null, metadata: { zone: null } }),
    );
    expect(cleared).toMatchObject({
      weight: 1,
      enabled: true,
      overrides: {},
      weightOverridden: false,
      enabledOverridden: false,
    });
  });

  it('refuses a bad value without changing anything, and a read-only user', async () => {
    const res = await call('PATCH', path, admin, { weight: 7, enabled: 'no' });
    expect(res.status).toBe(400);
    const after = json<{ clusters: { instances: Instance[] }[] }>(
      await call('GET', `${API}/DEFAULT_GROUP/svc-01`, reader),
    );
    expect(after.clusters[0]?.instances[0]?.weight).toBe(1);
    expect((await call('PATCH', path, reader, { weight: 3 })).status).toBe(403);
  });
});
