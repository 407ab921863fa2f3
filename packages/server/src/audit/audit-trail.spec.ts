import { FakeClock } from '@beacon/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import type { AuditRecord } from './audit-entry.js';
import { AUDIT_PRUNE_INTERVAL_MS, AuditRetention } from './audit-retention.js';
import { auditJson, AuditTrail, REDACTED } from './audit-trail.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

const DAY = 24 * 3600 * 1000;
const OPERATOR = { user: 'nacos', address: '127.0.0.1' };

let database: SqliteDatabase | undefined;
afterEach(() => database?.close());

function trailAt(clock: FakeClock, failures: unknown[] = []) {
  database = new SqliteDatabase(':memory:');
  const store = new SqliteAuditStore(database);
  return {
    store,
    trail: new AuditTrail(
      store,
      () => clock.now(),
      (error) => failures.push(error),
    ),
  };
}

const record = (path: string, action = 'updateService'): AuditRecord => ({
  actor: OPERATOR,
  action,
  target: { type: 'service', path },
  before: null,
  after: { protectThreshold: 0.5 },
});

describe('auditJson (what before and after are stored as)', () => {
  it('masks the value of every key that names a secret, at any depth, metadata included', () => {
    expect(
      auditJson({
        password: 'p',
        newPassword: 'p',
        passwordHash: 'scrypt$...',
        metadata: {
          'db.password': 'p',
          'api-token': 't',
          clientSecret: 's',
          zone: 'a',
          'ssh.private_key': 'k',
          'db.pass': 'p',
          passive: 'yes',
          apiKey: 'k',
        },
        list: [{ credentials: 'c' }],
      }),
    ).toEqual({
      password: REDACTED,
      newPassword: REDACTED,
      passwordHash: REDACTED,
      metadata: {
        'db.password': REDACTED,
        'api-token': REDACTED,
        clientSecret: REDACTED,
        zone: 'a',
        'ssh.private_key': REDACTED,
        'db.pass': REDACTED,
        // A word that merely contains "pass" is not a secret.
        passive: 'yes',
        apiKey: REDACTED,
      },
      list: [{ credentials: REDACTED }],
    });
  });

  it('is plain JSON: undefined becomes null or is left out, maps and sets become objects and arrays', () => {
    expect(auditJson(undefined)).toBeNull();
    expect(auditJson({ a: undefined, b: 1, c: Number.NaN })).toEqual({ b: 1, c: 'NaN' });
    expect(auditJson(new Map([['k', new Set(['x'])]]))).toEqual({ k: ['x'] });
  });

  it('copies: a later change of the object does not reach the snapshot', () => {
    const settings = { metadata: { zone: 'a' } };
    const snapshot = auditJson(settings);
    settings.metadata.zone = 'b';
    expect(snapshot).toEqual({ metadata: { zone: 'a' } });
  });
});

describe('AuditTrail', () => {
  it('stores who, from where, when (its clock), what and before/after, newest first', async () => {
    const clock = new FakeClock(1_000);
    const { trail } = trailAt(clock);
    await trail.record(record('public/DEFAULT_GROUP@@a'));
    clock.advance(5);
    await trail.record(record('public/DEFAULT_GROUP@@b', 'deleteService'));
    const entries = await trail.query({ limit: 10 });
    expect(entries.map((e) => [e.at, e.action, e.target])).toEqual([
      [1_005, 'deleteService', 'public/DEFAULT_GROUP@@b'],
      [1_000, 'updateService', 'public/DEFAULT_GROUP@@a'],
    ]);
    expect(entries[0]).toMatchObject({
      user: 'nacos',
      address: '127.0.0.1',
      before: null,
      after: { protectThreshold: 0.5 },
    });
  });

  it('matches a target filter on the path and what lies below it, not on a name that merely starts alike', async () => {
    const { trail } = trailAt(new FakeClock());
    for (const path of [
      'public',
      'public/G@@orders',
      'public/G@@orders/DEFAULT/127.0.0.1:80',
      'public/G@@orders-eu',
      'public2',
    ])
      await trail.record(record(path));
    const targets = async (target: string) => (await trail.query({ target, limit: 10 })).map((e) => e.target).sort();
    expect(await targets('public/G@@orders')).toEqual(['public/G@@orders', 'public/G@@orders/DEFAULT/127.0.0.1:80']);
    expect(await targets('public')).toEqual([
      'public',
      'public/G@@orders',
      'public/G@@orders-eu',
      'public/G@@orders/DEFAULT/127.0.0.1:80',
    ]);
  });

  it('reports an entry it cannot store and does not throw: the write it describes is done', async () => {
    const failures: unknown[] = [];
    const { trail } = trailAt(new FakeClock(), failures);
    database!.close();
    await expect(trail.record(record('public'))).resolves.toBeUndefined();
    expect(failures).toHaveLength(1);
  });
});

describe('AuditRetention', () => {
  it('prunes at start and then every hour on the clock: entries past the retention, then those past the cap', async () => {
    const clock = new FakeClock(100 * DAY);
    const { store, trail } = trailAt(clock);
    const retention = new AuditRetention(store, clock, { days: 2, maxEntries: 3 }, (error) => {
      throw error;
    });
    await trail.record(record('old')); // at day 100
    clock.advance(DAY);
    for (const path of ['a', 'b', 'c', 'd']) await trail.record(record(path)); // at day 101
    retention.start();
    await retention.stop();
    const paths = async () => (await trail.query({ limit: 10 })).map((e) => e.target);
    // The cap leaves the 3 newest; 'old' is not 2 days old yet.
    expect(await paths()).toEqual(['d', 'c', 'b']);

    retention.start();
    clock.advance(DAY); // day 102
    await trail.record(record('e'));
    clock.advance(DAY); // day 103: the cap took 'b'; those of day 101 are exactly 2 days old, kept
    expect(await paths()).toEqual(['e', 'd', 'c']);
    clock.advance(AUDIT_PRUNE_INTERVAL_MS); // the next hourly pass finds them older than that
    await retention.stop();
    expect(await paths()).toEqual(['e']);
  });
});
