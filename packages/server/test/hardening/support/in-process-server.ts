import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ExpiryScheduler, HealthCheckScheduler } from '@beacon/core';
import { BEAT_PATH } from '../../../src/nacos/beat.route.js';
import { startInProcessServer, type InProcessApp, type InProcessServer as BuiltServer } from '@beacon/test-support';
import { UdpPusher } from '../../support/built-internals.js';
import { RawHttp } from './raw-http.js';

export interface InProcessServer {
  readonly server: BuiltServer;
  readonly http: RawHttp;
  /** Every route of every controller, as `METHOD /path` (`ALL` for @All), and the beat route. */
  readonly routes: ReadonlySet<string>;
  close(): Promise<void>;
}

/**
 * The shared in-process test server (127.0.0.1, port 0, temp data dir), auth off. The expiry and
 * active-check schedulers and the UDP pusher are stopped, so that state changes only through
 * requests, and no probe or push ever leaves for an address a test invented.
 */
export async function startQuietServer(): Promise<InProcessServer> {
  const server = await startInProcessServer({ env: { BEACON_AUTH: 'off' } });
  server.app.get(ExpiryScheduler).stop();
  server.app.get(HealthCheckScheduler).stop();
  // No UDP push either: hostile clientIP values must never turn into datagrams to anywhere.
  server.app.get(UdpPusher).stop();
  const http = new RawHttp('127.0.0.1', server.port);
  return {
    server,
    http,
    // The beat is served by a route on Fastify itself, not by a controller (nacos/beat.route.ts).
    routes: new Set([...controllerRoutes(server.app), `PUT ${BEAT_PATH}`]),
    async close() {
      http.close();
      await server.close();
    },
  };
}

/** Routes as the controllers declare them (Nest metadata), whatever the HTTP adapter made of them. */
function controllerRoutes(app: InProcessApp): Set<string> {
  const routes = new Set<string>();
  const join = (...parts: string[]) =>
    `/${parts
      .map((p) => p.replace(/^\/|\/$/g, ''))
      .filter(Boolean)
      .join('/')}`;
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const bases = [Reflect.getMetadata('path', metatype) as string | string[]].flat();
      const proto = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const base of bases) {
          for (const path of [Reflect.getMetadata('path', handler) as string | string[]].flat()) {
            routes.add(`${RequestMethod[method]} ${join(base, path)}`);
          }
        }
      }
    }
  }
  return routes;
}
