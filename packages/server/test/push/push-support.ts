import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBeaconApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { SseParser, type SseEvent } from '../../../sdk/src/admin/sse-parser.js';

/**
 * A real server in this process on 127.0.0.1, port 0, with a temp data dir, plus the clients the
 * push tests need: a UDP socket acting as a Nacos 1.x push receiver and a raw SSE reader.
 */
export interface TestServer {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-push-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    BEACON_DATA_DIR: dataDir,
    BEACON_LOG_LEVEL: 'error',
    BEACON_AUTH: 'off',
    ...env,
  });
  const app = await createBeaconApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const JAVA_UA = 'Nacos-Java-Client:v1.4.8';

/** A Nacos naming call with every parameter in the query string, as the Node and Java clients send them. */
export async function nacos(
  server: TestServer,
  method: string,
  path: string,
  params: Record<string, string | number | boolean>,
  userAgent = JAVA_UA,
): Promise<{ status: number; text: string }> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`${server.baseUrl}/nacos/v1/ns${path}?${query.toString()}`, {
    method,
    headers: { 'User-Agent': userAgent },
  });
  return { status: response.status, text: await response.text() };
}

export async function register(
  server: TestServer,
  serviceName: string,
  ip: string,
  port: number,
  extra: Record<string, string | number | boolean> = {},
): Promise<void> {
  const { status, text } = await nacos(server, 'POST', '/instance', { serviceName, ip, port, ...extra });
  // 2xx: whether POST answers 200 (as Nacos does) is not what these tests are about.
  if (status < 200 || status > 299) throw new Error(`register failed: ${status} ${text}`);
}

export async function deregister(server: TestServer, serviceName: string, ip: string, port: number): Promise<void> {
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
    server: TestServer,
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
    server: TestServer,
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
export async function revision(server: TestServer): Promise<number> {
  const response = await fetch(`${server.baseUrl}/api/v1/status`);
  return ((await response.json()) as { revision: number }).revision;
}

export async function metricsText(server: TestServer): Promise<string> {
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
