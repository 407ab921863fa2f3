import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** A connection that has not sent a whole request head after this long is closed. */
  readonly headersTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
}

/** Connections that have not yet carried a request: their first-request deadline is armed. */
const awaitingFirstRequest = new WeakSet<Socket>();

/** Node's own check of slow request heads runs at this interval (30 s by default). */
export function headersCheckIntervalMs(limits: ConnectionLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
}

/**
 * Bounds what idle or slow connections can hold, so a flood of half-open sockets cannot take every
 * file descriptor: a total cap (Node refuses connections past `maxConnections`), a per-IP cap, and
 * a deadline for the first request. Node's `headersTimeout` (set where the server is created)
 * answers 408 to a head that started and never finished; a connection that sends nothing at all
 * is closed here after the same time. Once a request has arrived, keep-alive rules apply.
 */
export function guardConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  const perIp = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? '';
    const held = perIp.get(ip) ?? 0;
    if (held >= limits.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    perIp.set(ip, held + 1);
    socket.once('close', () => {
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    });
    // Without a listener of ours, Node's http server destroys a socket whose timeout fires.
    socket.setTimeout(limits.headersTimeoutMs);
    awaitingFirstRequest.add(socket);
  });
  server.on('request', (request: { socket: Socket }) => {
    if (awaitingFirstRequest.delete(request.socket)) request.socket.setTimeout(0);
  });
}
