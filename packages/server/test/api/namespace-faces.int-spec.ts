import { afterEach, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { NacosGrpcServer } from '../support/built-internals.js';
import { RawClient } from '../grpc/support/raw-client.js';

/**
 * Issue 24, item 4: one truth about namespaces on every face. The Nacos 1.x console API, the Nacos
 * 2.x console API, the native API and the namespaces a caller is told about (`/api/v1/auth/me`) list
 * the same namespaces: one a registration made by using an unknown id (over HTTP v1, HTTP v2 or
 * gRPC) is listed everywhere and survives a restart; a deleted one is gone everywhere at once.
 */
const open: InProcessServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

async function start(dataDir?: string): Promise<InProcessServer> {
  const server = await startInProcessServer(dataDir === undefined ? {} : { dataDir });
  open.push(server);
  return server;
}

function form(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

async function send(
  server: InProcessServer,
  method: string,
  path: string,
  params: Record<string, string | number> = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.baseUrl}${path}?${form(params)}`, { method });
  return { status: res.status, body: await res.text() };
}

async function json<T>(server: InProcessServer, path: string, params: Record<string, string> = {}): Promise<T> {
  const res = await send(server, 'GET', path, params);
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body) as T;
}

/** Each face's namespaces as `id=name`, public as `public=public`. */
async function everyFace(server: InProcessServer): Promise<Record<string, string[]>> {
  const v1 = await json<{ data: { namespace: string; namespaceShowName: string }[] }>(
    server,
    '/nacos/v1/console/namespaces',
  );
  const v2 = await json<{ data: { namespace: string; namespaceShowName: string }[] }>(
    server,
    '/nacos/v2/console/namespace/list',
  );
  const api = await json<{ id: string; name: string }[]>(server, '/api/v1/namespaces');
  const me = await json<{ namespaces: { namespaceId: string }[] }>(server, '/api/v1/auth/me');
  const overview = await json<{ namespaces: { namespaceId: string; name: string }[] }>(server, '/api/v1/overview');
  const nacos = (n: { namespace: string; namespaceShowName: string }) =>
    `${n.namespace || 'public'}=${n.namespaceShowName}`;
  const names = new Map(api.map((n) => [n.id, n.name]));
  return {
    nacosV1Console: v1.data.map(nacos),
    nacosV2Console: v2.data.map(nacos),
    api: api.map((n) => `${n.id}=${n.name}`),
    me: me.namespaces.map((n) => `${n.namespaceId}=${names.get(n.namespaceId) ?? '?'}`),
    overview: overview.namespaces.map((n) => `${n.namespaceId}=${n.name}`),
  };
}

async function expectEveryFaceLists(server: InProcessServer, expected: string[]): Promise<void> {
  const faces = await everyFace(server);
  for (const [face, listed] of Object.entries(faces)) expect(listed, face).toEqual(expected);
}

async function registerV1(server: InProcessServer, namespaceId: string, serviceName: string): Promise<void> {
  const res = await send(server, 'POST', '/nacos/v1/ns/instance', {
    namespaceId,
    serviceName,
    ip: '127.0.0.1',
    port: 8080,
  });
  expect(res.body).toBe('ok');
}

describe('namespaces on every face', () => {
  it('a registration into an unknown id (HTTP v1, HTTP v2, gRPC) makes a namespace every face lists', async () => {
    const server = await start();
    await registerV1(server, 'sprang-v1', 'orders');
    const v2 = await send(server, 'POST', '/nacos/v2/ns/instance', {
      namespaceId: 'sprang-v2',
      serviceName: 'orders',
      ip: '127.0.0.2',
      port: 8080,
    });
    expect(v2.status, v2.body).toBe(200);
    const grpc = new RawClient(server.app.get(NacosGrpcServer).port!);
    try {
      await grpc.connect();
      const reply = await grpc.request('InstanceRequest', {
        type: 'registerInstance',
        namespace: 'sprang-grpc',
        serviceName: 'orders',
        groupName: 'DEFAULT_GROUP',
        requestId: '1',
        instance: {
          ip: '127.0.0.3',
          port: 8080,
          weight: 1,
          healthy: true,
          enabled: true,
          ephemeral: true,
          metadata: {},
        },
      });
      expect(reply.body).toMatchObject({ resultCode: 200, success: true });
    } finally {
      grpc.close();
    }

    await expectEveryFaceLists(server, [
      'public=public',
      'sprang-v1=sprang-v1',
      'sprang-v2=sprang-v2',
      'sprang-grpc=sprang-grpc',
    ]);
    expect(
      (
        await send(server, 'GET', '/nacos/v1/console/namespaces', {
          checkNamespaceIdExist: 'true',
          customNamespaceId: 'sprang-v1',
        })
      ).body,
    ).toBe('true');
    const one = await json<{ data: { namespace: string; type: number } }>(server, '/nacos/v2/console/namespace', {
      namespaceId: 'sprang-grpc',
    });
    expect(one.data).toMatchObject({ namespace: 'sprang-grpc', type: 2 });
    // It is a namespace like any other: taken, so creating it again is refused.
    expect(
      (
        await send(server, 'POST', '/nacos/v1/console/namespaces', {
          customNamespaceId: 'sprang-v1',
          namespaceName: 'x',
        })
      ).body,
    ).toBe('false');
  });

  it('a deleted namespace is gone from every face at once, also one that once held services', async () => {
    const server = await start();
    expect(
      (await send(server, 'POST', '/nacos/v1/console/namespaces', { customNamespaceId: 'dev', namespaceName: 'Dev' }))
        .body,
    ).toBe('true');
    await registerV1(server, 'dev', 'orders');
    await registerV1(server, 'sprang', 'orders');
    await expectEveryFaceLists(server, ['public=public', 'dev=Dev', 'sprang=sprang']);

    for (const namespaceId of ['dev', 'sprang']) {
      const gone = await send(server, 'DELETE', '/nacos/v1/ns/service', { namespaceId, serviceName: 'orders' });
      // A service with an instance cannot be deleted: deregister it first.
      if (gone.body !== 'ok') {
        await send(server, 'DELETE', '/nacos/v1/ns/instance', {
          namespaceId,
          serviceName: 'orders',
          ip: '127.0.0.1',
          port: 8080,
        });
        expect(
          (await send(server, 'DELETE', '/nacos/v1/ns/service', { namespaceId, serviceName: 'orders' })).body,
        ).toBe('ok');
      }
    }
    expect((await send(server, 'DELETE', '/nacos/v1/console/namespaces', { namespaceId: 'dev' })).body).toBe('true');
    const v2 = await send(server, 'DELETE', '/nacos/v2/console/namespace', { namespaceId: 'sprang' });
    expect(v2.status, v2.body).toBe(200);

    await expectEveryFaceLists(server, ['public=public']);
    expect((await send(server, 'GET', '/nacos/v2/console/namespace', { namespaceId: 'dev' })).status).toBe(404);
  });

  it('a namespace that still holds services is not deleted by any face', async () => {
    const server = await start();
    await registerV1(server, 'busy', 'orders');

    const v1 = await send(server, 'DELETE', '/nacos/v1/console/namespaces', { namespaceId: 'busy' });
    expect(v1).toEqual({ status: 400, body: 'namespace busy still has 1 services: delete them first' });
    const v2 = await send(server, 'DELETE', '/nacos/v2/console/namespace', { namespaceId: 'busy' });
    expect(v2.status).toBe(400);
    expect(JSON.parse(v2.body)).toEqual({
      code: 20005,
      message: 'resource conflict',
      data: 'namespace busy still has 1 services: delete them first',
    });
    expect((await send(server, 'DELETE', '/api/v1/namespaces/busy')).status).toBe(409);

    await expectEveryFaceLists(server, ['public=public', 'busy=busy']);
    // Deleting one that never was stays what Nacos answers.
    expect((await send(server, 'DELETE', '/nacos/v1/console/namespaces', { namespaceId: 'never-was' })).body).toBe(
      'true',
    );
  });

  it('a namespace a registration made is kept across a restart, also once its services are gone', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    await registerV1(first, 'sprang', 'orders');
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await start(dataDir);
    await expectEveryFaceLists(second, ['public=public', 'sprang=sprang']);
    // The ephemeral instance did not come back; its service and the namespace did, until deleted.
    expect(
      (await send(second, 'DELETE', '/nacos/v1/ns/service', { namespaceId: 'sprang', serviceName: 'orders' })).body,
    ).toBe('ok');
    await expectEveryFaceLists(second, ['public=public', 'sprang=sprang']);
  });
});
