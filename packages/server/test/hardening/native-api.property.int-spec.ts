import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ENDPOINTS, apiRequest } from './support/api-requests.js';
import { startQuietServer, type InProcessServer } from './support/in-process-server.js';
import { RUNS_PER_ENDPOINT, StateTracker, checkEndpoint } from './support/property-runner.js';
import { seedRegistry } from './support/registry-state.js';

/**
 * Hostile path segments, queries and bodies against every /api/v1 route: no 5xx, the server keeps
 * answering, and a rejected request leaves the registry exactly as it was.
 */
describe('native API under hostile parameters', () => {
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

  it('the table below covers every /api/v1 route', () => {
    const served = [...server.routes].filter((r) => r.includes(' /api/'));
    const covered = API_ENDPOINTS.map((e) => `${e.method} ${e.route}`);
    expect(served.filter((r) => !covered.includes(r))).toEqual([]);
    expect(covered.filter((r) => !served.includes(r))).toEqual([]);
  });

  for (const endpoint of API_ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.route}`, async () => {
      await checkEndpoint(server, tracker, apiRequest(endpoint), RUNS_PER_ENDPOINT * 2);
    });
  }
});
