import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { BeatService } from './application/beat-service.js';
import { ServerStatusHolder } from './application/server-status.js';
import { AuthGuard } from './auth/auth-guard.js';
import type { BeaconConfig } from './config/config.js';
import { serveConsole } from './console/serve-console.js';
import { closeOnClientError } from './http/client-error.js';
import { guardConnections, headersCheckIntervalMs } from './http/connection-guard.js';
import { ErrorFilter } from './http/error-filter.js';
import { acceptFormBodies } from './http/form-body.js';
import { firstValueQuery } from './http/query-string.js';
import { closeConnectionsWhenClosing } from './http/graceful-close.js';
import { answerBeatsBeforeFastify } from './nacos/beat-fast-path.js';
import { registerBeatRoute } from './nacos/beat.route.js';
import { installTrafficFilter } from './nacos/traffic-filter.js';
import { StartUpLogger } from './logging/start-up-logger.js';
import { STOP_SIGNALS } from './process-signals.js';

/** Builds the whole server (not yet listening), for main.ts and for tests alike. */
export async function createBeaconApp(config: BeaconConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    logger: false,
    // Keep-alive clients (Java's beat reactor) may sit idle between beats.
    keepAliveTimeout: 65_000,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: headersCheckIntervalMs(config) },
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500, querystringParser: firstValueQuery },
    clientErrorHandler: closeOnClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new StartUpLogger(config.logLevel),
    abortOnError: false,
    // Body parsing is ours (form bodies of every kind, see acceptFormBodies); Fastify keeps JSON.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  guardConnections(fastify.server, config);
  acceptFormBodies(fastify);
  const closingState = closeConnectionsWhenClosing(fastify);
  // Before app.init() registers the routes, so the guard sees (and checks) every one of them.
  app.get(AuthGuard).install(fastify);
  serveConsole(fastify);
  app.useGlobalFilters(new ErrorFilter());

  installTrafficFilter(fastify, app.get(ServerStatusHolder));
  // The heartbeat bypasses Nest's request pipeline (see beat.route.ts); registered after the auth
  // guard is installed, so the guard classifies and checks it like every other route.
  registerBeatRoute(fastify, app.get(BeatService));
  // The ordinary beats are answered before Fastify, by the same rules (see beat-fast-path.ts).
  if (config.beatFastPath) {
    answerBeatsBeforeFastify(fastify, {
      beats: app.get(BeatService),
      guard: app.get(AuthGuard),
      status: app.get(ServerStatusHolder),
      bodyLimitBytes: config.bodyLimitBytes,
      closingState,
    });
  }
  // On SIGTERM/SIGINT (and no other signal): stop accepting, finish in-flight requests, close
  // storage, then exit 0 (without useProcessExit Nest re-raises the signal and the process dies with 143).
  app.enableShutdownHooks([...STOP_SIGNALS], { useProcessExit: true });
  return app;
}
