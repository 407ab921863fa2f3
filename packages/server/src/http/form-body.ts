import type { FastifyInstance } from 'fastify';
import { firstValues } from './query-string.js';

/**
 * Nacos reads parameters from any form body, and the Node client sends requests with no
 * Content-Type at all. Bodies of any type other than JSON are read as url-encoded forms. An empty
 * body labelled JSON is no body at all (Nacos reads the query string and answers normally);
 * anything else labelled JSON goes to Fastify's own parser, with its prototype-poisoning checks.
 */
export function acceptFormBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'ignore');
  fastify.removeContentTypeParser(['text/plain', 'application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    // The default parser answers through `done`; what it returns carries nothing.
    void parseJson(request, body as string, done);
  });
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
}

export function parseForm(body: string): Record<string, string> {
  return firstValues(body, {});
}
