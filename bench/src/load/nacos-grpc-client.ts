import { join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  type Client,
  type ClientDuplexStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

interface WirePayload {
  metadata?: { type?: string; clientIp?: string; headers?: Record<string, string> } | null;
  body?: { type_url?: string; value?: Uint8Array } | null;
}

type Unary = (p: WirePayload, callback: (error: Error | null, response?: WirePayload) => void) => void;

let services: { request: ServiceDefinition; bi: ServiceDefinition } | undefined;

function nacosServices(repoRoot: string): { request: ServiceDefinition; bi: ServiceDefinition } {
  if (!services) {
    const definition = loadSync(join(repoRoot, 'packages/server/proto/nacos_grpc_service.proto'), {
      keepCase: true,
      defaults: true,
    });
    const root = loadPackageDefinition(definition) as unknown as Record<string, { service: ServiceDefinition }>;
    services = { request: root['Request']!.service, bi: root['BiRequestStream']!.service };
  }
  return services;
}

function payload(type: string, body: object, headers: Record<string, string> = {}): WirePayload {
  return { metadata: { type, clientIp: '127.0.0.1', headers }, body: { value: Buffer.from(JSON.stringify(body)) } };
}

function parse(p: WirePayload | undefined): { type: string; body: Record<string, unknown> } {
  const bytes = p?.body?.value ?? new Uint8Array();
  return { type: p?.metadata?.type ?? '', body: JSON.parse(Buffer.from(bytes).toString('utf8') || '{}') };
}

/**
 * One Nacos 2.x client connection, as lean as the bench needs: its own HTTP/2 transport, the
 * setup on the bi-stream, server requests (client detection, pushes) answered, and unary calls.
 * It behaves like the SDKs on the wire; it is not one.
 */
export class NacosGrpcClient {
  private readonly unary: Client & { request: Unary };
  private readonly stream: ClientDuplexStream<WirePayload, WirePayload>;
  private nextId = 0;
  /** Sent on every request, as the SDKs send a logged-in user's token (auth on). */
  private readonly headers: Record<string, string>;
  /** Called with the body of every NotifySubscriberRequest pushed down the stream. */
  onPush: ((body: Record<string, unknown>) => void) | undefined;

  private constructor(repoRoot: string, port: number, accessToken: string | undefined) {
    this.headers = accessToken === undefined ? {} : { accessToken };
    const { request, bi } = nacosServices(repoRoot);
    const options = { 'grpc.use_local_subchannel_pool': 1 };
    const RequestClient = makeGenericClientConstructor(request, 'Request');
    const BiClient = makeGenericClientConstructor(bi, 'BiRequestStream');
    this.unary = new RequestClient(`127.0.0.1:${port}`, credentials.createInsecure(), options) as never;
    const biClient = new BiClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
      ...options,
      channelOverride: this.unary.getChannel(),
    }) as unknown as Client & { requestBiStream: () => ClientDuplexStream<WirePayload, WirePayload> };
    this.stream = biClient.requestBiStream();
    this.stream.on('data', (p: WirePayload) => {
      const message = parse(p);
      if (!message.type.endsWith('Request')) return;
      if (message.type === 'NotifySubscriberRequest') this.onPush?.(message.body);
      this.stream.write(
        payload(message.type.replace(/Request$/, 'Response'), {
          resultCode: 200,
          errorCode: 0,
          requestId: message.body['requestId'],
        }),
      );
    });
    this.stream.on('error', () => undefined);
  }

  static async connect(repoRoot: string, port: number, accessToken?: string): Promise<NacosGrpcClient> {
    const client = new NacosGrpcClient(repoRoot, port, accessToken);
    client.stream.write(
      payload(
        'ConnectionSetupRequest',
        { clientVersion: 'beacon-bench', tenant: 'public', labels: { module: 'naming' } },
        client.headers,
      ),
    );
    for (let i = 0; i < 100; i++) {
      if ((await client.call('HealthCheckRequest', {})).type === 'HealthCheckResponse') return client;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the server did not accept the connection');
  }

  async call(type: string, body: object): Promise<{ type: string; body: Record<string, unknown> }> {
    const response = await new Promise<WirePayload>((resolve, reject) =>
      this.unary.request(payload(type, { ...body, requestId: String(++this.nextId) }, this.headers), (error, r) =>
        error ? reject(error) : resolve(r!),
      ),
    );
    return parse(response);
  }

  /** BatchInstanceRequest: everything this connection publishes for one service. */
  async batchRegister(serviceName: string, instances: { ip: string; port: number }[]): Promise<void> {
    const reply = await this.call('BatchInstanceRequest', {
      type: 'batchRegisterInstance',
      namespace: 'public',
      serviceName,
      groupName: 'DEFAULT_GROUP',
      instances: instances.map((i) => ({
        ...i,
        weight: 1,
        healthy: true,
        enabled: true,
        ephemeral: true,
        metadata: {},
      })),
    });
    if (reply.body['resultCode'] !== 200) throw new Error(`batch register failed: ${JSON.stringify(reply.body)}`);
  }

  close(): void {
    this.stream.cancel();
    this.unary.close();
  }
}
