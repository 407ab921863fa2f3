import type { Migration } from './migration.js';

/**
 * Weight and enabled become operator overrides like metadata keys (issue 12): kept apart from what
 * the client registered, so they survive re-registration and restarts. NULL means "not overridden",
 * which is what every existing override row is.
 */
export const overrideWeightEnabled: Migration = {
  version: 2,
  description: 'overrides: weight and enabled columns (NULL = not overridden)',
  up(db) {
    db.exec(`
ALTER TABLE overrides ADD COLUMN weight REAL;
ALTER TABLE overrides ADD COLUMN enabled INTEGER;
`);
  },
};
