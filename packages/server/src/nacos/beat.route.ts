import type { FastifyInstance } from 'fastify';
import type { BeatService } from '../application/beat-service.js';
import { JSON_UTF8, sendAnswer, type HttpAnswer } from '../http/http-answer.js';
import type { ParamReader } from '../http/param-reader.js';
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
 * parsers (form bodies of any type), the server-status filter (503 while not UP), the auth guard,
 * and Nest's error handler, which routes a thrown error through the one ErrorFilter, so a bad beat
 * gets the same Nacos status and text as before. Nest guards, pipes and interceptors do NOT run
 * here: anything that must guard the beat (auth) has to be a Fastify hook or be called from this
 * handler. The ordinary beats are answered before Fastify by beat-fast-path.ts, with the same
 * pieces; this route serves the rest (and every beat when the fast path is off).
 */
export function registerBeatRoute(fastify: FastifyInstance, beats: BeatService): void {
  fastify.put(BEAT_PATH, (request, reply) => sendAnswer(reply, beatAnswer(beats, paramsOf(request))));
}

/** The beat itself: the shared `beatCommandOf`, the BeatService's reply serialized as is. Throws what is wrong. */
export function beatAnswer(beats: BeatService, params: ParamReader): HttpAnswer {
  const result = beats.beat(beatCommandOf(params));
  return { status: 200, headers: BEAT_HEADERS, body: JSON.stringify(result) };
}

const BEAT_HEADERS = Object.freeze({ 'content-type': JSON_UTF8 });
