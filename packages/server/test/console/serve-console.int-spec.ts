import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { serveConsole } from '../../src/console/serve-console.js';

const INDEX = '<!doctype html><title>Beacon console</title><div id="root"></div>';

describe('serveConsole with a built console', () => {
  let dir: string;
  let fastify: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("beacon")');
    fastify = Fastify();
    // Stand-ins for the server's own faces and its not-found answer.
    fastify.get('/api/v1/status', () => ({ status: 'UP' }));
    fastify.setNotFoundHandler((request, reply) => reply.code(404).send(`not found: ${request.url}`));
    expect(serveConsole(fastify, dir)).toBe(true);
    base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await fastify?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for the console routes, never cached stale', async () => {
    for (const path of ['/', '/services/DEFAULT_GROUP/orders', '/services?namespace=dev&q=ord']) {
      const response = await fetch(base + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('serves fingerprinted assets for a year, and top-level files as themselves', async () => {
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log("beacon")');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('serves pages and assets with a CSP forbidding framing, nosniff and a Referrer-Policy', async () => {
    for (const path of ['/', '/services/DEFAULT_GROUP/orders', '/assets/index-abc123.js', '/favicon.svg']) {
      const response = await fetch(base + path);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      // Served over plain HTTP on internal ports: upgrading would break every asset.
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
    // The faces' answers do not carry them: Nacos clients have no use for them on every beat.
    expect((await fetch(`${base}/api/v1/status`)).headers.get('content-security-policy')).toBe(null);
  });

  it("leaves the server's paths and missing assets to the server's not-found answer", async () => {
    expect(await (await fetch(`${base}/api/v1/status`)).json()).toEqual({ status: 'UP' });
    for (const path of ['/api/v1/nope', '/nacos/v1/ns/nope', '/metrics', '/assets/missing.js']) {
      const response = await fetch(base + path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toBe(`not found: ${path}`);
    }
  });

  it('does not serve files outside the build', async () => {
    writeFileSync(join(dir, '..', 'beacon-secret.txt'), 'TOP-SECRET-CONTENT');
    try {
      for (const path of ['/..%2fbeacon-secret.txt', '/assets/..%2f..%2fbeacon-secret.txt']) {
        const text = await (await fetch(base + path)).text();
        expect(text, path).not.toContain('TOP-SECRET-CONTENT');
      }
    } finally {
      rmSync(join(dir, '..', 'beacon-secret.txt'), { force: true });
    }
  });
});

describe('serveConsole without a built console', () => {
  it('registers nothing and says so, and the server starts', async () => {
    const fastify = Fastify();
    fastify.setNotFoundHandler((_request, reply) => reply.code(404).send('not found'));
    expect(serveConsole(fastify, join(tmpdir(), 'beacon-no-console-here'))).toBe(false);
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      await fastify.close();
    }
  });
});

describe('the whole server with the console registered', () => {
  let server: InProcessServer | undefined;
  let base: string;

  beforeAll(async () => {
    server = await startInProcessServer();
    base = server.baseUrl;
  });

  afterAll(async () => {
    await server?.close();
  });

  it("keeps the faces' own answers for unknown paths", async () => {
    const api = await fetch(`${base}/api/v1/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    const nacos = await fetch(`${base}/nacos/v1/ns/nope`);
    expect(nacos.status).toBe(501);
    expect(await nacos.text()).toBe('no such api:GET:/nacos/v1/ns/nope');
    expect((await fetch(`${base}/api/v1/status`)).status).toBe(200);
  });

  it("opens the console at Nacos's console addresses", async () => {
    for (const path of ['/nacos', '/nacos/', '/nacos/index.html']) {
      const redirect = await fetch(base + path, { redirect: 'manual' });
      expect(redirect.status, path).toBe(302);
      expect(redirect.headers.get('location'), path).toBe('/');
      const page = await fetch(base + path);
      expect(page.status, path).toBe(200);
      expect(page.url, path).toBe(`${base}/`);
      expect(page.headers.get('content-type'), path).toContain('text/html');
    }
    // Only those: the rest of /nacos/ stays the Nacos face's.
    expect((await fetch(`${base}/nacos/index.htm`)).status).not.toBe(302);
  });
});
