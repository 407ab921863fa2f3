import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { ConnectionSubscriber } from '../application/connection-discovery.js';
import { encodePayload, type Message, type WirePayload } from './payload.js';

/** What the client said about itself in its ConnectionSetupRequest. */
export interface ClientSetup {
  readonly clientVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The connection's namespace (`tenant`); requests that name none use it. */
  readonly namespaceId: string;
  readonly appName: string;
}

/** Whether a connection's latest credentials still grant reading a service (see GrpcAccess.readRight). */
export interface ConnectionRights {
  readRight(token: string | undefined, namespaceId: string, serviceName: string): 'allowed' | 'denied' | 'expired';
  /** Its token ran out while it holds subscriptions: the owner asks the client to reconnect with a fresh one. */
  expired(connection: GrpcConnection): void;
}

/** Unsent bytes a connection may hold before it is cut off (pushes of large services included). */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

interface PendingRequest {
  readonly resolve: (answered: boolean) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * One Nacos 2.x client: its bi-directional stream (server requests go down it, acks come up it)
 * and what it announced at setup. The instances it registers live as long as it does (the
 * application layer keeps them by its id); pushes for the services it subscribed to go down it.
 */
export class GrpcConnection implements ConnectionSubscriber {
  lastActiveAt: number;
  readonly connectedAt: number;
  /** A client detection is waiting for its answer. */
  probing = false;
  /** The access token of its latest request that passed the auth check: what its pushes are judged by. */
  accessToken: string | undefined;
  private closed = false;
  /** Bytes written to the stream that grpc-js has not yet handed to HTTP/2. */
  private unsentBytes = 0;
  private nextRequestId = 0;
  private readonly pending = new Map<string, PendingRequest>();

  constructor(
    readonly id: string,
    /** The transport's peer address, `ip:port`: how unary requests find their connection. */
    readonly peer: string,
    readonly remoteIp: string,
    readonly remotePort: number,
    readonly setup: ClientSetup,
    private readonly stream: ServerDuplexStream<WirePayload, WirePayload>,
    now: number,
    /** Called when the client reads too slowly (with the bytes it left unsent); the owner closes it. */
    private readonly onOverflow: (unsentBytes: number) => void,
    private readonly rights: ConnectionRights,
  ) {
    this.connectedAt = now;
    this.lastActiveAt = now;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get describe(): ConnectionSubscriber['describe'] {
    const { remoteIp: ip, remotePort: port } = this;
    return { id: this.id, ip, port, agent: this.setup.clientVersion, app: this.setup.appName };
  }

  mayReceive(namespaceId: string, serviceName: string): boolean {
    const right = this.rights.readRight(this.accessToken, namespaceId, serviceName);
    if (right === 'expired') this.rights.expired(this);
    return right === 'allowed';
  }

  /** A server request the client answers on the stream; false when no answer came in time. */
  request(type: string, body: Record<string, unknown>, timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const requestId = `s${++this.nextRequestId}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve(false);
      }, timeoutMs).unref();
      this.pending.set(requestId, { resolve, timer });
      this.write(type, { ...body, requestId, headers: {} });
    });
  }

  /** A server request nobody waits on (connect reset before closing). */
  notify(type: string, body: Record<string, unknown>): void {
    this.write(type, { ...body, requestId: `s${++this.nextRequestId}`, headers: {} });
  }

  /** A response that came up the stream; false when it answers nothing we asked. */
  answer(response: Message): boolean {
    const requestId = response.body['requestId'];
    if (typeof requestId !== 'string') return false;
    const pending = this.pending.get(requestId);
    if (!pending) return false;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(response.body['resultCode'] === undefined || response.body['resultCode'] === 200);
    return true;
  }

  /**
   * Ends the stream with UNAVAILABLE, not OK: Python clients only notice a stream that fails (an OK
   * end leaves them polling a connection the server has forgotten), and every client answers a
   * failed stream by reconnecting, as after a Nacos server goes away. Safe to call twice.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { resolve, timer } of this.pending.values()) {
      clearTimeout(timer);
      resolve(false);
    }
    this.pending.clear();
    try {
      // grpc-js turns an 'error' on a server stream into its status and ends the call.
      this.stream.emit('error', { code: status.UNAVAILABLE, details: 'connection closed by the server' });
    } catch {
      // the transport is already gone
    }
  }

  private write(type: string, body: Record<string, unknown>): void {
    if (this.closed || this.stream.destroyed || this.stream.writableEnded) return;
    // A client that stopped reading would make us buffer pushes without end: cut it off instead;
    // it reconnects, subscribes again and gets the current state.
    if (this.unsentBytes > MAX_UNSENT_BYTES) {
      this.onOverflow(this.unsentBytes);
      return;
    }
    const payload = encodePayload(type, body);
    const bytes = payload.body?.value?.length ?? 0;
    this.unsentBytes += bytes;
    // grpc-js calls back once the message is handed to HTTP/2, which flow control holds back
    // while the client does not read.
    this.stream.write(payload, () => (this.unsentBytes -= bytes));
  }
}
