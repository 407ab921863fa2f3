/**
 * Issue 21, item 1: idle raw TCP connections to the gRPC port used to take every file descriptor
 * (HTTP liveness and login stopped answering, nothing was logged). Now the gRPC port counts
 * connections at accept (per address and in total), closes those that never set up, and says so.
 */
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, freePort, READINESS_PATH, spawnServer, type SpawnedServer } from '@beacon/test-support';
import { RawClient } from '../grpc/support/raw-client.js';

const MAX_CONNECTIONS = 300;
const PER_IP = 100;
const SETUP_TIMEOUT_MS = 1500;
/** Source addresses of the flood: each fills its per-address cap many times over. */
const SOURCES = 10;
const PER_SOURCE = 300;

function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Opens a raw TCP connection that sends nothing; resolves once connected or refused. */
function idleConnection(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a flood of idle connections to the gRPC port', () => {
  let server: SpawnedServer;
  let grpcPort: number;
  const flood: Socket[] = [];

  beforeAll(async () => {
    grpcPort = await freePort();
    server = await spawnServer({
      env: {
        BEACON_AUTH: 'on',
        BEACON_GRPC_PORT: String(grpcPort),
        BEACON_GRPC_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
        BEACON_GRPC_MAX_CONNECTIONS_PER_IP: String(PER_IP),
        BEACON_GRPC_SETUP_TIMEOUT_MS: String(SETUP_TIMEOUT_MS),
      },
    });
  });

  afterAll(async () => {
    for (const socket of flood) socket.destroy();
    await server?.close();
  });

  it('keeps fds bounded and HTTP answering, logs the refusals, and closes connections never set up', async () => {
    const pid = server.child.pid!;
    const baseline = fdCount(pid);
    const login = async () => {
      const res = await fetch(`${server.baseUrl}/nacos/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=${ADMIN.username}&password=${encodeURIComponent(ADMIN.password)}`,
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const token = await login();
    const beat = async () => {
      const res = await fetch(
        `${server.baseUrl}/nacos/v1/ns/instance/beat?serviceName=flood&ip=127.0.0.9&port=1&accessToken=${token}`,
        { method: 'PUT' },
      );
      expect(res.status).toBe(200);
    };

    let peakFds = baseline;
    for (let i = 0; i < SOURCES; i++) {
      const localAddress = `127.0.0.${100 + i}`;
      const batch = await Promise.all(Array.from({ length: PER_SOURCE }, () => idleConnection(grpcPort, localAddress)));
      flood.push(...batch);
      peakFds = Math.max(peakFds, fdCount(pid));
      // While the flood stands, the HTTP faces answer promptly.
      const health = await timed(() => fetch(`${server.baseUrl}${READINESS_PATH}`));
      expect(health.value.status).toBe(200);
      expect(health.ms).toBeLessThan(2000);
    }
    expect(flood.length).toBe(SOURCES * PER_SOURCE);
    // At most the total cap is held (plus what HTTP and storage use), never the flood.
    expect(peakFds - baseline).toBeLessThanOrEqual(MAX_CONNECTIONS + 20);
    expect((await timed(login)).ms).toBeLessThan(2000);
    expect((await timed(beat)).ms).toBeLessThan(2000);

    // The connections that never set up are closed after the deadline; a real client then gets in.
    await waitFor(() => fdCount(pid) - baseline < 20, SETUP_TIMEOUT_MS * 4);
    const client = new RawClient(grpcPort);
    try {
      await client.connect();
      const check = await client.request('ServerCheckRequest', {});
      expect(check.type).toBe('ServerCheckResponse');
    } finally {
      client.close();
    }

    const metrics = await (await fetch(`${server.baseUrl}/metrics`, { headers: { accessToken: token } })).text();
    expect(metrics).toMatch(/beacon_grpc_connections_refused_total\{reason="total"\} [1-9]/);
    expect(metrics).toMatch(/beacon_grpc_connections_refused_total\{reason="setup-timeout"\} [1-9]/);
    await waitFor(() => /closed gRPC connections: .*total/.test(server.stdout() + server.stderr()), 12_000);
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
