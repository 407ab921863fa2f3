/**
 * A bare @grpc/grpc-js client of the Nacos 2.x wire, for what no real client sends: malformed
 * payloads, unknown types, missing parameters, silence when asked to answer.
 */
import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { loadNacosServices } from '../../../src/grpc/nacos-proto.js';
import type { WirePayload } from '../../../src/grpc/payload.js';

export interface Decoded {
  readonly type: string;
  readonly body: Record<string, unknown>;
}

export function payload(type: string, body: unknown, headers: Record<string, string> = {}): WirePayload {
  const value = typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
  return { metadata: { type, clientIp: '127.0.0.1', headers }, body: { type_url: '', value } };
}

export function decoded(p: WirePayload): Decoded {
  const bytes = p.body?.value ?? new Uint8Array();
  return { type: p.metadata?.type ?? '', body: JSON.parse(Buffer.from(bytes).toString('utf8') || '{}') };
}

type Unary = (p: WirePayload, callback: (error: Error | null, response?: WirePayload) => void) => void;

/** One client = one HTTP/2 connection (its own subchannel pool), as one Nacos client process. */
export class RawClient {
  private readonly unary: Client & { request: Unary };
  private readonly bi: Client & { requestBiStream: () => ClientDuplexStream<WirePayload, WirePayload> };
  stream: ClientDuplexStream<WirePayload, WirePayload> | undefined;
  /** Server requests that came down the stream. */
  readonly received: Decoded[] = [];
  /** Whether server requests are answered (client detection, pushes). */
  answering = true;
  ended = false;
  /** The gRPC status the stream ended with (OK = 0), once it ended. */
  endStatus: number | undefined;

  constructor(port: number) {
    const services = loadNacosServices();
    const options = { 'grpc.use_local_subchannel_pool': 1 };
    const RequestClient = makeGenericClientConstructor(services.request, 'Request');
    const BiClient = makeGenericClientConstructor(services.biRequestStream, 'BiRequestStream');
    this.unary = new RequestClient(`127.0.0.1:${port}`, credentials.createInsecure(), options) as never;
    // The same channel for both services: one transport, as real clients have.
    this.bi = new BiClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
      ...options,
      channelOverride: this.unary.getChannel(),
    }) as never;
  }

  request(type: string, body: unknown, headers: Record<string, string> = {}): Promise<Decoded> {
    return this.send(payload(type, body, headers));
  }

  send(p: WirePayload): Promise<Decoded> {
    return new Promise((resolve, reject) => {
      this.unary.request(p, (error, response) => (error ? reject(error) : resolve(decoded(response!))));
    });
  }

  /** Opens the stream and sends ConnectionSetupRequest; resolves once the server knows it. */
  async connect(
    tenant = 'public',
    labels: Record<string, string> = { module: 'naming' },
    /** More ConnectionSetupRequest fields, e.g. a Java 2.3 client's `abilityTable`. */
    setup: Record<string, unknown> = {},
  ): Promise<void> {
    const stream = this.bi.requestBiStream();
    this.stream = stream;
    stream.on('data', (p: WirePayload) => {
      const message = decoded(p);
      this.received.push(message);
      if (this.answering && message.type.endsWith('Request')) {
        const responseType = message.type.replace(/Request$/, 'Response');
        stream.write(payload(responseType, { resultCode: 200, errorCode: 0, requestId: message.body['requestId'] }));
      }
    });
    stream.on('end', () => (this.ended = true));
    stream.on('error', () => (this.ended = true));
    stream.on('status', (s: { code: number }) => (this.endStatus = s.code));
    stream.write(payload('ConnectionSetupRequest', { clientVersion: 'raw-test', tenant, labels, ...setup }));
    // The setup is processed when a health check (which needs it) passes.
    for (let i = 0; i < 50; i++) {
      const health = await this.request('HealthCheckRequest', {});
      if (health.type === 'HealthCheckResponse') return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('connection setup was not accepted');
  }

  /** The first server request of this type that came down the stream, waiting up to `ms` for it. */
  async nextReceived(type: string, ms = 2000): Promise<Decoded | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find((m) => m.type === type);
      if (found || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resolves once the stream has ended (status received), or after `ms`. */
  async streamEnded(ms = 2000): Promise<number | undefined> {
    const deadline = Date.now() + ms;
    while (this.endStatus === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.endStatus;
  }

  close(): void {
    this.stream?.cancel();
    this.unary.close();
    this.bi.close();
  }
}
