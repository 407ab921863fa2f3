import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { ADMIN_USER, AccessDirectory } from './access-directory.js';
import { TOKEN_SECRET, type TokenSecret } from './token-secret.js';

/**
 * First start: creates the admin `nacos` with BEACON_ADMIN_PASSWORD, or with a generated password
 * printed once. There is no built-in password. With auth off it says so loudly, and creates the admin
 * only when a password is given (nothing would use a generated one).
 */
@Injectable()
export class AuthBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(TOKEN_SECRET) private readonly secret: TokenSecret,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.authEnabled) {
      this.logger.warn(
        'BEACON_AUTH=off: authentication is DISABLED. Anyone who can reach this port can read and change ' +
          'everything. Use this for local development only.',
      );
    }
    this.logger.log(`token secret: ${this.secret.description}`);
    if (this.directory.user(ADMIN_USER)) return;
    const given = this.config.adminPassword;
    if (given !== undefined) {
      await this.directory.createAdmin(given);
      this.logger.log(`created the admin user '${ADMIN_USER}' with the password from BEACON_ADMIN_PASSWORD`);
    } else if (this.config.authEnabled) {
      const generated = randomBytes(18).toString('base64url');
      await this.directory.createAdmin(generated);
      // Written past the log level on purpose: this is the only time anyone sees this password.
      process.stderr.write(
        [
          '',
          '='.repeat(72),
          `Beacon created the admin user '${ADMIN_USER}' with this generated password:`,
          '',
          `    ${generated}`,
          '',
          'It is shown only this once. Log in and change it, or set BEACON_ADMIN_PASSWORD',
          'before the first start next time.',
          '='.repeat(72),
          '',
        ].join('\n') + '\n',
      );
    }
  }
}
