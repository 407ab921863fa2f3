import { createServer, request, type Server } from 'node:http';

/**
 * Stands in for a plain Nacos 1.x server in front of a real Beacon: the Nacos face (/nacos/...)
 * is passed through untouched, everything else (Beacon's native API, its watch stream) answers
 * 404 as Nacos's Spring Boot does. Lets the fallback path be tested even once Beacon has a stream.
 */
export async function nacosOnlyProxy(
  target: string,
): Promise<{ url: string; requests: URL[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const requests: URL[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://proxy'));
    if (!req.url?.startsWith('/nacos/')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path: req.url }));
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
