import { describe, expect, it } from 'vitest';
import { diffInstances } from './diff.js';
import type { Instance } from './types.js';

const host = (ip: string, o: Partial<Instance> = {}): Instance => ({
  instanceId: ip,
  ip,
  port: 80,
  weight: 1,
  healthy: true,
  enabled: true,
  ephemeral: true,
  clusterName: 'DEFAULT',
  serviceName: 'DEFAULT_GROUP@@s',
  metadata: { zone: 'a' },
  ...o,
});

describe('diffInstances', () => {
  it('finds added, removed and modified instances', () => {
    const d = diffInstances([host('1'), host('2'), host('3')], [host('1'), host('2', { healthy: false }), host('4')]);
    expect(d.added.map((h) => h.ip)).toEqual(['4']);
    expect(d.removed.map((h) => h.ip)).toEqual(['3']);
    expect(d.modified).toEqual([host('2', { healthy: false })]);
    expect(d.changed).toBe(true);
  });

  it('compares metadata by value, and treats another cluster as another instance', () => {
    expect(diffInstances([host('1')], [host('1', { metadata: { zone: 'a' } })]).changed).toBe(false);
    expect(diffInstances([host('1')], [host('1', { metadata: { zone: 'b' } })]).modified).toHaveLength(1);
    expect(diffInstances([host('1')], [host('1', { metadata: { zone: 'a', x: '' } })]).modified).toHaveLength(1);
    const moved = diffInstances([host('1')], [host('1', { clusterName: 'B' })]);
    expect([moved.added.length, moved.removed.length]).toEqual([1, 1]);
  });

  it('ignores order', () => {
    expect(diffInstances([host('1'), host('2')], [host('2'), host('1')]).changed).toBe(false);
  });
});
