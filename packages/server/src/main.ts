import { Logger } from '@nestjs/common';
import { createBeaconApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { logProcessSignals } from './process-signals.js';
import { PostgresSchemaTooNewError } from './storage/postgres-migrator.js';
import { SchemaTooNewError } from './storage/schema-migrator.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = new Logger('Beacon');
  logProcessSignals(logger);
  const app = await createBeaconApp(config);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.log(`listening on http://${config.host}:${port} (data: ${config.dataDir})`);
}

main().catch((error: unknown) => {
  // An operator's situation, not a bug: the message says what to do, a stack trace would bury it.
  if (error instanceof SchemaTooNewError || error instanceof PostgresSchemaTooNewError) {
    console.error(`Beacon cannot start: ${error.message}`);
    process.exit(2);
  }
  // Cluster mode finds an unreachable engine only when it connects: named like any invalid variable.
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error('Beacon failed to start:', error);
  process.exit(1);
});
