import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, spawnServer, type BeaconEnv, type SpawnedServer } from '@beacon/test-support';

const CONSOLE_INDEX = join(REPO_ROOT, 'apps/console/dist/index.html');

/** The built server, serving the built console, in its own process (@beacon/test-support). */
export function startConsoleServer(env: BeaconEnv = {}): Promise<SpawnedServer> {
  if (!existsSync(CONSOLE_INDEX)) {
    throw new Error(`the console is not built (${CONSOLE_INDEX} is missing): run \`pnpm build\` first`);
  }
  return spawnServer({ env });
}
