import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, found from this package's place in it (packages/test-support/dist). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER_PACKAGE_DIR = join(REPO_ROOT, 'packages', 'server');
/** The built server's entry point: what `pnpm serve` and the Docker image run. */
export const BUILT_MAIN = join(SERVER_PACKAGE_DIR, 'dist', 'main.js');
/** The built server as a library (`createBeaconApp`, `loadConfig`), for in-process starts. */
export const BUILT_INDEX = join(SERVER_PACKAGE_DIR, 'dist', 'index.js');
export const READINESS_PATH = '/nacos/v1/console/health/readiness';
