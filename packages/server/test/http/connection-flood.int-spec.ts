import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READINESS_PATH, spawnServer, type SpawnedServer } from '@beacon/test-support';

const FLOOD = 150;
const PER_IP = 40;
const HEADERS_TIMEOUT_MS = 1000;

/**
 * Security: half-open connections must not exhaust the server. The built server runs with a short
 * headers timeout and a per-IP cap; a bounded flood from one loopback address is cut down at once
 * and timed out soon after, while the liveness and readiness probes from another address answer.
 */
describe('connection flood', () => {
  let server: SpawnedServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await spawnServer({
      env: {
        BEACON_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        BEACON_MAX_CONNECTIONS_PER_IP: String(PER_IP),
        BEACON_MAX_CONNECTIONS: '1000',
      },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await server?.close();
  });

  /** Opens a socket from `localAddress`; resolves with when it closed (ms after `t0`), or undefined. */
  function open(
    localAddress: string,
    send: string | undefined,
    t0: number,
    closedAt: (number | undefined)[],
  ): Promise<void> {
    return new Promise((resolve) => {
      const index = closedAt.push(undefined) - 1;
      const socket = connect({ host: '127.0.0.1', port: server.port, localAddress }, () => {
        if (send !== undefined) socket.write(send);
        resolve();
      });
      sockets.push(socket);
      socket.on('error', () => resolve());
      socket.on('close', () => {
        closedAt[index] = Date.now() - t0;
        resolve();
      });
    });
  }

  it('a half-sent flood is capped per IP and timed out, and the probes keep answering', async () => {
    const t0 = Date.now();
    const closedAt: (number | undefined)[] = [];
    const halfHead = 'GET /nacos/v1/ns/service/list HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    await Promise.all(Array.from({ length: FLOOD }, () => open('127.0.0.9', halfHead, t0, closedAt)));
    // Past the per-IP cap, connections are closed at once.
    await new Promise((r) => setTimeout(r, 300));
    expect(closedAt.filter((t) => t !== undefined).length).toBeGreaterThanOrEqual(FLOOD - PER_IP);

    for (const path of [READINESS_PATH, '/nacos/v1/console/health/liveness']) {
      const res = await fetch(server.baseUrl + path, { signal: AbortSignal.timeout(2000) });
      expect(res.status).toBe(200);
    }
    // The rest are timed out within the headers timeout plus Node's check interval.
    await new Promise((r) => setTimeout(r, HEADERS_TIMEOUT_MS * 2 + 500));
    expect(closedAt.every((t) => t !== undefined)).toBe(true);
  });

  it('a connection that sends nothing is closed after the headers timeout', async () => {
    const t0 = Date.now();
    const closedAt: (number | undefined)[] = [];
    await open('127.0.0.10', undefined, t0, closedAt);
    // Generous on a loaded machine; without the deadline the socket would stay open for good.
    await new Promise((r) => setTimeout(r, HEADERS_TIMEOUT_MS * 4));
    expect(closedAt[0]).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(closedAt[0]).toBeLessThan(HEADERS_TIMEOUT_MS * 4);
  });

  it('a keep-alive connection that has made a request is not cut by the first-request deadline', async () => {
    const t0 = Date.now();
    const closedAt: (number | undefined)[] = [];
    await open('127.0.0.11', `GET ${READINESS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`, t0, closedAt);
    await new Promise((r) => setTimeout(r, HEADERS_TIMEOUT_MS * 2 + 500));
    expect(closedAt[0]).toBeUndefined();
  });
});
