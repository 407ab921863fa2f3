import { Logger } from '@nestjs/common';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { AcceptGuard, type AcceptLimits, type AcceptRefusal } from '../net/accept-guard.js';
import type { GrpcAccess } from './access.js';
import { GrpcConnection, type ConnectionRights } from './connection.js';
import { splitPeer, type Connections } from './connections.js';
import { setupNamespace } from './naming-requests.js';
import { loadNacosServices } from './nacos-proto.js';
import {
  decodePayload,
  encodePayload,
  headerOf,
  MalformedPayload,
  stringRecord,
  type Message,
  type WirePayload,
} from './payload.js';
import type { RequestHandler } from './request-handlers.js';
import { SERVER_ABILITIES, wantsAbilities } from './server-abilities.js';
import { ErrorCode, failure, failureOf, refusal, success, type Reply } from './responses.js';

export interface GrpcGuardEvents {
  /** A connection closed at accept, at its setup deadline, or for an oversized setup. */
  refused(reason: AcceptRefusal | 'oversized-setup', ip: string): void;
  /** A set-up connection cut off because it left too much unsent (it reads too slowly). */
  cutOff(): void;
}

export interface GrpcServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest message accepted from a client, in bytes; larger ones are refused by grpc-js. */
  readonly maxMessageBytes: number;
  /** Connection caps and the setup deadline, enforced where connections are accepted. */
  readonly limits: AcceptLimits;
  /** HTTP/2 streams (calls) one connection may have open at once. */
  readonly maxConcurrentStreams: number;
  /** Told of each connection the guard closes (for the log and metrics). */
  readonly guardEvents: GrpcGuardEvents;
  readonly now: () => number;
}

/**
 * The Nacos 2.x transport: `Request/request` answers one payload with one payload;
 * `BiRequestStream/requestBiStream` is the connection itself. A client opens the stream and sends
 * its ConnectionSetupRequest; from then on its unary requests are served, and its instances live
 * until the stream ends.
 */
export class NacosGrpcServer {
  private readonly logger = new Logger('Grpc');
  private server: Server | undefined;
  private guard: AcceptGuard | undefined;
  private boundPort: number | undefined;
  /** Prefix of connection ids: the same peer gets the same id at server check and at setup. */
  private readonly epoch = Date.now();

  constructor(
    private readonly options: GrpcServerOptions,
    private readonly connections: Connections,
    private readonly handlers: ReadonlyMap<string, RequestHandler>,
    private readonly access: GrpcAccess,
  ) {}

  /** Open TCP connections on the gRPC port, set up or not. */
  get socketCount(): number {
    return this.guard?.size ?? 0;
  }

  /** The port listened on, once started. */
  get port(): number | undefined {
    return this.boundPort;
  }

  async start(): Promise<number> {
    const services = loadNacosServices();
    const server = new Server({
      'grpc.max_receive_message_length': this.options.maxMessageBytes,
      // Keeps NAT and proxies from dropping idle connections; client detection finds the dead ones.
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_permit_without_calls': 1,
      // Nacos clients use one stream and a few unary calls at a time; HTTP/2's default is unlimited.
      'grpc.max_concurrent_streams': this.options.maxConcurrentStreams,
      // Node's HTTP/2 session memory cap (MB) instead of grpc-js's "unlimited": headers, frames
      // and buffered data of one connection. Header lists stay under Node's 64 KiB default.
      'grpc-node.max_session_memory': 10,
    });
    server.addService(services.request, {
      request: (call: ServerUnaryCall<WirePayload, WirePayload>, callback: sendUnaryData<WirePayload>) =>
        void this.unary(call.getPeer(), call.request)
          .then((reply) => callback(null, this.encode(reply)))
          // Never an unhandled rejection (it would end the process) nor a call left without an answer.
          .catch((error: unknown) => {
            this.logger.error(`a gRPC request failed`, (error as Error)?.stack);
            callback({ code: status.INTERNAL, details: 'internal error' });
          }),
    });
    server.addService(services.biRequestStream, {
      requestBiStream: (call: ServerDuplexStream<WirePayload, WirePayload>) => this.stream(call),
    });
    // Our own listener in front of grpc-js: connections are counted and timed where they are accepted.
    const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
    const guard = new AcceptGuard(
      this.options.limits,
      (socket) => injector.injectConnection(socket),
      (reason, ip) => this.options.guardEvents.refused(reason, ip),
    );
    this.boundPort = await guard.listen(this.options.host, this.options.port);
    this.guard = guard;
    this.server = server;
    return this.boundPort;
  }

