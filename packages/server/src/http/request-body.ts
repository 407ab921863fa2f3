import type { IncomingMessage } from 'node:http';
import { errorCodes } from 'fastify';

/**
 * Reads a request's body as text for a handler that runs before Fastify (the beat's fast path),
 * with Fastify's rules and Fastify's own errors, so the one ErrorFilter mapping answers them alike:
 * a declared or received length over `limit` is FST_ERR_CTP_BODY_TOO_LARGE (413), a body shorter
 * or longer than its Content-Length FST_ERR_CTP_INVALID_CONTENT_LENGTH (400), a broken stream 400.
 * Undefined when the request has no body (no Content-Type, no Transfer-Encoding, no length or 0):
 * Fastify then parses none either.
 */
export function readBodyText(
  request: IncomingMessage,
  limit: number,
  done: (error: Error | undefined, body: string | undefined) => void,
): void {
  const headers = request.headers;
  const declared = headers['content-length'];
  if (
    headers['content-type'] === undefined &&
    headers['transfer-encoding'] === undefined &&
    (declared === undefined || declared === '0')
  ) {
    return done(undefined, undefined);
  }
  const contentLength = Number(declared);
  if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
  let received = 0;
  const chunks: Buffer[] = [];
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > limit) {
      stop();
      return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
    }
    chunks.push(chunk);
  };
  const onEnd = (error?: Error & { statusCode?: number }): void => {
    stop();
    if (error != null) {
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      return done(error, undefined);
    }
    if (!Number.isNaN(contentLength) && received !== contentLength) {
      return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), undefined);
    }
    done(
      undefined,
      chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8'),
    );
  };
  const stop = (): void => {
    request.removeListener('data', onData);
    request.removeListener('end', onEnd);
    request.removeListener('error', onEnd);
  };
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onEnd);
  request.resume();
}
