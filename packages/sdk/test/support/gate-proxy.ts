import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A pass-through HTTP proxy (streams included) that a test can close like a gate: `shut()` cuts
 * every connection and refuses new ones until `open()`. `target` may change between the two,
 * so a client can be kept away while the server behind restarts elsewhere.
 */
export async function gateProxy(target: string): Promise<{
  url: string;
  target: string;
  shut(): void;
  open(): void;
  close(): Promise<void>;
}> {
  let upstream = new URL(target);
  let shut = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    if (shut) {
      req.socket.destroy();
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    if (shut) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return upstream.origin;
    },
    set target(value: string) {
      upstream = new URL(value);
    },
    shut() {
      shut = true;
      for (const s of sockets) s.destroy();
    },
    open() {
      shut = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
