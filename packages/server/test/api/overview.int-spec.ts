import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithPermission, q, startAuthServer, type AuthServer } from '../auth/support/auth-server.js';

/**
 * Issue 24, item 2: every namespace the caller may read with its health counts, and the worst
 * services across them, from GET /api/v1/overview.
 */
let server: AuthServer;
let admin: Record<string, string>;
let team: Record<string, string>;

interface Overview {
  namespaces: {
    namespaceId: string;
    name: string;
    services: number;
    withUnhealthy: number;
    protectionReached: number;
    outages: number;
  }[];
  worst: { namespaceId: string; name: string; lostAllInstancesAt?: number }[];
}

async function nacos(method: 'POST' | 'DELETE', params: Record<string, string | number>): Promise<void> {
  const res = await server.http.send(method, `/nacos/v1/ns/instance?${q({ ip: '127.0.0.1', ...params })}`, {
    headers: admin,
  });
  expect(res.body).toBe('ok');
}

async function overview(headers: Record<string, string>): Promise<Overview> {
  const res = await server.http.send('GET', '/api/v1/overview', { headers });
  expect(res.status, res.body).toBe(200);
  return res.json<Overview>();
}

beforeAll(async () => {
  server = await startAuthServer();
  admin = await server.adminHeaders();
  const created = await server.http.send('POST', '/api/v1/namespaces', {
    headers: admin,
    json: { id: 'team-ns', name: 'Team' },
  });
  expect(created.status, created.body).toBe(201);
  await createUserWithPermission(server, {
    username: 'team',
    password: 'team-pass-1',
    role: 'ROLE_TEAM',
    resource: 'team-ns:*:*',
    action: 'r',
  });
  team = { authorization: `Bearer ${await server.login('team', 'team-pass-1')}` };

  await nacos('POST', { serviceName: 'fine', port: 8001 });
  await nacos('POST', { serviceName: 'sick', port: 8002 });
  await nacos('POST', { serviceName: 'sick', port: 8003, healthy: 'false' });
  await nacos('POST', { serviceName: 'team-sick', port: 8004, healthy: 'false', namespaceId: 'team-ns' });
  await nacos('POST', { serviceName: 'team-fine', port: 8005, namespaceId: 'team-ns' });
  await nacos('POST', { serviceName: 'team-lost', port: 8006, namespaceId: 'team-ns' });
  await nacos('DELETE', { serviceName: 'team-lost', port: 8006, namespaceId: 'team-ns' });
});

afterAll(() => server.close());

describe('GET /api/v1/overview', () => {
  it('an admin sees every namespace with its counts, and the worst services across them, worst first', async () => {
    const { namespaces, worst } = await overview(admin);
    expect(namespaces.map((n) => n.namespaceId)).toEqual(['public', 'team-ns']);
    expect(namespaces[0]).toMatchObject({ name: 'public', services: 2, withUnhealthy: 1, outages: 0 });
    expect(namespaces[1]).toMatchObject({ name: 'Team', services: 3, withUnhealthy: 1, outages: 1 });
    // Lost every instance, then all down (protection reached), then partly unhealthy.
    expect(worst.map((s) => `${s.namespaceId}/${s.name}`)).toEqual([
      'team-ns/team-lost',
      'team-ns/team-sick',
      'public/sick',
    ]);
    expect(worst[0]!.lostAllInstancesAt).toBeGreaterThan(0);
  });

  it('a user limited to one namespace sees only that one, in counts and in the worst services', async () => {
    const { namespaces, worst } = await overview(team);
    expect(namespaces.map((n) => n.namespaceId)).toEqual(['team-ns']);
    expect(worst.map((s) => s.name)).toEqual(['team-lost', 'team-sick']);
  });

  it('asks for a signed-in caller', async () => {
    const res = await server.http.send('GET', '/api/v1/overview', {});
    expect(res.status).toBe(401);
  });
});
