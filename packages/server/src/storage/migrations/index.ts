import { initialSchema } from './001-initial.js';
import { overrideWeightEnabled } from './002-override-weight-enabled.js';
import { auditLog } from './003-audit-log.js';
import type { Migration } from './migration.js';

/** Every schema step, in order. Add a step as the next numbered file and append it here. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, overrideWeightEnabled, auditLog];
