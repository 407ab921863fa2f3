import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ExpiryScheduler, HealthCheckScheduler } from '@beacon/core';
import { createBeaconApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/config.js';
import { RawHttp } from './raw-http.js';

export interface InProcessServer {
  readonly app: NestFastifyApplication;
  readonly http: RawHttp;
  readonly port: number;
  /** Every route the server registered, as `METHOD /path`. */
  readonly routes: ReadonlySet<string>;
  close(): Promise<void>;
}

/**
 * The whole app in this process on 127.0.0.1, port 0, temp data dir, auth off. With `quiet`
 * the expiry and active-check schedulers are stopped, so that state changes only through
 * requests (and no probe ever leaves the machine for an address a test invented).
 */
export async function startInProcessServer(options: { quiet?: boolean } = {}): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-hardening-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    BEACON_DATA_DIR: dataDir,
    BEACON_AUTH: 'off',
    BEACON_LOG_LEVEL: 'error',
  });
  const app = await createBeaconApp(config);
  const routes = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.add(`${method} ${route.url}`);
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  if (options.quiet) {
    app.get(ExpiryScheduler).stop();
    app.get(HealthCheckScheduler).stop();
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const http = new RawHttp('127.0.0.1', port);
  return {
    app,
    http,
    port,
    routes,
    async close() {
      http.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
