import { pathToFileURL } from 'node:url';
import type { InProcessApp, InProcessServer, StartOptions } from './beacon-server.js';
import { makeDataDir, removeDataDir } from './data-dir.js';
import { assertBuildIsFresh } from './fresh-build.js';
import { BUILT_INDEX } from './paths.js';
import { TEST_ENV, adminOf, mergeEnv } from './test-environment.js';

interface BuiltServerModule {
  loadConfig(env: Record<string, string>): unknown;
  createBeaconApp(config: unknown): Promise<InProcessApp & { listen(options: object): Promise<unknown> }>;
}

/**
 * The built server in this process, on 127.0.0.1 and port 0: the fastest start, and `app` reaches
 * the Nest container. Use `spawnServer` for restarts, signals, crashes and measurements.
 */
export async function startInProcessServer(options: StartOptions = {}): Promise<InProcessServer> {
  assertBuildIsFresh();
  const built = (await import(pathToFileURL(BUILT_INDEX).href)) as BuiltServerModule;
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeDataDir();
  const env = mergeEnv(TEST_ENV, { BEACON_LOG_LEVEL: 'error' }, options.env, {
    PORT: '0',
    HOST: '127.0.0.1',
    BEACON_DATA_DIR: dataDir,
  });
  let app: Awaited<ReturnType<BuiltServerModule['createBeaconApp']>> | undefined;
  try {
    app = await built.createBeaconApp(built.loadConfig(env));
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app?.close().catch(() => undefined);
    if (ownsDir) removeDataDir(dataDir);
    throw error;
  }
  const address = app.getHttpServer().address();
  if (address === null || typeof address !== 'object') throw new Error('test server has no TCP address');
  const started = app;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= started.close().finally(() => {
      if (ownsDir) removeDataDir(dataDir);
    }));
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    port: address.port,
    dataDir,
    admin: adminOf(env),
    app: started,
    close,
    [Symbol.asyncDispose]: close,
  };
}
