import { MemoryStore, NotFoundError, Registry, type InstanceAddress } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import { LeasedHealthChecks } from './leased-health-checks.js';
import { shardOf } from '../engines/redis-layout.js';

const SVC = 'DEFAULT_GROUP@@db';

function setup(write: (address: InstanceAddress, healthy: boolean) => Promise<unknown>) {
  const clock = new FakeClock(0);
  const registry = new Registry({ clock, store: new MemoryStore() });
  const instance = registry.registerInstance(registerCommand({ serviceName: SVC, port: 5432, ephemeral: false }));
  const held = new Set<number>();
  const reports: string[] = [];
  const checks = new LeasedHealthChecks(held, write, (m) => reports.push(m), clock);
  return { instance, held, reports, checks, clock };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('LeasedHealthChecks', () => {
  it('owns the services of the shards whose lease this node holds, as the lease set changes', () => {
    const { held, checks } = setup(() => Promise.resolve());
    expect(checks.owns('public', SVC)).toBe(false);
    held.add(shardOf('public', SVC));
    expect(checks.owns('public', SVC)).toBe(true);
    held.clear();
    expect(checks.owns('public', SVC)).toBe(false);
  });

  it('writes a change once while it is in flight, then again when a later check decides it again', async () => {
    const writes: [InstanceAddress, boolean][] = [];
    let finish: () => void = () => undefined;
    const { instance, checks } = setup((address, healthy) => {
      writes.push([address, healthy]);
      return new Promise<void>((resolve) => (finish = resolve));
    });
    checks.setHealth(instance, false);
    checks.setHealth(instance, false);
    expect(writes).toEqual([[instance.address, false]]);
    finish();
    await settle();
    checks.setHealth(instance, false);
    expect(writes).toHaveLength(2);
  });

  it('drops a refused write with one report per interval, and says nothing when the instance is gone', async () => {
    let error: Error = new Error('PostgreSQL is unavailable, nothing was written');
    const { instance, reports, checks, clock } = setup(() => Promise.reject(error));
    checks.setHealth(instance, false);
    await settle();
    checks.setHealth(instance, false);
    await settle();
    const report =
      'a health check result was not shared, the next check retries: PostgreSQL is unavailable, nothing was written';
    expect(reports).toEqual([report]);
    clock.advance(5000);
    checks.setHealth(instance, false);
    await settle();
    expect(reports).toEqual([report, report]);
    error = new NotFoundError('no matched ip found!');
    const quiet = setup(() => Promise.reject(error));
    quiet.checks.setHealth(quiet.instance, true);
    await settle();
    expect(quiet.reports).toEqual([]);
  });
});
