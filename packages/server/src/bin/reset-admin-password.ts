import { resetAdminPasswordCommand } from '../cli/reset-admin-password.js';

/** `pnpm reset-admin-password` in a checkout; installed, the same is `beacon reset-admin-password`. */
process.exitCode = await resetAdminPasswordCommand();
