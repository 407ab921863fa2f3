import { createServer } from 'node:http';

/**
 * The physical limit: a bare `node:http` server that does the least a correct beat needs. It
 * parses the same request (query string, form body, the `beat` JSON), finds or creates the
 * instance, stamps its last beat, and answers the same JSON reply. No framework, no routing table,
 * no validation beyond what parsing does. Beacon's beat throughput is reported against this.
 * Child-process entry: tells the runner its port over IPC.
 */
interface Entry {
  lastBeat: number;
}

const instances = new Map<string, Entry>();
const BEAT_PATH = '/nacos/v1/ns/instance/beat';

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (req.method !== 'PUT' || path !== BEAT_PATH) {
    res.writeHead(501, { 'content-type': 'text/plain;charset=UTF-8' }).end(`no such api:${req.method}:${path}`);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const form = new URLSearchParams(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8'));
    const param = (name: string) => form.get(name) ?? query.get(name) ?? undefined;
    const serviceName = param('serviceName');
    if (serviceName === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain;charset=UTF-8' }).end("Param 'serviceName' is required.");
      return;
    }
    let ip = param('ip') ?? '';
    let port = Number(param('port') ?? 0);
    let cluster = param('clusterName') ?? 'DEFAULT';
    const raw = param('beat');
    if (raw !== undefined) {
      const beat = JSON.parse(raw) as { ip?: string; port?: number; cluster?: string };
      ip = beat.ip ?? ip;
      port = beat.port ?? port;
      if (beat.cluster) cluster = beat.cluster;
    }
    const key = `${param('namespaceId') ?? 'public'}\u0000${serviceName}\u0000${cluster}\u0000${ip}:${port}`;
    let entry = instances.get(key);
    if (entry === undefined) instances.set(key, (entry = { lastBeat: 0 }));
    entry.lastBeat = Date.now();
    const reply = JSON.stringify({ clientBeatInterval: 5000, code: 10200, lightBeatEnabled: true });
    res
      .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(reply) })
      .end(reply);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
