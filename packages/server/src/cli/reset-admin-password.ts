import { AdminResetError, resetAdminPassword, resetClusterAdminPassword } from '../auth/admin-password-reset.js';
import { ADMIN_USER } from '../auth/access-directory.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { SchemaTooNewError } from '../storage/schema-migrator.js';

/**
 * Resets the password of the admin `nacos` (`beacon reset-admin-password`). Reads the server's own
 * configuration, so it finds the same BEACON_DATA_DIR: BEACON_ADMIN_PASSWORD becomes the new
 * password when set, otherwise one is generated, printed and kept in `<data dir>/initial-admin-password`.
 * A single server must be stopped first; in cluster mode (BEACON_REDIS_URL and BEACON_DATABASE_URL
 * set) it resets the cluster's admin in PostgreSQL instead, nodes running or not, and prints a
 * generated password without keeping it. Resolves with the exit code.
 */
export async function resetAdminPasswordCommand(): Promise<number> {
  try {
    const config = loadConfig();
    const result = config.cluster
      ? await resetClusterAdminPassword(config.cluster.databaseUrl, config.adminPassword)
      : await resetAdminPassword(config.dataDir, config.adminPassword);
    if (result.generated) {
      console.log(`The password of the admin '${ADMIN_USER}' is now:\n\n    ${result.password}\n`);
      console.log(
        result.file
          ? `It is also kept in ${result.file} until the admin changes it.`
          : "It is kept nowhere (the cluster's nodes have no shared data directory): note it now.",
      );
    } else {
      console.log(`The password of the admin '${ADMIN_USER}' is now the one in BEACON_ADMIN_PASSWORD.`);
    }
    console.log(
      config.cluster
        ? 'Tokens issued before this reset no longer work. The running nodes use the new password already; no restart is needed.'
        : 'Tokens issued before this reset no longer work. Start the server again.',
    );
    return 0;
  } catch (error) {
    // The operator's situation, not a bug: the message says what to do.
    if (!(error instanceof AdminResetError || error instanceof ConfigError || error instanceof SchemaTooNewError)) {
      throw error;
    }
    console.error(`reset-admin-password: ${error.message}`);
    return 1;
  }
}