  /** Tells one client to reconnect (ConnectResetRequest) and closes its connection; it registers again. */
  reset(connectionId: string): void {
    for (const connection of this.connections.all()) {
      if (connection.id !== connectionId) continue;
      connection.notify('ConnectResetRequest', { connectionId, module: 'internal' });
      this.connections.remove(connection);
      return;
    }
  }

  /** Tells every client to reconnect elsewhere (ConnectResetRequest), then closes. */
  async stop(): Promise<void> {
    const server = this.server;
    const guard = this.guard;
    this.server = undefined;
    this.guard = undefined;
    if (!server) return;
    for (const connection of [...this.connections.all()]) {
      connection.notify('ConnectResetRequest', { connectionId: connection.id, module: 'internal' });
      connection.close();
    }
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 1000).unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    await guard?.close();
  }

  private readonly expiring = new WeakSet<GrpcConnection>();
  private readonly rights: ConnectionRights = {
    readRight: (token, namespaceId, serviceName) => this.access.readRight(token, namespaceId, serviceName),
    expired: (connection) => {
      if (connection.isClosed || this.expiring.has(connection)) return;
      this.expiring.add(connection);
      this.logger.log(`the token of ${connection.id} expired: asking it to reconnect with a fresh one`);
      // Not while the caller walks the subscriptions this would drop.
      queueMicrotask(() => this.reset(connection.id));
    },
  };

  private encode(reply: Reply): WirePayload {
    return encodePayload(reply.type, reply.body);
  }

  /** Every unary request ends in exactly one reply; no client mistake throws. */
  private async unary(peer: string, payload: WirePayload): Promise<Reply> {
    let message: Message;
    try {
      message = decodePayload(payload);
    } catch (error) {
      if (error instanceof MalformedPayload) return failure(ErrorCode.BAD_GATEWAY, error.message, null);
      throw error;
    }
    const requestId = message.body['requestId'];
    const connection = this.connections.of(peer);
    switch (message.type) {
      case 'ServerCheckRequest': {
        // Java clients check before they open their stream: the id is the one setup will give.
        const id = connection?.id ?? connectionIdOf(peer, this.epoch);
        return success('ServerCheckResponse', requestId, { connectionId: id, supportAbilityNegotiation: true });
      }
      case 'HealthCheckRequest':
        // Not Nacos's 301: the Go and Python clients count a 3xx health answer as healthy ("server
        // not ready yet"), and nacos-sdk-python 2.0.x, which misses the end of its stream, then
        // stays on a connection the server no longer knows (after a restart faster than its 5 s
        // health check). Any other code makes every client (Java, Go, Python, C#) reconnect.
        if (!connection) return failure(ErrorCode.SERVER_ERROR, 'Connection is unregistered.', requestId);
        connection.lastActiveAt = this.options.now();
        return success('HealthCheckResponse', requestId);
    }
    const handler = this.handlers.get(message.type);
    if (!handler) return failure(ErrorCode.NO_HANDLER, `RequestHandler Not Found: ${message.type}`, requestId);
    if (!connection) return failure(ErrorCode.UN_REGISTER, 'Connection is unregistered.', requestId);
    connection.lastActiveAt = this.options.now();
    try {
      const { resource, action } = handler.access(message, connection);
      const denied = this.access.refusal(message, resource, action);
      if (denied !== undefined) return refusal(handler.responseType, ErrorCode.NO_RIGHT, denied, requestId);
      // Its pushes are judged by the credentials it sent last (clients refresh their tokens).
      connection.accessToken = headerOf(message, 'accessToken') ?? connection.accessToken;
      return await handler.handle(message, connection);
    } catch (error) {
      const { reply, ours } = failureOf(error, handler.responseType, requestId);
      if (ours) this.logger.error(`${message.type} from ${connection.id} failed`, (error as Error)?.stack);
      return reply;
    }
  }

  private stream(call: ServerDuplexStream<WirePayload, WirePayload>): void {
    const peer = call.getPeer();
    let connection: GrpcConnection | undefined;
    const end = () => {
      if (connection) this.connections.remove(connection);
      else if (!call.writableEnded) call.end();
    };
    call.on('data', (payload: WirePayload) => {
      let message: Message;
      try {
        message = decodePayload(payload);
      } catch {
        return; // Nacos drops what it cannot parse on the stream; there is no one to answer.
      }
      if (message.type === 'ConnectionSetupRequest') {
        if (connection || this.connections.of(peer)) return; // one stream per transport
        connection = this.setUp(peer, message, call);
        if (!connection) call.end();
        return;
      }
      if (connection && message.type.endsWith('Response')) {
        connection.lastActiveAt = this.options.now();
        connection.answer(message);
      }
    });
    call.on('end', end);
    call.on('cancelled', end);
    call.on('error', end);
    call.on('close', end);
  }

  private setUp(
    peer: string,
    message: Message,
    call: ServerDuplexStream<WirePayload, WirePayload>,
  ): GrpcConnection | undefined {
    const { ip, port } = splitPeer(peer);
    const b = message.body;
    const labels = stringRecord(b['labels']);
    const clientVersion = typeof b['clientVersion'] === 'string' ? b['clientVersion'] : '';
    // What a connection carries for its whole life, before any credentials: kept small.
    if (!setupWithinBounds(labels, clientVersion)) {
      this.options.guardEvents.refused('oversized-setup', ip);
      return undefined;
    }
    const connection = new GrpcConnection(
      connectionIdOf(peer, this.epoch),
      peer,
      ip,
      port,
      {
        clientVersion,
        labels,
        namespaceId: setupNamespace(b['tenant']),
        appName: labels['AppName'] ?? '-',
      },
      call,
      this.options.now(),
      (unsentBytes) => {
        this.logger.warn(`gRPC connection ${connection.id} cut off: it reads too slowly, ${unsentBytes} bytes unsent`);
        this.options.guardEvents.cutOff();
        this.connections.remove(connection);
      },
      this.rights,
    );
    if (!this.connections.add(connection)) {
      this.logger.warn(`refused a connection from ${ip}: it holds as many as allowed`);
      return undefined;
    }
    if (wantsAbilities(b)) connection.notify('SetupAckRequest', { abilityTable: SERVER_ABILITIES, module: 'internal' });
    this.guard?.settled(peer);
    return connection;
  }
}

/** Labels a connection setup may carry, and their bytes (keys and values) in all. */
const MAX_SETUP_LABELS = 64;
const MAX_SETUP_LABEL_BYTES = 8 * 1024;
const MAX_CLIENT_VERSION_LENGTH = 256;

function setupWithinBounds(labels: Readonly<Record<string, string>>, clientVersion: string): boolean {
  if (clientVersion.length > MAX_CLIENT_VERSION_LENGTH) return false;
  let count = 0;
  let bytes = 0;
  for (const [key, value] of Object.entries(labels)) {
    count++;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (count > MAX_SETUP_LABELS || bytes > MAX_SETUP_LABEL_BYTES) return false;
  }
  return true;
}

/** Nacos's form, `<millis>_<ip>_<port>`; unique while the transport is open. */
function connectionIdOf(peer: string, epoch: number): string {
  const { ip, port } = splitPeer(peer);
  return `${epoch}_${ip}_${port}`;
}
