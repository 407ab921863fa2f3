import type { FastifyInstance } from 'fastify';
import type { ServerStatusHolder } from '../application/server-status.js';

/** The naming APIs of Nacos 1.x and 2.x. */
const NAMING_PREFIXES = ['/nacos/v1/ns/', '/nacos/v2/ns/'];
/** The switches stay reachable, or an operator who set the status could not undo it. */
const ALWAYS_OPEN = ['/nacos/v1/ns/', '/nacos/v2/ns/'].flatMap((ns) => [`${ns}operator/switches`, `${ns}ops/switches`]);

/**
 * Nacos's TrafficReviseFilter: while the server is not UP, naming requests the status does not
 * admit get 503. A Fastify hook, so it also covers the beat route, which bypasses Nest.
 */
export function installTrafficFilter(fastify: FastifyInstance, status: ServerStatusHolder): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    // The status first: while UP (nearly always) that is the whole cost on every request, beats included.
    if (!status.admits(request.method) && isFiltered(request.url)) {
      void reply
        .status(503)
        .type('text/plain;charset=UTF-8')
        .send(`server is ${status.current}now, please try again later!`);
      return;
    }
    done();
  });
}

function isFiltered(url: string): boolean {
  return NAMING_PREFIXES.some((prefix) => url.startsWith(prefix)) && !ALWAYS_OPEN.some((open) => url.startsWith(open));
}
