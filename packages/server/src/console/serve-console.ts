import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `pnpm build` puts the console: apps/console/dist, from packages/server/{src,dist}/console. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../../apps/console/dist/', import.meta.url));

/** Paths that belong to the server's own faces; never answered with the console's index.html. */
const SERVER_PREFIXES = ['/api/', '/nacos/', '/metrics'];

/**
 * Serves the built console at `/` on the server's own port (no CORS, one origin), with a fallback
 * to index.html for the console's client-side routes. A server without a built console starts
 * anyway and says so once.
 */
export function serveConsole(fastify: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): boolean {
  const logger = new Logger('Console');
  if (!existsSync(`${dir}/index.html`)) {
    logger.warn(`console not built (no ${dir}index.html): the API is up, run \`pnpm build\` to serve the console at /`);
    return false;
  }
  void fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // One route per built file, so unknown paths reach the fallback below instead of a 404.
    wildcard: false,
    index: false,
    setHeaders: (reply, path) => {
      // Vite fingerprints everything under assets/; the rest must be revalidated.
      void reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const fallback = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (SERVER_PREFIXES.some((prefix) => path.startsWith(prefix)) || path.startsWith('/assets/')) {
      return reply.callNotFound();
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  fastify.get('/', fallback);
  fastify.get('/*', fallback);
  logger.log(`serving the console from ${dir}`);
  return true;
}
