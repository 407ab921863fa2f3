import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * Lets `answer` take requests in node:http's request listener, before Fastify sees them: a request
 * it returns false for goes to Fastify's own handler untouched, and once the server is closing
 * (`closing`, graceful-close.ts; Fastify then answers 503 with `Connection: close`) every request
 * does. For the one hot route that is worth it (nacos/beat-fast-path.ts); whatever `answer`
 * answers, it answers with the rules the Fastify route uses.
 */
export function answerBeforeFastify(
  fastify: FastifyInstance,
  closing: () => boolean,
  answer: (request: IncomingMessage, response: ServerResponse) => boolean,
): void {
  const server = fastify.server;
  // Fastify's handler is the listener it created the server with: the first one.
  const fastifyHandler = server.listeners('request')[0] as RequestListener | undefined;
  if (!fastifyHandler) throw new Error('answerBeforeFastify: the server has no request listener');
  server.removeListener('request', fastifyHandler);
  server.prependListener('request', (request, response) => {
    if (closing() || !answer(request, response)) fastifyHandler.call(server, request, response);
  });
}
