import type { FastifyInstance } from 'fastify';
import type { BeatService } from '../application/beat-service.js';
import { paramsOf } from '../http/request-context.js';
import { beatCommandOf } from '../nacos-common/nacos-params.js';

export const BEAT_PATH = '/nacos/v1/ns/instance/beat';

/**
 * PUT /nacos/v1/ns/instance/beat, the hot path (docs/nacos-protocol.md §3), registered on Fastify
 * directly rather than through a Nest controller: every instance calls it every 5 s, and Nest's
 * per-request pipeline (execution context, parameter factories, promise chain) took about a tenth
 * of a beat's server CPU time (bench: docs/performance.md, "Before and after").
 *
 * What still applies is everything that is a Fastify hook or handler on the instance: the body
 * parsers (form bodies of any type), the server-status filter (503 while not UP), and Nest's error
 * handler, which routes a thrown error through the one ErrorFilter, so a bad beat gets the same
 * Nacos status and text as before. Nest guards, pipes and interceptors do NOT run here: anything
 * that must guard the beat (auth) has to be a Fastify hook or be called from this handler.
 * Parsing is the shared `beatCommandOf`; the reply is the BeatService's, serialized as is.
 */
export function registerBeatRoute(fastify: FastifyInstance, beats: BeatService): void {
  fastify.put(BEAT_PATH, (request, reply) => {
    const result = beats.beat(beatCommandOf(paramsOf(request)));
    void reply.type('application/json; charset=utf-8').send(JSON.stringify(result));
  });
}
