import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { createBeaconApp } from '../app.js';
import { initialPasswordPath } from '../auth/initial-admin-password.js';
import { loadConfig } from '../config/config.js';
import { consoleIsBuilt } from '../console/serve-console.js';
import { NacosGrpcServer } from '../grpc/grpc-server.js';
import { isOperatorError } from '../logging/start-up-logger.js';
import { logProcessSignals } from '../process-signals.js';
import { startUpBanner } from './start-up-banner.js';
import { serverVersion } from './version.js';

const QUIET_LEVELS = new Set(['error', 'warn']);

/**
 * `beacon` (or `beacon serve`): reads the configuration, starts the server, prints the banner.
 * An operator's mistake (an invalid or unreachable setting, a database from a newer Beacon) is one
 * line naming it and exit code 2; anything else is a bug, with its stack, and exit code 1.
 */
export async function serve(): Promise<void> {
  try {
    const config = loadConfig();
    logProcessSignals(new Logger('Beacon'));
    const app = await createBeaconApp(config);
    await app.listen({ port: config.port, host: config.host });
    const address = app.getHttpServer().address();
    if (QUIET_LEVELS.has(config.logLevel)) return;
    const passwordFile = config.dataDir === ':memory:' ? undefined : initialPasswordPath(config.dataDir);
    console.log(
      startUpBanner({
        version: serverVersion(),
        config,
        httpPort: typeof address === 'object' && address ? address.port : config.port,
        grpcPort: config.grpcPort === 'off' ? undefined : app.get(NacosGrpcServer, { strict: false }).port,
        consoleBuilt: consoleIsBuilt(),
        passwordFile: passwordFile && existsSync(passwordFile) ? passwordFile : undefined,
      }),
    );
  } catch (error) {
    // An operator's situation, not a bug: the message says what to do, a stack trace would bury it.
    if (isOperatorError(error)) {
      console.error(
        error.message.startsWith('Invalid configuration') ? error.message : `Beacon cannot start: ${error.message}`,
      );
      process.exit(2);
    }
    console.error('Beacon failed to start:', error);
    process.exit(1);
  }
}
