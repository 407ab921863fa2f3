import { createServer, type Server as NetServer, type Socket } from 'node:net';

export interface AcceptLimits {
  /** Open TCP connections the port holds in total; more are closed at accept. */
  readonly maxConnections: number;
  /** Open TCP connections one source address may hold; more are closed at accept. */
  readonly maxConnectionsPerIp: number;
  /** A connection that has not finished its protocol's setup (`settled`) after this long is closed. */
  readonly setupTimeoutMs: number;
}

/** Why the guard closed a connection, as counted in metrics and logs. */
export type AcceptRefusal = 'total' | 'per-ip' | 'setup-timeout';

/**
 * A port's own listener (the gRPC port's): it counts connections where they are accepted (per source address
 * and in total) and closes those a client opens and never sets up, before grpc-js and HTTP/2 spend
 * anything on them. Accepted sockets are handed to grpc-js (`Server.createConnectionInjector`).
 * A flood of idle TCP connections thus holds at most `maxConnections` descriptors, each for at most
 * `setupTimeoutMs`, and the HTTP faces keep their descriptors and their event loop.
 */
export class AcceptGuard {
  private readonly server: NetServer;
  private readonly perIp = new Map<string, number>();
  /** Accepted sockets by peer (`ip:port`, as grpc-js reports it), until they close. */
  private readonly sockets = new Map<string, Socket>();
  private readonly setupTimers = new Map<Socket, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly limits: AcceptLimits,
    private readonly inject: (socket: Socket) => void,
    /** Told of each connection the guard closes; the caller counts it and logs at its own pace. */
    private readonly refused: (reason: AcceptRefusal, ip: string) => void,
  ) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Open TCP connections on the port. */
  get size(): number {
    return this.sockets.size;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** The connection of this peer finished its setup: it stays as long as the client keeps it. */
  settled(peer: string): void {
    const socket = this.sockets.get(peer);
    if (!socket) return;
    const timer = this.setupTimers.get(socket);
    if (timer !== undefined) clearTimeout(timer);
    this.setupTimers.delete(socket);
  }

  /** Stops accepting; connections still open are destroyed (after grpc-js said goodbye on them). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets.values()) socket.destroy();
    });
  }

  private accept(socket: Socket): void {
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const held = this.perIp.get(ip) ?? 0;
    const refusal: AcceptRefusal | undefined =
      this.sockets.size >= this.limits.maxConnections
        ? 'total'
        : held >= this.limits.maxConnectionsPerIp
          ? 'per-ip'
          : undefined;
    if (refusal) {
      // resetAndDestroy: no FIN_WAIT/TIME_WAIT left behind on our side for a flood.
      socket.resetAndDestroy();
      this.refused(refusal, ip);
      return;
    }
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.perIp.set(ip, held + 1);
    this.sockets.set(peer, socket);
    this.setupTimers.set(
      socket,
      setTimeout(() => {
        this.setupTimers.delete(socket);
        this.refused('setup-timeout', ip);
        socket.destroy();
      }, this.limits.setupTimeoutMs).unref(),
    );
    socket.once('close', () => {
      const timer = this.setupTimers.get(socket);
      if (timer !== undefined) clearTimeout(timer);
      this.setupTimers.delete(socket);
      if (this.sockets.get(peer) === socket) this.sockets.delete(peer);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
    // A reset by the client must not become an uncaught error; HTTP/2 handles the rest.
    socket.on('error', () => undefined);
    this.inject(socket);
  }
}

function normalizeIp(ip: string): string {
  return ip.replace(/^::ffff:/, '');
}
