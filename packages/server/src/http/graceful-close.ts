import type { FastifyInstance } from 'fastify';
import type { HttpAnswer } from './http-answer.js';

/** Whether the server has begun closing (Fastify's preClose), and what that does to an answer. */
export interface ClosingState {
  readonly closing: () => boolean;
  /** The answer as it must go out now: with `Connection: close` once the server is closing. */
  readonly finalAnswer: (answer: HttpAnswer) => HttpAnswer;
}

/**
 * Once the server is closing, every response tells the client to close its connection. Without
 * this, a keep-alive client whose request was in flight at SIGTERM keeps its idle connection, and
 * with it the process, open until the client or the keep-alive timeout (65 s) drops it. Fastify's
 * answers get the header from the onSend hook; the beats answered before Fastify
 * (nacos/beat-fast-path.ts) from `finalAnswer`, in the same place among the headers.
 */
export function closeConnectionsWhenClosing(fastify: FastifyInstance): ClosingState {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    done(null, payload);
  });
  return {
    closing: () => closing,
    finalAnswer: (answer) => (closing ? { ...answer, headers: { ...answer.headers, connection: 'close' } } : answer),
  };
}
