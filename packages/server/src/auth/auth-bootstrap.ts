import { existsSync, readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { ADMIN_USER, AccessDirectory } from './access-directory.js';
import {
  forgetInitialPassword,
  generateAdminPassword,
  initialPasswordPath,
  keepInitialPassword,
} from './initial-admin-password.js';
import { PasswordHasher } from './password-hasher.js';
import { TOKEN_SECRET, type TokenSecret } from './token-secret.js';

/**
 * First start: creates the admin `nacos` with BEACON_ADMIN_PASSWORD, or with a generated password
 * printed once and kept in `<data dir>/initial-admin-password` until the admin changes it. There is
 * no built-in password. With auth off it says so loudly, and creates the admin only when a password
 * is given (nothing would use a generated one).
 *
 * In cluster mode the admin is created once for the cluster: of nodes starting together the first
 * to insert it wins (the others find it), and only that node prints and keeps the generated
 * password, in its own data dir. Any node removes its kept file when the admin's password changes,
 * wherever the change was made.
 */
@Injectable()
export class AuthBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
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
    if (this.directory.user(ADMIN_USER)) {
      await this.forgetStalePasswordFile();
      await this.warnIfAdminPasswordIgnored();
    } else await this.createAdmin();
    this.forgetPasswordFileOnChange();
  }

  private async createAdmin(): Promise<void> {
    const given = this.config.adminPassword;
    if (given !== undefined) {
      if (!(await this.directory.createAdmin(given))) {
        this.createdElsewhere();
        return this.warnIfAdminPasswordIgnored();
      }
      this.logger.log(`created the admin user '${ADMIN_USER}' with the password from BEACON_ADMIN_PASSWORD`);
    } else if (this.config.authEnabled) {
      const generated = generateAdminPassword();
      if (!(await this.directory.createAdmin(generated))) return this.createdElsewhere();
      const file = keepInitialPassword(this.config.dataDir, generated);
      // Written past the log level on purpose: this is the only time the log shows this password.
      process.stderr.write(
        [
          '',
          '='.repeat(72),
          `Beacon created the admin user '${ADMIN_USER}' with this generated password:`,
          '',
          `    ${generated}`,
          '',
          file
            ? `It is shown only this once, and kept in ${file}\nuntil the admin changes it.`
            : 'It is shown only this once.',
          'Log in and change it, or set BEACON_ADMIN_PASSWORD before the first start next time.',
          '='.repeat(72),
          '',
        ].join('\n') + '\n',
      );
    }
  }

  /** Cluster mode: nodes starting together race to create the admin; the first wins, the others say so. */
  private createdElsewhere(): void {
    this.logger.log(`the admin user '${ADMIN_USER}' was created by another node of the cluster`);
  }

  /**
   * BEACON_ADMIN_PASSWORD is used only to create the admin. A node started with another one than
   * the admin has (a node of a cluster, or a restart with a new value) would otherwise go
   * unnoticed until the operator's login fails: one warning says which password is in force.
   */
  private async warnIfAdminPasswordIgnored(): Promise<void> {
    const given = this.config.adminPassword;
    const admin = this.directory.user(ADMIN_USER);
    if (given === undefined || admin === undefined) return;
    if (await this.hasher.verify(given, admin.passwordHash)) return;
    const where = this.config.cluster ? "the cluster's (kept in PostgreSQL)" : `the one kept in ${this.config.dataDir}`;
    this.logger.warn(
      `BEACON_ADMIN_PASSWORD is not the password of the admin user '${ADMIN_USER}', which already exists: ` +
        `it is ignored, and the admin's password stays ${where}, unchanged. To make it the admin's, run ` +
        '`beacon reset-admin-password` with this configuration, or change it in the console.',
    );
  }

  /** A kept password that no longer logs the admin in (changed while the server was stopped) goes. */
  private async forgetStalePasswordFile(): Promise<void> {
    if (this.config.dataDir === ':memory:') return;
    const file = initialPasswordPath(this.config.dataDir);
    if (!existsSync(file)) return;
    const kept = readFileSync(file, 'utf8').trim();
    const admin = this.directory.user(ADMIN_USER)!;
    if (!(await this.hasher.verify(kept, admin.passwordHash))) forgetInitialPassword(this.config.dataDir);
  }

  /** The admin's first password change (console, API or Nacos face) removes the kept password. */
  private forgetPasswordFileOnChange(): void {
    let changedAt = this.directory.user(ADMIN_USER)?.passwordChangedAt;
    this.directory.onChange(() => {
      const now = this.directory.user(ADMIN_USER)?.passwordChangedAt;
      if (now === changedAt) return;
      changedAt = now;
      forgetInitialPassword(this.config.dataDir);
    });
  }
}
