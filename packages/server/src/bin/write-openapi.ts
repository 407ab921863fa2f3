import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../api/openapi.js';
import { createBeaconApp } from '../app.js';
import { loadConfig } from '../config/config.js';

/**
 * Writes packages/server/openapi.json from the decorators, without opening a port.
 * With --check it only compares, and fails when the committed spec has drifted.
 */
const target = fileURLToPath(new URL('../../openapi.json', import.meta.url));
const app = await createBeaconApp(
  loadConfig({ BEACON_DATA_DIR: ':memory:', BEACON_LOG_LEVEL: 'error', BEACON_AUTH: 'off', BEACON_GRPC_PORT: 'off' }),
);
await app.init();
const spec = JSON.stringify(buildOpenApi(app), null, 2) + '\n';
await app.close();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // missing counts as drift
  }
  if (committed !== spec) {
    console.error('packages/server/openapi.json is out of date: run `pnpm openapi` and commit the result.');
    process.exit(1);
  }
  console.log('openapi.json is up to date');
} else {
  writeFileSync(target, spec);
  console.log(`wrote ${target}`);
}
