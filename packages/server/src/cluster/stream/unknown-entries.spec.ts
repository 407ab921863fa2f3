import { FakeClock } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import { RESYNC_SPACING_MS, UnknownEntries } from './unknown-entries.js';

function setup() {
  const clock = new FakeClock(0);
  const resyncs: { at: number; why: string; only?: string[] }[] = [];
  const warnings: string[] = [];
  const entries = new UnknownEntries(
    clock,
    (why, only) => {
      resyncs.push({ at: clock.now(), why, ...(only ? { only: only.map((s) => s.serviceName) } : {}) });
      return Promise.resolve();
    },
    (message) => warnings.push(message),
  );
  return { clock, resyncs, warnings, entries };
}

describe('UnknownEntries', () => {
  it('counts every skipped entry, warns once per kind, and reloads the view at once for the first', () => {
    const { clock, resyncs, warnings, entries } = setup();
    entries.skipped('kind drainInstance', 'node-b');
    entries.skipped('kind drainInstance', 'node-b');
    entries.skipped('format version 2', 'node-c');
    clock.advance(0);
    expect(resyncs).toEqual([
      { at: 0, why: 'it skipped change stream entries it does not know (kind drainInstance, format version 2)' },
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('skipped a change stream entry of kind drainInstance from node node-b');
    expect([...entries.counted()]).toEqual([
      ['kind drainInstance', 2],
      ['format version 2', 1],
    ]);
  });

  it('spaces reloads RESYNC_SPACING_MS apart under a flood, and reloads once more after the last entry', () => {
    const { clock, resyncs, entries } = setup();
    entries.skipped('kind drainInstance', 'node-b');
    clock.advance(0);
    for (let t = 0; t < 2500; t += 100) {
      clock.advance(100);
      entries.skipped('kind drainInstance', 'node-b');
    }
    clock.advance(RESYNC_SPACING_MS);
    expect(resyncs.map((r) => r.at)).toEqual([0, 1000, 2000, 3000]);
    clock.advance(10 * RESYNC_SPACING_MS);
    expect(resyncs).toHaveLength(4);
  });

  it('reloads nothing after stop', () => {
    const { clock, resyncs, entries } = setup();
    entries.skipped('kind drainInstance', 'node-b');
    entries.stop();
    clock.advance(RESYNC_SPACING_MS);
    expect(resyncs).toEqual([]);
  });

  it('reloads just the services the entries name, and the whole view once one does not say', () => {
    const { clock, resyncs, entries } = setup();
    const orders = { namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@orders' };
    const users = { namespaceId: 'dev', serviceName: 'DEFAULT_GROUP@@users' };
    entries.skipped('kind drainInstance', 'node-b', orders);
    entries.skipped('kind drainInstance', 'node-b', users);
    entries.skipped('kind drainInstance', 'node-b', orders);
    clock.advance(0);
    expect(resyncs.at(-1)?.only).toEqual(['DEFAULT_GROUP@@orders', 'DEFAULT_GROUP@@users']);
    entries.skipped('kind drainInstance', 'node-b', orders);
    entries.skipped('format version 2', 'node-c');
    clock.advance(RESYNC_SPACING_MS);
    expect(resyncs).toHaveLength(2);
    expect(resyncs.at(-1)?.only).toBeUndefined();
  });
});
