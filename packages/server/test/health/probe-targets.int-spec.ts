import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ProbeTargetPolicy } from '../../src/probes/probe-target-policy.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

/**
 * Security: active health checks must not become a way to make the server call arbitrary hosts.
 * An instance's `ip` is an address or a host name, checker headers that carry credentials or frame
 * requests are refused, and probe targets pass BEACON_HEALTH_CHECK_ALLOW / _DENY (resolved once).
 */
describe('health check targets', () => {
  const servers: InProcessServer[] = [];
  const listeners: Server[] = [];
  afterAll(async () => {
    await Promise.all(listeners.map((l) => new Promise((r) => l.close(r))));
    await Promise.all(servers.map((s) => s.close()));
  });
  const start = async (env: Record<string, string> = {}) => {
    const server = await startInProcessServer({ env });
    servers.push(server);
    return server;
  };
  /** A TCP listener that counts the connections it gets. */
  const listener = async (address: string) => {
    const counter = { connections: 0, port: 0 };
    const server = createServer((socket) => {
      counter.connections++;
      socket.end();
    });
    listeners.push(server);
    await new Promise<void>((r) => server.listen(0, address, r));
    counter.port = (server.address() as AddressInfo).port;
    return counter;
  };
  const ns = (server: InProcessServer, path: string, method = 'GET') =>
    fetch(`${server.baseUrl}/nacos/v1/ns${path}`, { method });
  const healthy = async (server: InProcessServer, service: string) => {
    // The catalog shows raw health (the list endpoint's protect threshold would show all as healthy).
    const res = await ns(server, `/catalog/instances?serviceName=${service}&clusterName=DEFAULT&pageNo=1&pageSize=10`);
    return ((await res.json()) as { list: { healthy: boolean }[] }).list[0]?.healthy;
  };

  it.each(['http://127.0.0.1/', '127.0.0.1:80', 'a b', '300.1.1.1', '-bad-.host', 'x'.repeat(64) + '.example'])(
    "ip '%s' is neither an address nor a host name: 400, nothing registered",
    async (ip) => {
      const server = servers[0] ?? (await start());
      const res = await ns(server, `/instance?serviceName=bad-ip&ip=${encodeURIComponent(ip)}&port=80`, 'POST');
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("'ip' must be an IP address or an RFC 1123 host name");
      const list = await ns(server, '/instance/list?serviceName=bad-ip');
      expect(((await list.json()) as { hosts: unknown[] }).hosts).toEqual([]);
    },
  );

  it.each([
    'Host',
    'authorization',
    'Cookie',
    'Proxy-Authorization',
    'Connection',
    'Content-Length',
    'Transfer-Encoding',
  ])('an HTTP checker setting %s is refused with 400', async (header) => {
    const server = servers[0] ?? (await start());
    await ns(server, '/instance?serviceName=hdr&ip=127.0.0.1&port=1&ephemeral=false', 'POST');
    const checker = encodeURIComponent(JSON.stringify({ type: 'HTTP', path: '/', headers: `X-Ok:1|${header}:x` }));
    const res = await ns(
      server,
      `/cluster?serviceName=hdr&clusterName=DEFAULT&checkPort=80&useInstancePort4Check=true&healthChecker=${checker}`,
      'PUT',
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`header '${header}' may not be set`);
  });

  it.each([
    ['path', { path: '/ok\r\nX-Injected: 1' }, 'path'],
    ['path', { path: '/ok\u0000' }, 'path'],
    ['headers', { path: '/', headers: 'X-Ok:1\r\nX-Injected:2' }, 'headers'],
    ['headers', { path: '/', headers: 'X-Ok:a\nb' }, 'headers'],
  ])('an HTTP checker with a control character in its %s is refused with 400 (issue 21)', async (_, fields, what) => {
    const server = servers[0] ?? (await start());
    await ns(server, '/instance?serviceName=crlf&ip=127.0.0.1&port=1&ephemeral=false', 'POST');
    const checker = encodeURIComponent(JSON.stringify({ type: 'HTTP', ...fields }));
    const res = await ns(
      server,
      `/cluster?serviceName=crlf&clusterName=DEFAULT&checkPort=80&useInstancePort4Check=true&healthChecker=${checker}`,
      'PUT',
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`healthChecker ${what} may not contain control characters`);
  });

  it('a denied address is never contacted, and its instance is unhealthy; an allowed one is probed', async () => {
    const server = await start({ BEACON_HEALTH_CHECK_DENY: '127.0.0.6/32' });
    const denied = await listener('127.0.0.6');
    const allowed = await listener('127.0.0.7');
    await ns(server, `/instance?serviceName=denied&ip=127.0.0.6&port=${denied.port}&ephemeral=false`, 'POST');
    await ns(server, `/instance?serviceName=allowed&ip=127.0.0.7&port=${allowed.port}&ephemeral=false`, 'POST');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && ((await healthy(server, 'denied')) !== false || allowed.connections === 0)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(allowed.connections).toBeGreaterThan(0);
    expect(await healthy(server, 'denied')).toBe(false);
    expect(denied.connections).toBe(0);
  });

  it('outside BEACON_HEALTH_CHECK_ALLOW nothing is probed; a host name is checked as the address it resolves to', async () => {
    const server = await start({ BEACON_HEALTH_CHECK_ALLOW: '127.0.0.8/32' });
    const outside = await listener('127.0.0.1');
    await ns(server, `/instance?serviceName=by-name&ip=localhost&port=${outside.port}&ephemeral=false`, 'POST');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await healthy(server, 'by-name')) !== false) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await healthy(server, 'by-name')).toBe(false);
    expect(outside.connections).toBe(0);
  });

  it('by default, link-local (cloud metadata), 0.0.0.0/8 and multicast are denied', async () => {
    const config = loadConfig({});
    const policy = new ProbeTargetPolicy(config.healthCheckAllow, config.healthCheckDeny);
    for (const address of ['169.254.169.254', '0.0.0.0', '224.0.0.1', '239.255.255.250', 'ff02::1', 'fe80::1']) {
      expect(await policy.resolve(address)).toMatchObject({ ok: false });
    }
    expect(await policy.resolve('127.0.0.1')).toEqual({ ok: true, address: '127.0.0.1' });
  });
});
