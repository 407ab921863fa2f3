import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuietServer, type InProcessServer } from './support/in-process-server.js';
import { NACOS_ENDPOINTS, nacosRequest, type NacosEndpoint } from './support/nacos-requests.js';
import { RUNS_PER_ENDPOINT, StateTracker, checkEndpoint } from './support/property-runner.js';
import { seedRegistry } from './support/registry-state.js';
import { strayRequest } from './support/stray-requests.js';

/**
 * Hostile parameters against every route of the Nacos face: no 5xx, the server keeps answering,
 * and a rejected request leaves the registry exactly as it was.
 */
describe('Nacos face under hostile parameters', () => {
  let server: InProcessServer;
  let tracker: StateTracker;

  beforeAll(async () => {
    server = await startQuietServer();
    await seedRegistry(server.http);
    tracker = new StateTracker(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('the table below covers every route of the Nacos controllers', () => {
    const served = [...server.routes].filter((r) => r.includes(' /nacos/'));
    const covers = (route: string) => (e: NacosEndpoint) => {
      const [method, path] = route.split(' ');
      return e.path === path && (method === 'ALL' || e.method === method);
    };
    expect(served.filter((r) => !NACOS_ENDPOINTS.some(covers(r)))).toEqual([]);
    const known = (e: NacosEndpoint) =>
      server.routes.has(`${e.method} ${e.path}`) || server.routes.has(`ALL ${e.path}`);
    expect(NACOS_ENDPOINTS.filter((e) => !known(e))).toEqual([]);
    expect(served.length).toBeGreaterThan(30);
  });

  it('unknown routes and methods: 404, or 501 `no such api` under /nacos, and nothing changes', async () => {
    await checkEndpoint(
      server,
      tracker,
      strayRequest,
      RUNS_PER_ENDPOINT * 3,
      (req, res) =>
        res.status === 501 &&
        req.path.startsWith('/nacos/') &&
        (res.body.startsWith('no such api:') || (req.method === 'HEAD' && res.body === '')),
    );
  });

  for (const endpoint of NACOS_ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.path}`, async () => {
      await checkEndpoint(server, tracker, nacosRequest(endpoint));
    });
  }
});
