/**
 * The one way to start the built Beacon server in tests, e2e and the bench.
 *
 *     await using server = await startInProcessServer();          // fast; server.app reaches inside
 *     await using server = await spawnServer({ env: { ... } });   // its own process: restarts, signals
 *
 * Both listen on 127.0.0.1 and a free port with a fresh temp data dir and TEST_ENV (auth off, a known
 * admin password and token secret), and return a disposable handle.
 */
export type {
  BeaconServer,
  Exit,
  InProcessApp,
  InProcessServer,
  SpawnOptions,
  SpawnedServer,
  StartOptions,
} from './beacon-server.js';
export { makeDataDir, removeDataDir } from './data-dir.js';
export { startPostgres, startRedis, type PostgresEngine, type RedisEngine, type RedisOptions } from './engines.js';
export { freePort } from './free-port.js';
export { startInProcessServer } from './in-process.js';
export { READINESS_PATH, REPO_ROOT } from './paths.js';
export { spawnServer } from './spawn-server.js';
export { ADMIN, TEST_ENV, TEST_TOKEN_SECRET, type BeaconEnv } from './test-environment.js';
