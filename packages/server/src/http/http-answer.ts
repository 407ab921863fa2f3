import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * A whole response as a value: built once by the rule that decides it (a refusal, an error, a
 * beat's reply), then written either through Fastify or, on the beat's fast path, straight to
 * node:http. Both writers put the same bytes on the wire: the headers in this order, then
 * `content-length` (as Fastify adds it), then what Node adds to every response.
 */
export interface HttpAnswer {
  readonly status: number;
  /** Lower-case names, `content-type` included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const JSON_UTF8 = 'application/json; charset=utf-8';
export const TEXT_UTF8 = 'text/plain;charset=UTF-8';

export function sendAnswer(reply: FastifyReply, answer: HttpAnswer): void {
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}

export function writeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  res
    .writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) })
    .end(answer.body);
}
