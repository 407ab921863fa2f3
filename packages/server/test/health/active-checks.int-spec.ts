import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

/**
 * Persistent instances are never expired by beats; their health comes from active TCP and HTTP
 * checks against real sockets (docs/nacos-protocol.md §7): a refused connection or an unexpected HTTP
 * status flips at once, recovery needs three consecutive good results.
 */
describe('active health checks of persistent instances', () => {
  let server: InProcessServer;

  beforeAll(async () => {
    server = await startInProcessServer({ env: { BEACON_AUTH: 'off' } });
  });
  afterAll(async () => {
    await server.close();
  });

  const ns = (path: string, init?: RequestInit) => fetch(`${server.baseUrl}/nacos/v1/ns${path}`, init);

  async function healthOf(service: string, cluster = 'DEFAULT'): Promise<boolean | undefined> {
    const res = await ns(`/catalog/instances?serviceName=${service}&clusterName=${cluster}&pageNo=1&pageSize=10`);
    const body = (await res.json()) as { list: { healthy: boolean }[] };
    return body.list[0]?.healthy;
  }

  async function eventually(predicate: () => Promise<boolean>, timeoutMs: number): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (await predicate()) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`condition not met within ${timeoutMs} ms`);
  }

  it('TCP: a refused connection marks the instance unhealthy; three good checks bring it back', async () => {
    let target: TcpServer = createTcpServer((socket) => socket.end());
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as AddressInfo).port;
    const reg = await ns(`/instance?serviceName=tcp-db&ip=127.0.0.1&port=${port}&ephemeral=false`, { method: 'POST' });
    expect(await reg.text()).toBe('ok');
    expect(await healthOf('tcp-db')).toBe(true);

    await new Promise<void>((r) => target.close(() => r()));
    await eventually(async () => (await healthOf('tcp-db')) === false, 15_000);

    target = createTcpServer((socket) => socket.end());
    await new Promise<void>((r) => target.listen(port, '127.0.0.1', r));
    const recoveredAfter = await eventually(async () => (await healthOf('tcp-db')) === true, 25_000);
    // Three consecutive checks at least one second apart (TCP minimum interval).
    expect(recoveredAfter).toBeGreaterThanOrEqual(2000);
    await new Promise<void>((r) => target.close(() => r()));
  }, 60_000);

  it('HTTP: only 200 is healthy; a 500 fails the instance at once', async () => {
    let status = 200;
    const target: HttpServer = createHttpServer((req, res) => {
      res.statusCode = req.url === '/health' ? status : 404;
      res.end();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as AddressInfo).port;
    await ns(`/instance?serviceName=http-api&ip=127.0.0.1&port=${port}&ephemeral=false`, { method: 'POST' });
    const checker = encodeURIComponent(JSON.stringify({ type: 'HTTP', path: '/health', headers: '' }));
    const put = await ns(
      `/cluster?serviceName=http-api&clusterName=DEFAULT&checkPort=80&useInstancePort4Check=true&healthChecker=${checker}`,
      { method: 'PUT' },
    );
    expect(await put.text()).toBe('ok');

    status = 500;
    await eventually(async () => (await healthOf('http-api')) === false, 15_000);
    status = 200;
    await eventually(async () => (await healthOf('http-api')) === true, 25_000);
    await new Promise<void>((r) => target.close(() => r()));
  }, 60_000);

  it('NONE: health is set through the API, and only then', async () => {
    await ns('/instance?serviceName=manual&ip=127.0.0.9&port=1&ephemeral=false', { method: 'POST' });
    const refused = await ns('/health/instance?serviceName=manual&ip=127.0.0.9&port=1&healthy=false', {
      method: 'PUT',
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe('health check is still working, service: DEFAULT_GROUP@@manual');

    const none = encodeURIComponent(JSON.stringify({ type: 'NONE' }));
    await ns(
      `/cluster?serviceName=manual&clusterName=DEFAULT&checkPort=80&useInstancePort4Check=true&healthChecker=${none}`,
      {
        method: 'PUT',
      },
    );
    const accepted = await ns('/health/instance?serviceName=manual&ip=127.0.0.9&port=1&healthy=false', {
      method: 'PUT',
    });
    expect(await accepted.text()).toBe('ok');
    expect(await healthOf('manual')).toBe(false);
  });

  it('a beat for a persistent instance is accepted and changes nothing', async () => {
    const none = encodeURIComponent(JSON.stringify({ type: 'NONE' }));
    await ns('/instance?serviceName=quiet&ip=127.0.0.8&port=2&ephemeral=false', { method: 'POST' });
    await ns(
      `/cluster?serviceName=quiet&clusterName=DEFAULT&checkPort=80&useInstancePort4Check=true&healthChecker=${none}`,
      {
        method: 'PUT',
      },
    );
    // A beat for it is accepted and changes nothing.
    const beat = await ns('/instance/beat?serviceName=quiet&ip=127.0.0.8&port=2', { method: 'PUT' });
    expect(((await beat.json()) as { code: number }).code).toBe(10200);
    const detail = await ns('/instance?serviceName=quiet&ip=127.0.0.8&port=2');
    expect(((await detail.json()) as { healthy: boolean }).healthy).toBe(true);
  });
});
