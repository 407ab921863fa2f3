import { createSocket, type Socket } from 'node:dgram';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

export type { InProcessServer };

/**
 * What the push tests need around the shared test server: a UDP socket acting as a Nacos 1.x
 * push receiver, a raw reader of the watch stream, and a few calls.
 */
export function startServer(env: Record<string, string> = {}): Promise<InProcessServer> {
  return startInProcessServer({ env: { BEACON_AUTH: 'off', ...env } });
}

export const JAVA_UA = 'Nacos-Java-Client:v1.4.8';

/** A Nacos naming call with every parameter in the query string, as the Node and Java clients send them. */
export async function nacos(
  server: InProcessServer,
  method: string,
  path: string,
  params: Record<string, string | number | boolean>,
  userAgent = JAVA_UA,
): Promise<{ status: number; text: string }> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) query.set(k, String(v));
  const response = await fetch(`${server.baseUrl}/nacos/v1/ns${path}?${query.toString()}`, {
    method,
    headers: { 'User-Agent': userAgent },
  });
  return { status: response.status, text: await response.text() };
}

export async function register(
  server: InProcessServer,
  serviceName: string,
  ip: string,
  port: number,
  extra: Record<string, string | number | boolean> = {},
): Promise<void> {
  const { status, text } = await nacos(server, 'POST', '/instance', { serviceName, ip, port, ...extra });
  // 2xx: whether POST answers 200 (as Nacos does) is not what these tests are about.
  if (status < 200 || status > 299) throw new Error(`register failed: ${status} ${text}`);
}

export async function deregister(
  server: InProcessServer,
  serviceName: string,
  ip: string,
  port: number,
): Promise<void> {
  const { status, text } = await nacos(server, 'DELETE', '/instance', { serviceName, ip, port });
  if (status !== 200) throw new Error(`deregister failed: ${status} ${text}`);
}

export interface PushPacket {
  readonly type: string;
  readonly data: string;
  readonly lastRefTime: number;
  /** The ServiceInfo parsed from `data`. */
  readonly info: { name: string; clusters: string; hosts: { ip: string; port: number; healthy: boolean }[] };
  readonly gzipped: boolean;
  readonly bytes: number;
  readonly from: { address: string; port: number };
  readonly receivedAt: number;
}

/** A UDP socket doing what a Nacos 1.x PushReceiver does, with the ack under the test's control. */
export class UdpReceiver {
  readonly packets: PushPacket[] = [];
  private waiters: { match: (p: PushPacket) => boolean; resolve: (p: PushPacket) => void }[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly ackMode: 'number' | 'string' | 'none',
  ) {
    socket.on('message', (message, remote) => {
      const gzipped = message[0] === 0x1f && message[1] === 0x8b;
      const raw = JSON.parse((gzipped ? gunzipSync(message) : message).toString('utf8')) as Omit<
        PushPacket,
        'info' | 'gzipped' | 'bytes' | 'from' | 'receivedAt'
      >;
      const packet: PushPacket = {
        ...raw,
        info: JSON.parse(raw.data) as PushPacket['info'],
        gzipped,
        bytes: message.length,
        from: { address: remote.address, port: remote.port },
        receivedAt: performance.now(),
      };
      this.packets.push(packet);
      if (this.ackMode !== 'none') this.ack(packet, this.ackMode);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(packet)) return true;
        w.resolve(packet);
        return false;
      });
    });
  }

  static async open(ackMode: 'number' | 'string' | 'none' = 'number', address = '127.0.0.1'): Promise<UdpReceiver> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind({ port: 0, address }, resolve));
    return new UdpReceiver(socket, socket.address().port, ackMode);
  }

  /** Acks like Node (number) or like Java and Go (string). */
  ack(packet: PushPacket, as: 'number' | 'string'): void {
    const lastRefTime = as === 'number' ? packet.lastRefTime : String(packet.lastRefTime);
    this.socket.send(
      JSON.stringify({ type: 'push-ack', lastRefTime, data: '' }),
      packet.from.port,
      packet.from.address,
    );
  }

  /** The next packet (from now on) that matches, or a rejection after `timeoutMs`. */
  next(match: (p: PushPacket) => boolean = () => true, timeoutMs = 5000): Promise<PushPacket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching push within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** Polls `/instance/list` as a push-capable client would: this registers or refreshes the target. */
  async poll(
    server: InProcessServer,
    serviceName: string,
    clusters = '',
    userAgent = JAVA_UA,
    clientIP = '127.0.0.1',
  ): Promise<{ cacheMillis: number; hosts: unknown[] }> {
    const { status, text } = await nacos(
      server,
      'GET',
      '/instance/list',
      { serviceName, clusters, udpPort: this.port, clientIP, healthyOnly: false },
      userAgent,
    );
    if (status !== 200) throw new Error(`list failed: ${status} ${text}`);
    return JSON.parse(text) as { cacheMillis: number; hosts: unknown[] };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** Just enough of the text/event-stream format for these tests: `\n` line ends, one data line per event. */
class SseParser {
  private buffer = '';

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(': ');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2));
      }
      const data = fields.get('data');
      if (data !== undefined) events.push({ event: fields.get('event') ?? 'message', data, id: fields.get('id') });
    }
    return events;
  }
}

/** A raw reader of `/api/v1/watch`: events as parsed, plus the raw text (comments included). */
export class SseReader {
  readonly events: SseEvent[] = [];
  raw = '';
  /** Id of the last event received, without parsing its data. */
  lastId: number | undefined;
  ended = false;
  private waiters: { match: () => boolean; resolve: () => void }[] = [];

  private constructor(
    readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    const parser = new SseParser();
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.raw += chunk;
      for (const event of parser.push(chunk)) {
        this.events.push(event);
        if (event.id !== undefined) this.lastId = Number(event.id);
      }
      this.check();
    });
    const end = () => {
      this.ended = true;
      this.check();
    };
    response.on('end', end);
    response.on('close', end);
    response.on('error', end);
  }

  static open(
    server: InProcessServer,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ): Promise<SseReader> {
    const path = `/api/v1/watch?${new URLSearchParams(query).toString()}`;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path, headers: { Accept: 'text/event-stream', ...headers } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`watch answered ${res.statusCode}`));
          else resolve(new SseReader(req, res));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  changes(): { id: number; data: { revision: number; reason: string; serviceName: string; service: unknown } }[] {
    return this.events
      .filter((e) => e.event === 'change')
      .map((e) => ({ id: Number(e.id), data: JSON.parse(e.data) as never }));
  }

  snapshots(): { revision: number; services: { name: string; groupName: string }[] }[] {
    return this.events.filter((e) => e.event === 'snapshot').map((e) => JSON.parse(e.data) as never);
  }

  /** Resolves once `condition` holds, checked on every chunk. */
  until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch condition not met within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    this.request.destroy();
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.match()) return true;
      w.resolve();
      return false;
    });
  }
}

/** Current registry revision, from the native API. */
export async function revision(server: InProcessServer): Promise<number> {
  const response = await fetch(`${server.baseUrl}/api/v1/status`);
  return ((await response.json()) as { revision: number }).revision;
}

export async function metricsText(server: InProcessServer): Promise<string> {
  const response = await fetch(`${server.baseUrl}/metrics`);
  return response.text();
}

/** The value of one sample line of the Prometheus text, e.g. `beacon_push_acked_total{channel="udp"}`. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
