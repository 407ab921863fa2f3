import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where the built console is: `console/` inside an installed package (`pnpm pack:all` puts it there),
 * else where `pnpm build` puts it in a checkout, apps/console/dist (from packages/server/{src,dist}/console).
 */
export const CONSOLE_DIRS = [
  fileURLToPath(new URL('../../console', import.meta.url)),
  fileURLToPath(new URL('../../../../apps/console/dist', import.meta.url)),
];
export const DEFAULT_CONSOLE_DIR = CONSOLE_DIRS.find((dir) => existsSync(join(dir, 'index.html'))) ?? CONSOLE_DIRS[1]!;

/** Whether a built console is there to serve. */
export function consoleIsBuilt(dir: string = DEFAULT_CONSOLE_DIR): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** Paths that belong to the server's own faces; never answered with the console's index.html. */
const SERVER_PREFIXES = ['/api/', '/nacos/', '/metrics'];

/** Nacos's console addresses (through this wildcard route: no face owns them). */
const NACOS_CONSOLE_PATHS = new Set(['/nacos', '/nacos/', '/nacos/index.html']);

/** Top-level files of the build (favicon.svg, robots.txt); anything else is a console route. */
const ROOT_FILE = /^\/[\w-]+(\.[\w-]+)+$/;

/**
 * Serves the built console at `/` on the server's own port (no CORS, one origin): fingerprinted
 * assets under /assets/ cached for good, and index.html for every other GET that is not the
 * server's, so the console's own routes (/services/...) survive a reload. A server without a built
 * console starts anyway and says so once.
 */
export function serveConsole(fastify: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): boolean {
  const logger = new Logger('Console');
  if (!consoleIsBuilt(dir)) {
    logger.warn(
      `console not built (no ${join(dir, 'index.html')}): the API is up; run \`pnpm build\` to serve it at /`,
    );
    return false;
  }
  // Its own encapsulated scope, so the security headers go with the console's pages and assets
  // only, not with every Nacos beat and API answer.
  void fastify.register(async (scope) => {
    await scope.register(fastifyHelmet, CONSOLE_SECURITY_HEADERS);
    registerConsoleRoutes(scope, dir);
  });
  logger.debug(`serving the console from ${dir}`);
  return true;
}

/**
 * Helmet's defaults (nosniff, Referrer-Policy: no-referrer, a same-origin CSP) with framing
 * forbidden outright. The console is often served over plain HTTP on an internal port, so no
 * `upgrade-insecure-requests` and no HSTS: TLS is the business of whatever proxy fronts it.
 */
const CONSOLE_SECURITY_HEADERS = {
  contentSecurityPolicy: {
    directives: { 'frame-ancestors': ["'none'"], 'upgrade-insecure-requests': null },
  },
  frameguard: { action: 'deny' as const },
  strictTransportSecurity: false,
};

function registerConsoleRoutes(fastify: FastifyInstance, dir: string): void {
  // reply.sendFile() from the build's root, without routes of its own.
  void fastify.register(fastifyStatic, { root: dir, serve: false, cacheControl: false });
  void fastify.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    // Vite fingerprints every file name under assets/.
    immutable: true,
    maxAge: '365d',
  });

  const fallback = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Where Nacos serves its console: Nacos users type these, and find ours at /.
    if (NACOS_CONSOLE_PATHS.has(path)) return reply.redirect('/', 302);
    if (SERVER_PREFIXES.some((prefix) => path.startsWith(prefix))) return reply.callNotFound();
    const file = ROOT_FILE.test(path) && isFile(join(dir, path)) ? path.slice(1) : 'index.html';
    return reply.header('cache-control', 'no-cache').sendFile(file);
  };
  fastify.get('/', fallback);
  fastify.get('/*', fallback);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
