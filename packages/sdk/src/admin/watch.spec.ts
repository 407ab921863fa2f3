import { describe, expect, it } from 'vitest';
import { watchRegistry, type WatchChange, type WatchSnapshot, type WatchState } from './watch.js';

interface Call {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** A stream the test writes SSE text into; `end()` closes it like a server that went away. */
function sseResponse(status = 200, contentType = 'text/event-stream; charset=utf-8') {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status, headers: { 'content-type': contentType } }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

function snapshot(revision: number): string {
  const data: WatchSnapshot = { revision, namespaceId: 'public', services: [] };
  return `event: snapshot\ndata: ${JSON.stringify(data)}\n\n`;
}

function change(revision: number): string {
  const data: WatchChange = {
    revision,
    reason: 'instance.registered',
    namespaceId: 'public',
    serviceName: 'DEFAULT_GROUP@@s',
    service: null,
  };
  return `event: change\nid: ${revision}\ndata: ${JSON.stringify(data)}\n\n`;
}

function setup(responses: (() => Response)[]) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), headers: init!.headers as Record<string, string>, signal: init!.signal! });
    const next = responses.shift();
    if (!next) return new Promise<Response>(() => {}); // hang: no more scripted answers
    return next();
  }) as typeof fetch;
  const snapshots: WatchSnapshot[] = [];
  const changes: WatchChange[] = [];
  const states: WatchState[] = [];
  return { calls, fetchImpl, snapshots, changes, states };
}

describe('watchRegistry', () => {
  it('delivers the snapshot, then the changes, and resumes with Last-Event-ID after the stream ends', async () => {
    const first = sseResponse();
    const second = sseResponse();
    const t = setup([() => first.response, () => second.response]);
    const watch = watchRegistry({
      baseUrl: () => 'http://a:1/',
      namespaceId: 'dev',
      services: ['g@@a', 'g@@b'],
      token: () => 'tok',
      headers: () => ({ 'User-Agent': 'test' }),
      fetch: t.fetchImpl,
      reconnectDelayMs: 5,
      onSnapshot: (s) => t.snapshots.push(s),
      onChange: (c) => t.changes.push(c),
      onState: (s) => t.states.push(s),
    });
    await expect.poll(() => t.calls.length).toBe(1);
    expect(t.calls[0]!.url).toBe('http://a:1/api/v1/watch?namespaceId=dev&services=g%40%40a%2Cg%40%40b');
    expect(t.calls[0]!.headers).toEqual({
      Accept: 'text/event-stream',
      'User-Agent': 'test',
      Authorization: 'Bearer tok',
    });
    first.write(snapshot(7));
    first.write(': keep-alive\n\n');
    first.write(change(8).slice(0, 20));
    first.write(change(8).slice(20));
    await expect.poll(() => t.changes.length).toBe(1);
    expect(t.snapshots.map((s) => s.revision)).toEqual([7]);
    expect(watch.lastRevision).toBe(8);
    first.end();
    await expect.poll(() => t.calls.length).toBe(2);
    expect(t.calls[1]!.headers['Last-Event-ID']).toBe('8');
    second.write(change(9));
    await expect.poll(() => t.changes.map((c) => c.revision)).toEqual([8, 9]);
    expect(t.states).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
    watch.close();
    watch.close();
    expect(t.states.filter((s) => s === 'closed')).toHaveLength(1);
  });

  it('ends and reports a server without the stream (404, 501, or no event stream) when asked to', async () => {
    for (const answer of [
      () => new Response('not found', { status: 404 }),
      () => new Response('no such api', { status: 501 }),
      () => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    ]) {
      const t = setup([answer, answer]);
      const unsupported: number[] = [];
      watchRegistry({
        namespaceId: 'public',
        fetch: t.fetchImpl,
        reconnectDelayMs: 5,
        onSnapshot: () => {},
        onChange: () => {},
        onState: (s) => t.states.push(s),
        onUnsupported: (status) => unsupported.push(status),
      });
      await expect.poll(() => unsupported.length).toBe(1);
      await new Promise((r) => setTimeout(r, 30));
      expect(t.calls).toHaveLength(1);
      expect(t.states).toEqual(['connecting', 'unsupported']);
    }
  });

  it('keeps retrying a 404 when the caller did not ask for detection (the console)', async () => {
    const t = setup([
      () => new Response('', { status: 404 }),
      () => new Response('', { status: 404 }),
      () => sseResponse().response,
    ]);
    const watch = watchRegistry({
      namespaceId: 'public',
      fetch: t.fetchImpl,
      reconnectDelayMs: 5,
      onSnapshot: () => {},
      onChange: () => {},
    });
    await expect.poll(() => t.calls.length).toBe(3);
    watch.close();
  });

  it('reconnects a stream that went silent for longer than the idle timeout', async () => {
    const silent = sseResponse();
    const next = sseResponse();
    const t = setup([() => silent.response, () => next.response]);
    const watch = watchRegistry({
      namespaceId: 'public',
      fetch: t.fetchImpl,
      reconnectDelayMs: 5,
      idleTimeoutMs: 50,
      onSnapshot: (s) => t.snapshots.push(s),
      onChange: () => {},
    });
    silent.write(snapshot(3));
    await expect.poll(() => t.snapshots.length).toBe(1);
    await expect.poll(() => t.calls.length, { timeout: 2000 }).toBe(2);
    expect(t.calls[0]!.signal.aborted).toBe(true);
    expect(t.calls[1]!.headers['Last-Event-ID']).toBe('3');
    watch.close();
    expect(t.calls[1]!.signal.aborted).toBe(true);
  });

  it('stops for good on close, even while waiting to reconnect', async () => {
    const t = setup([() => new Response('', { status: 500 })]);
    const watch = watchRegistry({
      namespaceId: 'public',
      fetch: t.fetchImpl,
      reconnectDelayMs: 400,
      onSnapshot: () => {},
      onChange: () => {},
      onState: (s) => t.states.push(s),
    });
    await expect.poll(() => t.states.includes('reconnecting')).toBe(true);
    watch.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(t.calls).toHaveLength(1);
    expect(t.states.at(-1)).toBe('closed');
  });
});
