import type { FastifyInstance } from 'fastify';

/**
 * Nacos reads parameters from any form body, and the Node client sends requests with no
 * Content-Type at all. Bodies of any type other than JSON are read as url-encoded forms.
 */
export function acceptFormBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser(['text/plain']);
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
}

export function parseForm(body: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) if (!(key in result)) result[key] = value;
  return result;
}
