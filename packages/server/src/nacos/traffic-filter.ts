import type { FastifyInstance } from 'fastify';
import type { ServerStatusHolder } from '../application/server-status.js';
import { sendAnswer, TEXT_UTF8, type HttpAnswer } from '../http/http-answer.js';

/** The naming APIs of Nacos 1.x and 2.x. */
const NAMING_PREFIXES = ['/nacos/v1/ns/', '/nacos/v2/ns/'];
/** The switches stay reachable, or an operator who set the status could not undo it. */
const ALWAYS_OPEN = ['/nacos/v1/ns/', '/nacos/v2/ns/'].flatMap((ns) => [`${ns}operator/switches`, `${ns}ops/switches`]);

/**
 * Nacos's TrafficReviseFilter: while the server is not UP, naming requests the status does not
 * admit get 503. Undefined when the request may pass. Called by the Fastify hook below and by the
 * beat's fast path (beat-fast-path.ts), which answers before Fastify.
 */
export function trafficRefusal(status: ServerStatusHolder, method: string, url: string): HttpAnswer | undefined {
  // The status first: while UP (nearly always) that is the whole cost on every request, beats included.
  if (status.admits(method) || !isFiltered(url)) return undefined;
  return {
    status: 503,
    headers: { 'content-type': TEXT_UTF8 },
    body: `server is ${status.current}now, please try again later!`,
  };
}

/** The filter on every request Fastify serves. */
export function installTrafficFilter(fastify: FastifyInstance, status: ServerStatusHolder): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const refusal = trafficRefusal(status, request.method, request.url);
    if (refusal) return sendAnswer(reply, refusal);
    done();
  });
}

function isFiltered(url: string): boolean {
  return NAMING_PREFIXES.some((prefix) => url.startsWith(prefix)) && !ALWAYS_OPEN.some((open) => url.startsWith(open));
}
