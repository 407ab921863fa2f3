import type { FastifyInstance } from 'fastify';

/**
 * Once the server is closing, every response tells the client to close its connection. Without
 * this, a keep-alive client whose request was in flight at SIGTERM keeps its idle connection, and
 * with it the process, open until the client or the keep-alive timeout (65 s) drops it.
 */
export function closeConnectionsWhenClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    done(null, payload);
  });
}
