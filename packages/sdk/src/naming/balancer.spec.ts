import { describe, expect, it } from 'vitest';
import { pickByWeight, selectable } from './balancer.js';
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
  metadata: {},
  ...o,
});

describe('selectable', () => {
  it('keeps the requested health, enabled, weight > 0', () => {
    const hosts = [
      host('a'),
      host('b', { healthy: false }),
      host('c', { enabled: false }),
      host('d', { weight: 0 }),
      host('e', { healthy: false, weight: 2 }),
    ];
    expect(selectable(hosts, true).map((h) => h.ip)).toEqual(['a']);
    expect(selectable(hosts, false).map((h) => h.ip)).toEqual(['b', 'e']);
  });
});

describe('pickByWeight', () => {
  it('maps the random point onto cumulative weights', () => {
    const hosts = [host('a', { weight: 1 }), host('b', { weight: 3 })];
    expect(pickByWeight(hosts, () => 0)!.ip).toBe('a');
    expect(pickByWeight(hosts, () => 0.2499)!.ip).toBe('a');
    expect(pickByWeight(hosts, () => 0.25)!.ip).toBe('b');
    expect(pickByWeight(hosts, () => 0.9999999)!.ip).toBe('b');
  });

  it('picks in proportion to weight over many draws', () => {
    const hosts = [host('a', { weight: 1 }), host('b', { weight: 4 }), host('c', { weight: 0 })];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[pickByWeight(hosts, random)!.ip]!++;
    expect(counts['c']).toBe(0);
    expect(counts['a']! / 20_000).toBeCloseTo(0.2, 1);
    expect(counts['b']! / 20_000).toBeCloseTo(0.8, 1);
  });

  it('returns undefined when nothing has weight', () => {
    expect(pickByWeight([], () => 0.5)).toBeUndefined();
    expect(pickByWeight([host('a', { weight: 0 })], () => 0.5)).toBeUndefined();
  });
});
