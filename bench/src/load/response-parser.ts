/** One HTTP/1.1 response as the load generator needs it: status, body, and whether to reconnect. */
export interface HttpResponse {
  status: number;
  body: Buffer;
  close: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * An incremental HTTP/1.1 response parser for keep-alive connections with one request in flight.
 * It understands Content-Length and chunked bodies, which is all Node's and Fastify's servers send.
 * Smaller and faster than a general client because it skips everything the benchmark does not read.
 */
export class ResponseParser {
  private pending: Buffer | undefined;

  /** Feeds bytes from the socket; returns every response they complete. */
  push(chunk: Buffer): HttpResponse[] {
    let buf = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    const out: HttpResponse[] = [];
    for (;;) {
      const parsed = parseOne(buf);
      if (parsed === undefined) break;
      out.push(parsed.response);
      buf = buf.subarray(parsed.consumed);
      if (buf.length === 0) break;
    }
    this.pending = buf.length === 0 ? undefined : buf;
    return out;
  }

  reset(): void {
    this.pending = undefined;
  }
}

function parseOne(buf: Buffer): { response: HttpResponse; consumed: number } | undefined {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headerEnd).toLowerCase();
  // "HTTP/1.1 200 OK"
  const status = Number(head.slice(9, 12));
  if (!Number.isInteger(status)) throw new Error(`malformed status line: ${head.slice(0, 40)}`);
  const close = /\r\nconnection:\s*close/.test(head);
  const bodyStart = headerEnd + 4;
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (lengthMatch) {
    const end = bodyStart + Number(lengthMatch[1]);
    if (buf.length < end) return undefined;
    return { response: { status, body: buf.subarray(bodyStart, end), close }, consumed: end };
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
    const chunked = parseChunked(buf, bodyStart);
    if (chunked === undefined) return undefined;
    return { response: { status, body: chunked.body, close }, consumed: chunked.end };
  }
  // No length and not chunked: only bodiless statuses are expected on a keep-alive connection.
  return {
    response: { status, body: Buffer.alloc(0), close: close || !(status === 204 || status === 304) },
    consumed: bodyStart,
  };
}

function parseChunked(buf: Buffer, start: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let pos = start;
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, pos);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.toString('latin1', pos, lineEnd), 16);
    if (!Number.isInteger(size)) throw new Error('malformed chunk size');
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // No trailers are sent by the servers under test: the last chunk ends with one more CRLF.
      if (buf.length < dataStart + 2) return undefined;
      return { body: Buffer.concat(parts), end: dataStart + 2 };
    }
    if (buf.length < dataStart + size + 2) return undefined;
    parts.push(buf.subarray(dataStart, dataStart + size));
    pos = dataStart + size + 2;
  }
}
