import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Answers a request Node could not even parse (head over 16 KiB, malformed request line or
 * header) and closes the connection. Fastify's default closes it without saying so, and a
 * keep-alive client (Java's beat reactor, Node's agent) then sends its next request into the
 * dead socket and fails it; `Connection: close` tells the client not to reuse it. No body, as in
 * Node's own answer: the method is unknown here, and a HEAD request must get none.
 */
export function closeOnClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy(error);
}
