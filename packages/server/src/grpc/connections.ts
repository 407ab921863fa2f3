import type { GrpcConnection } from './connection.js';

export type ConnectionListener = (connection: GrpcConnection) => void;

/**
 * The open connections, found by the transport they came on: a client's unary requests and its
 * stream share one HTTP/2 connection, so the peer address (`ip:port`) names the client. Source
 * addresses are capped, so one host cannot exhaust the server with connections.
 */
export class Connections {
  private readonly byPeer = new Map<string, GrpcConnection>();
  private readonly perIp = new Map<string, number>();
  private readonly closeListeners: ConnectionListener[] = [];

  constructor(private readonly maxPerIp: number) {}

  get size(): number {
    return this.byPeer.size;
  }

  /** Called after a connection is gone (its instances must go with it). */
  onClose(listener: ConnectionListener): void {
    this.closeListeners.push(listener);
  }

  /** False when its source address already holds as many connections as allowed. */
  add(connection: GrpcConnection): boolean {
    const count = this.perIp.get(connection.remoteIp) ?? 0;
    if (count >= this.maxPerIp) return false;
    this.perIp.set(connection.remoteIp, count + 1);
    this.byPeer.set(connection.peer, connection);
    return true;
  }

  of(peer: string): GrpcConnection | undefined {
    return this.byPeer.get(peer);
  }

  all(): IterableIterator<GrpcConnection> {
    return this.byPeer.values();
  }

  /** Closes the connection and forgets it; listeners hear it once. */
  remove(connection: GrpcConnection): void {
    if (this.byPeer.get(connection.peer) !== connection) return;
    this.byPeer.delete(connection.peer);
    const count = (this.perIp.get(connection.remoteIp) ?? 1) - 1;
    if (count <= 0) this.perIp.delete(connection.remoteIp);
    else this.perIp.set(connection.remoteIp, count);
    connection.close();
    for (const listener of this.closeListeners) listener(connection);
  }
}

/** `127.0.0.1:5000` or `[::1]:5000`, as grpc-js reports a peer. */
export function splitPeer(peer: string): { ip: string; port: number } {
  const colon = peer.lastIndexOf(':');
  const host = colon < 0 ? peer : peer.slice(0, colon);
  const port = colon < 0 ? 0 : Number(peer.slice(colon + 1));
  return { ip: host.replace(/^\[|\]$/g, ''), port: Number.isInteger(port) ? port : 0 };
}
