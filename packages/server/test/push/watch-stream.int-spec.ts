import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '@beacon/core';
import { WatchHub } from '../support/built-internals.js';
import {
  delay,
  deregister,
  metricsText,
  nacos,
  register,
  revision,
  sample,
  SseReader,
  startServer,
  type InProcessServer,
} from './push-support.js';

const BACKLOG_LIMIT = 64 * 1024;

describe('watch stream (/api/v1/watch)', () => {
  let server: InProcessServer;
  const readers: SseReader[] = [];
  const open = async (query: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(server, query, headers);
    readers.push(reader);
    return reader;
  };

  beforeAll(async () => {
    server = await startServer({
      BEACON_PUSH_COALESCE_MS: '10',
      BEACON_WATCH_KEEPALIVE_MS: '200',
      BEACON_WATCH_BACKLOG_BYTES: String(BACKLOG_LIMIT),
    });
  });

  afterEach(() => {
    for (const r of readers.splice(0)) r.close();
  });

  afterAll(async () => {
    await server.close();
  });

  it('sends a snapshot, then the changes in revision order, at most one per service per window', async () => {
    await register(server, 'DEFAULT_GROUP@@watch-order', '10.1.0.1', 80);
    const reader = await open({ namespaceId: 'public' });
    await reader.until(() => reader.snapshots().length === 1);
    const snapshot = reader.snapshots()[0]!;
    expect(snapshot.revision).toBe(await revision(server));
    expect(snapshot.services.map((s) => s.name)).toContain('watch-order');
    expect(reader.events[0]?.event).toBe('snapshot');

    await register(server, 'DEFAULT_GROUP@@watch-order', '10.1.0.2', 80);
    await nacos(server, 'PATCH', '/instance', {
      serviceName: 'DEFAULT_GROUP@@watch-order',
      ip: '10.1.0.2',
      port: 80,
      metadata: JSON.stringify({ v: '2' }),
    });
    await deregister(server, 'DEFAULT_GROUP@@watch-order', '10.1.0.1', 80);
    await nacos(server, 'DELETE', '/instance', { serviceName: 'DEFAULT_GROUP@@watch-order', ip: '10.1.0.2', port: 80 });
    await nacos(server, 'DELETE', '/service', { serviceName: 'DEFAULT_GROUP@@watch-order' });
    const last = await revision(server);
    await reader.until(() => reader.lastId === last);

    const changes = reader.changes();
    // Revisions after the snapshot, in order, each at most once; the SSE id is the revision. Each
    // event carries the whole service, so changes within one window come as its last one.
    const ids = changes.map((c) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    expect(ids.every((id, i) => id > (i === 0 ? snapshot.revision : ids[i - 1]!))).toBe(true);
    expect(ids.at(-1)).toBe(last);
    expect(changes.every((c) => c.id === c.data.revision)).toBe(true);
    expect(changes.at(-1)?.data.reason).toBe('service.deleted');
    expect(changes.at(-1)?.data.service).toBeNull();
  });

  it('streams only the chosen services when asked', async () => {
    const reader = await open({ services: 'DEFAULT_GROUP@@watch-a,watch-c' });
    await reader.until(() => reader.snapshots().length === 1);
    await register(server, 'DEFAULT_GROUP@@watch-b', '10.2.0.1', 80);
    await register(server, 'DEFAULT_GROUP@@watch-a', '10.2.0.1', 80);
    await register(server, 'DEFAULT_GROUP@@watch-c', '10.2.0.1', 80);
    await reader.until(() => reader.changes().some((c) => c.data.serviceName === 'DEFAULT_GROUP@@watch-c'));
    expect(reader.changes().map((c) => c.data.serviceName)).toEqual([
      'DEFAULT_GROUP@@watch-a',
      'DEFAULT_GROUP@@watch-c',
    ]);
  });

  it('resumes with Last-Event-ID without losing or repeating a change', async () => {
    const service = 'DEFAULT_GROUP@@watch-resume';
    const first = await open();
    await first.until(() => first.snapshots().length === 1);
    await register(server, service, '10.3.0.1', 80);
    await first.until(() => first.changes().length === 1);
    const lastSeen = first.changes()[0]!.id;
    first.close();

    // Changes while disconnected.
    for (let i = 2; i <= 6; i++) await register(server, service, `10.3.0.${i}`, 80);
    const missedUpTo = await revision(server);

    const resumed = await open({}, { 'Last-Event-ID': String(lastSeen) });
    // The replay first: a change made before it is built would come inside it, under a later revision.
    await resumed.until(() => resumed.changes().length >= 1);
    await register(server, service, '10.3.0.7', 80);
    const latest = await revision(server);
    await resumed.until(() => resumed.lastId === latest);
    expect(resumed.snapshots()).toHaveLength(0);
    expect(resumed.raw.startsWith(': resumed')).toBe(true);
    // What was missed comes as the service's state now, once, under its latest revision; then the new change.
    const changes = resumed.changes();
    expect(changes[0]!.id).toBeGreaterThan(lastSeen);
    expect(changes[0]!.id).toBeLessThanOrEqual(missedUpTo);
    expect(changes.at(-1)?.id).toBe(latest);
    expect(changes.every((c, i) => i === 0 || c.id > changes[i - 1]!.id)).toBe(true);
    const hosts = (c: (typeof changes)[number]) =>
      (c.data.service as { clusters: { instances: { ip: string }[] }[] }).clusters.flatMap((k) =>
        k.instances.map((i) => i.ip),
      );
    expect(hosts(changes[0]!).sort()).toEqual(['10.3.0.1', '10.3.0.2', '10.3.0.3', '10.3.0.4', '10.3.0.5', '10.3.0.6']);
    expect(hosts(changes.at(-1)!)).toHaveLength(7);
    expect(missedUpTo).toBeLessThan(latest);
    const text = await metricsText(server);
    expect(sample(text, 'beacon_watch_resumes_total{result="replay"}')).toBeGreaterThanOrEqual(1);
  });

  it('sends a fresh snapshot when the history no longer reaches back, or the id is from another server life', async () => {
    // The public namespace's history began when the first stream of this suite connected.
    const fromBeforeHistory = await open({}, { 'Last-Event-ID': '0' });
    const fromTheFuture = await open({}, { 'Last-Event-ID': String((await revision(server)) + 1000) });
    const garbage = await open({}, { 'Last-Event-ID': 'not-a-number' });
    for (const reader of [fromBeforeHistory, fromTheFuture, garbage]) {
      await reader.until(() => reader.snapshots().length === 1);
      expect(reader.events[0]?.event).toBe('snapshot');
    }
  });

  it('keeps idle streams alive with comments', async () => {
    const reader = await open({ namespaceId: 'quiet-namespace' });
    await reader.until(() => reader.raw.includes(': keep-alive'), 2000);
    expect(reader.snapshots()[0]?.services).toEqual([]);
  });

  it('counts watchers as subscribers of the services they see', async () => {
    const service = 'DEFAULT_GROUP@@watch-subscribed';
    await register(server, service, '10.4.0.1', 80);
    const reader = await SseReader.open(server, { services: service }, { 'User-Agent': 'beacon-console-test' });
    readers.push(reader);
    await reader.until(() => reader.snapshots().length === 1);
    const { text } = await nacos(server, 'GET', '/service/subscribers', { serviceName: service });
    const body = JSON.parse(text) as { subscribers: { agent: string; ip: string; addrStr: string }[]; count: number };
    expect(body.subscribers).toContainEqual(
      expect.objectContaining({
        agent: 'beacon-console-test',
        ip: '127.0.0.1',
        namespaceId: 'public',
        serviceName: service,
      }),
    );
    reader.close();
    await until(async () => {
      const after = JSON.parse((await nacos(server, 'GET', '/service/subscribers', { serviceName: service })).text);
      return !after.subscribers.some((s: { agent: string }) => s.agent === 'beacon-console-test');
    });
  });

  it('ends open streams when the server shuts down', async () => {
    const other = await startServer();
    const reader = await SseReader.open(other);
    await reader.until(() => reader.snapshots().length === 1);
    await other.close();
    await reader.until(() => reader.ended, 2000);
  });

  it('refuses an invalid service name', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/watch?services=${encodeURIComponent('@@bad')}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('sends a burst of changes of one service as one event with its last state', async () => {
    const service = 'DEFAULT_GROUP@@watch-burst';
    const metadata = JSON.stringify({ blob: 'y'.repeat(1024) });
    for (let i = 1; i <= 20; i++) await register(server, service, `10.7.0.${i}`, 80, { metadata });
    const reader = await open({ services: service });
    await reader.until(() => reader.snapshots().length === 1);

    // Ten changes in one tick: one event of ~25 KiB, not ten.
    const registry = server.app.get(Registry);
    for (let n = 0; n < 10; n++) {
      registry.patchInstance({
        namespaceId: 'public',
        serviceName: service,
        clusterName: 'DEFAULT',
        ip: '10.7.0.1',
        port: 80,
        metadata: { blob: 'y'.repeat(1024), n: String(n) },
      });
    }
    const burstEnd = registry.currentRevision;
    await reader.until(() => reader.lastId === burstEnd);
    expect(reader.changes().map((c) => c.id)).toEqual([burstEnd]);
    expect(JSON.stringify(reader.changes()[0]?.data.service)).toContain('"n":"9"');

    // ...and carries on with single changes.
    await register(server, service, '10.7.0.99', 80);
    await reader.until(() => reader.lastId === burstEnd + 1);
    expect(reader.changes().map((c) => c.id)).toEqual([burstEnd, burstEnd + 1]);
    expect(reader.ended).toBe(false);
  });

  it('never cuts off a reader that keeps up, even when one event is larger than the limit', async () => {
    const large = 'DEFAULT_GROUP@@watch-large';
    const small = 'DEFAULT_GROUP@@watch-small';
    const services = `${large},${small}`;
    // About 90 KiB per event of the large service, over the 64 KiB limit.
    const blob = 'z'.repeat(4096);
    for (let i = 1; i <= 22; i++)
      await register(server, large, `10.8.0.${i}`, 80, { metadata: JSON.stringify({ blob }) });
    const first = await open({ services });
    await first.until(() => first.snapshots().length === 1);
    await register(server, small, '10.8.1.1', 80);
    await first.until(() => first.changes().length === 1);
    first.close();
    // Resumed with Last-Event-ID (a small replay), then the large service churns; the reader reads
    // everything, so nothing stays unsent and it must not be judged slow.
    const resumed = await open({ services }, { 'Last-Event-ID': String(first.lastId) });
    await resumed.until(() => resumed.raw.startsWith(': resumed'));
    for (let n = 0; n < 10; n++) {
      await nacos(server, 'PATCH', '/instance', {
        serviceName: large,
        ip: '10.8.0.1',
        port: 80,
        metadata: JSON.stringify({ blob, n: String(n) }),
      });
      await delay(15);
    }
    const latest = await revision(server);
    await resumed.until(() => resumed.lastId === latest, 10_000);
    expect(JSON.stringify(resumed.changes().at(-1)?.data).length).toBeGreaterThan(BACKLOG_LIMIT);
    expect(resumed.ended).toBe(false);
    expect(sample(await metricsText(server), 'beacon_watch_disconnects_total{reason="slow"}') ?? 0).toBe(0);
  });

  it('cuts off a reader that stops reading before its backlog passes the limit', async () => {
    const hub = server.app.get(WatchHub);
    const service = 'DEFAULT_GROUP@@watch-slow';
    // Each change event carries the whole service: 40 instances of 4 KiB metadata, about 170 KiB.
    const blob = 'x'.repeat(4096);
    for (let i = 1; i <= 40; i++) {
      await register(server, service, `10.6.0.${i}`, 80, { metadata: JSON.stringify({ blob }) });
    }

    const healthy = await open({ services: service });
    await healthy.until(() => healthy.snapshots().length === 1);
    const stalled = await stalledReader(server.port, `/api/v1/watch?services=${encodeURIComponent(service)}`);
    const stream = hub.watchersOf('public', service).find((w) => w.client.port === stalled.localPort);
    expect(stream).toBeDefined();
    // The configured limit, or twice the stream's snapshot if that is larger (a big snapshot takes a while to read).
    expect(stream!.backlogLimit).toBeGreaterThanOrEqual(BACKLOG_LIMIT);

    // One change per coalescing window, until the kernel's socket buffers are full and the server
    // has to hold (or drop) the rest.
    let peakBacklog = 0;
    let overLimit = -Infinity;
    const deadline = performance.now() + 30_000;
    for (let n = 0; !stream!.closed && performance.now() < deadline; n++) {
      await nacos(server, 'PATCH', '/instance', {
        serviceName: service,
        ip: '10.6.0.1',
        port: 80,
        metadata: JSON.stringify({ blob, n: String(n) }),
      });
      peakBacklog = Math.max(peakBacklog, stream!.backlog);
      overLimit = Math.max(overLimit, stream!.backlog - stream!.backlogLimit);
      await delay(15);
    }
    expect(stream!.closed).toBe(true);
    // The server held at most the limit and one event for it, then let go.
    expect(peakBacklog).toBeGreaterThan(0);
    expect(overLimit).toBeLessThanOrEqual(200 * 1024);
    expect(hub.watchersOf('public', service)).not.toContain(stream);
    const text = await metricsText(server);
    expect(sample(text, 'beacon_watch_disconnects_total{reason="slow"}')).toBe(1);

    // The healthy reader got every change and was not cut off.
    const latest = await revision(server);
    await healthy.until(() => healthy.lastId === latest, 15_000);
    expect(healthy.ended).toBe(false);
    stalled.destroy();
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await delay(20);
  }
}

/** Opens a watch over a raw socket, reads the response head, then stops reading altogether. */
function stalledReader(port: number, path: string): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    });
    socket.once('data', (chunk) => {
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 200')) reject(new Error('watch refused'));
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined);
  });
}
