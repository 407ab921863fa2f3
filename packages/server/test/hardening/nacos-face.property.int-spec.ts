import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from './support/in-process-server.js';
import { NACOS_ENDPOINTS, nacosRequest } from './support/nacos-requests.js';
import { StateTracker, checkEndpoint } from './support/property-runner.js';
import { seedRegistry } from './support/registry-state.js';

/**
 * Hostile parameters against every route of the Nacos face: no 5xx, the server keeps answering,
 * and a rejected request leaves the registry exactly as it was.
 */
describe('Nacos face under hostile parameters', () => {
  let server: InProcessServer;
  let tracker: StateTracker;

  beforeAll(async () => {
    server = await startInProcessServer({ quiet: true });
    await seedRegistry(server.http);
    tracker = new StateTracker(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('the table below covers every route the Nacos face registers', () => {
    const served = new Set<string>();
    for (const route of server.routes) {
      const [method, path] = route.split(' ') as [string, string];
      if (method !== 'HEAD' && path.startsWith('/nacos/')) served.add(path);
    }
    const covered = new Set(NACOS_ENDPOINTS.map((e) => e.path));
    expect([...served].filter((p) => !covered.has(p))).toEqual([]);
    expect([...covered].filter((p) => !served.has(p))).toEqual([]);
    for (const e of NACOS_ENDPOINTS)
      expect(server.routes.has(`${e.method} ${e.path}`), `${e.method} ${e.path}`).toBe(true);
  });

  for (const endpoint of NACOS_ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.path}`, async () => {
      await checkEndpoint(server, tracker, nacosRequest(endpoint));
    });
  }
});
