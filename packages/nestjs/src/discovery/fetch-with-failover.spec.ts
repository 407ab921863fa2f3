import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Instance } from '@beacon/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anInstance } from '../../test/support/instances.js';
import { fetchWithFailover, NoInstanceAvailableError, urlOf } from './fetch-with-failover.js';

function instance(port: number, weight = 1, ip = '127.0.0.1'): Instance {
  return anInstance(ip, { port, weight });
}

/** Real sockets: a live instance, a port nobody listens on, and one that drops every connection. */
let live: Server;
let livePort: number;
let deadPort: number;
let dropping: ReturnType<typeof createTcpServer>;
let droppingPort: number;
const received: string[] = [];

beforeAll(async () => {
  live = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.end(`hello from ${livePort}`);
    });
  });
  await new Promise<void>((r) => live.listen(0, '127.0.0.1', r));
  livePort = (live.address() as AddressInfo).port;
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  dropping = createTcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  await new Promise<void>((r) => dropping.listen(0, '127.0.0.1', r));
  droppingPort = (dropping.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => live.close(r));
  await new Promise((r) => dropping.close(r));
});

/** random() = 0 picks the first candidate, so the dead one is always tried first. */
const deps = { fetch: globalThis.fetch, random: () => 0 };

describe('fetchWithFailover', () => {
  it('retries once on another instance when the connection is refused, with the same request', async () => {
    received.length = 0;
    const response = await fetchWithFailover(
      'greeter',
      [instance(deadPort), instance(livePort)],
      '/hello?x=1',
      {
        method: 'POST',
        body: 'ping',
      },
      deps,
    );
    expect(await response.text()).toBe(`hello from ${livePort}`);
    expect(received).toEqual(['POST /hello?x=1 ping']);
  });

  it('retries an idempotent request when the connection breaks, but never a POST that may have arrived', async () => {
    const candidates = [instance(droppingPort), instance(livePort)];
    const response = await fetchWithFailover('greeter', candidates, '/hello', { method: 'GET' }, deps);
    expect(response.status).toBe(200);
    await expect(
      fetchWithFailover('greeter', candidates, '/hello', { method: 'POST', body: 'x' }, deps),
    ).rejects.toThrow('fetch failed');
  });

  it('tries two instances at most and rethrows the last failure', async () => {
    let calls = 0;
    const counting = {
      random: () => 0,
      fetch: ((...args: Parameters<typeof fetch>) => (calls++, fetch(...args))) as typeof fetch,
    };
    const all = [instance(deadPort, 1), instance(deadPort, 1, '127.0.0.2'), instance(deadPort, 1, '127.0.0.3')];
    await expect(fetchWithFailover('greeter', all, '/', {}, counting)).rejects.toThrow('fetch failed');
    expect(calls).toBe(2);
  });

  it('returns an HTTP error answer as it is: the instance was reached', async () => {
    const failing = { random: () => 0, fetch: (async () => new Response('busy', { status: 503 })) as typeof fetch };
    const response = await fetchWithFailover('greeter', [instance(1), instance(2)], '/', {}, failing);
    expect(response.status).toBe(503);
  });

  it('does not retry a request the caller aborted, or a streamed body it cannot send twice', async () => {
    const aborted = AbortSignal.abort();
    await expect(
      fetchWithFailover('greeter', [instance(deadPort), instance(livePort)], '/', { signal: aborted }, deps),
    ).rejects.toThrow();
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('x')), c.close()) });
    await expect(
      fetchWithFailover(
        'greeter',
        [instance(deadPort), instance(livePort)],
        '/',
        {
          method: 'PUT',
          body: stream,
          duplex: 'half',
        } as RequestInit,
        deps,
      ),
    ).rejects.toThrow('fetch failed');
  });

  it('fails clearly without candidates or with a relative path', async () => {
    await expect(fetchWithFailover('greeter', [], '/', {}, deps)).rejects.toThrow(NoInstanceAvailableError);
    await expect(fetchWithFailover('greeter', [], '/', {}, deps)).rejects.toThrow("no healthy instance of 'greeter'");
    await expect(fetchWithFailover('greeter', [instance(livePort)], 'hello', {}, deps)).rejects.toThrow(
      "path must start with '/'",
    );
  });
});

describe('urlOf', () => {
  it('brackets IPv6 addresses and honours secure metadata', () => {
    expect(urlOf(instance(80, 1, '::1'), '/a')).toBe('http://[::1]:80/a');
    expect(urlOf({ ...instance(443), metadata: { secure: 'true' } }, '/a')).toBe('https://127.0.0.1:443/a');
  });
});
