import { Agent, request } from 'node:http';

export interface RawRequest {
  readonly method: string;
  /** Path and query exactly as they go on the wire (already encoded). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is; no Content-Type is added for it (that is the caller's choice). */
  readonly body?: string | Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * A deliberately dumb HTTP client: unlike fetch it sends bodies with GET, sends no Content-Type
 * unless told to, and does not normalise the path. What a hostile or ancient client would do.
 */
export class RawHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly timeoutMs = 10_000,
  ) {}

  send(req: RawRequest): Promise<RawResponse> {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string | number> = { ...req.headers };
    if (body !== undefined) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const r = request(
        { host: this.host, port: this.port, method: req.method, path: req.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          if (String(res.headers['content-type']).startsWith('text/event-stream')) {
            // A stream that never ends: its first event (or a moment of it) is the answer.
            const done = () => {
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                headers: res.headers,
              });
              r.destroy();
            };
            const timer = setTimeout(done, 2_000);
            res.on('data', (c: Buffer) => {
              chunks.push(c);
              if (Buffer.concat(chunks).includes('\n\n')) {
                clearTimeout(timer);
                done();
              }
            });
            res.on('error', () => undefined);
            return;
          }
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
            }),
          );
          res.on('error', reject);
        },
      );
      r.setTimeout(this.timeoutMs, () =>
        r.destroy(new Error(`${req.method} ${req.path}: no answer in ${this.timeoutMs} ms`)),
      );
      r.on('error', reject);
      r.end(body);
    });
  }

  async json<T>(method: string, path: string, expected = 200): Promise<T> {
    const res = await this.send({ method, path });
    if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `application/x-www-form-urlencoded` text of pairs (repeated keys allowed), as URLSearchParams writes it. */
export function formOf(pairs: readonly (readonly [string, string])[]): string {
  const params = new URLSearchParams();
  for (const [k, v] of pairs) params.append(k, v);
  return params.toString();
}
