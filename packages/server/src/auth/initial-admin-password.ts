import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<data dir>/initial-admin-password`: a generated admin password kept where only the server's user
 * can read it (mode 0600), so it is not lost with the log of a start that then failed or with a
 * container's logs. It is removed as soon as it stops being the admin's password.
 */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

export function generateAdminPassword(): string {
  return randomBytes(18).toString('base64url');
}

export function initialPasswordPath(dataDir: string): string {
  return join(dataDir, INITIAL_ADMIN_PASSWORD_FILE);
}

/** Writes the file (replacing an older one) readable by the owner only; nothing with no data dir. */
export function keepInitialPassword(dataDir: string, password: string): string | undefined {
  if (dataDir === ':memory:') return undefined;
  const file = initialPasswordPath(dataDir);
  // Removed first: writeFileSync's mode applies only to a file it creates.
  rmSync(file, { force: true });
  writeFileSync(file, password + '\n', { mode: 0o600, flag: 'wx' });
  return file;
}

export function forgetInitialPassword(dataDir: string): void {
  if (dataDir !== ':memory:') rmSync(initialPasswordPath(dataDir), { force: true });
}
