import { describe, expect, it } from 'vitest';
import { selectHosts, type HostQuery } from './host-list.js';
import { Registry } from './registry.js';
import { MemoryStore } from './store.js';
import { FakeClock, registerCommand, TEST_SERVICE } from './testing/index.js';

const SVC = TEST_SERVICE;

interface Spec {
  port: number;
  healthy?: boolean;
  enabled?: boolean;
  cluster?: string;
  ephemeral?: boolean;
}

function build(protectThreshold: number, specs: Spec[]) {
  const registry = new Registry({ clock: new FakeClock(), store: new MemoryStore() });
  registry.createService({
    namespaceId: 'public',
    serviceName: SVC,
    protectThreshold,
    metadata: {},
    selector: { type: 'none' },
  });
  for (const s of specs) {
    const instance = registry.registerInstance(
      registerCommand({
        clusterName: s.cluster ?? 'DEFAULT',
        port: s.port,
        enabled: s.enabled ?? true,
        ephemeral: s.ephemeral ?? true,
      }),
    );
    if (s.healthy === false) registry.setHealth(instance, false);
  }
  return registry.findService('public', SVC)!;
}

const ALL: HostQuery = { clusters: [], healthyOnly: false };
const HEALTHY_ONLY: HostQuery = { clusters: [], healthyOnly: true };

function summary(selection: ReturnType<typeof selectHosts>) {
  return selection.hosts.map((h) => [h.instance.port, h.healthy]).sort((a, b) => Number(a[0]) - Number(b[0]));
}

describe('selectHosts', () => {
  it('returns healthy and unhealthy hosts with their health when the threshold is not reached', () => {
    const svc = build(0, [{ port: 1 }, { port: 2, healthy: false }]);
    const selection = selectHosts(svc, ALL);
    expect(selection.protectionReached).toBe(false);
    expect(summary(selection)).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('healthyOnly drops the unhealthy group', () => {
    const svc = build(0, [{ port: 1 }, { port: 2, healthy: false }]);
    expect(summary(selectHosts(svc, HEALTHY_ONLY))).toEqual([[1, true]]);
  });

  it('with the default threshold 0, all unhealthy means all are returned as healthy', () => {
    const svc = build(0, [
      { port: 1, healthy: false },
      { port: 2, healthy: false },
    ]);
    const selection = selectHosts(svc, ALL);
    expect(selection.protectionReached).toBe(true);
    expect(summary(selection)).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(svc.protectionReached()).toBe(true);
  });

  it('healthyOnly is applied after the protect threshold', () => {
    const svc = build(0, [
      { port: 1, healthy: false },
      { port: 2, healthy: false },
    ]);
    expect(summary(selectHosts(svc, HEALTHY_ONLY))).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('fires when healthy/total is at or below the threshold, not above', () => {
    const specs = [{ port: 1 }, { port: 2, healthy: false }, { port: 3, healthy: false }, { port: 4, healthy: false }];
    expect(selectHosts(build(0.25, specs), ALL).protectionReached).toBe(true);
    expect(selectHosts(build(0.24, specs), ALL).protectionReached).toBe(false);
    expect(summary(selectHosts(build(0.25, specs), HEALTHY_ONLY))).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ]);
    expect(summary(selectHosts(build(0.24, specs), HEALTHY_ONLY))).toEqual([[1, true]]);
  });

  it('an empty service reaches no threshold and returns nothing', () => {
    const svc = build(1, []);
    expect(selectHosts(svc, ALL)).toEqual({ hosts: [], protectionReached: false });
    expect(svc.protectionReached()).toBe(false);
  });

  it('excludes disabled instances from the output', () => {
    const svc = build(0, [{ port: 1 }, { port: 2, enabled: false }, { port: 3, healthy: false, enabled: false }]);
    expect(summary(selectHosts(svc, ALL))).toEqual([[1, true]]);
  });

  it('counts a disabled healthy instance in the ratio', () => {
    // counted: 2 healthy of 5 = 0.4 > 0.3 (not reached); uncounted it would be 1 of 4 = 0.25 (reached)
    const svc = build(0.3, [
      { port: 1 },
      { port: 2, enabled: false },
      { port: 3, healthy: false },
      { port: 4, healthy: false },
      { port: 5, healthy: false },
    ]);
    const selection = selectHosts(svc, ALL);
    expect(selection.protectionReached).toBe(false);
    expect(summary(selection)).toEqual([
      [1, true],
      [3, false],
      [4, false],
      [5, false],
    ]);
  });

  it('counts a disabled unhealthy instance in the ratio', () => {
    // counted: 1 healthy of 3 = 0.33 <= 0.4 (reached); uncounted it would be 1 of 2 = 0.5 (not reached)
    const svc = build(0.4, [{ port: 1 }, { port: 2, healthy: false }, { port: 3, healthy: false, enabled: false }]);
    const selection = selectHosts(svc, HEALTHY_ONLY);
    expect(selection.protectionReached).toBe(true);
    expect(summary(selection)).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('filters by cluster, computing the threshold over the chosen clusters only', () => {
    const svc = build(0, [
      { port: 1, cluster: 'A' },
      { port: 2, cluster: 'B', healthy: false },
      { port: 3, cluster: 'C' },
    ]);
    expect(summary(selectHosts(svc, { clusters: ['A'], healthyOnly: false }))).toEqual([[1, true]]);
    expect(summary(selectHosts(svc, { clusters: ['A', 'C'], healthyOnly: false }))).toEqual([
      [1, true],
      [3, true],
    ]);
    const onlyB = selectHosts(svc, { clusters: ['B'], healthyOnly: true });
    expect(onlyB.protectionReached).toBe(true);
    expect(summary(onlyB)).toEqual([[2, true]]);
    expect(selectHosts(svc, { clusters: ['B', 'C'], healthyOnly: true }).protectionReached).toBe(false);
    expect(summary(selectHosts(svc, { clusters: ['B', 'C'], healthyOnly: true }))).toEqual([[3, true]]);
  });

  it('ignores unknown cluster names', () => {
    const svc = build(0, [{ port: 1, cluster: 'A' }]);
    expect(selectHosts(svc, { clusters: ['NOPE'], healthyOnly: false })).toEqual({
      hosts: [],
      protectionReached: false,
    });
    expect(summary(selectHosts(svc, { clusters: ['NOPE', 'A'], healthyOnly: false }))).toEqual([[1, true]]);
  });

  it('lists ephemeral and persistent instances alike', () => {
    const svc = build(0, [{ port: 1 }, { port: 1, ephemeral: false, healthy: false }]);
    const selection = selectHosts(svc, ALL);
    expect(selection.hosts.map((h) => [h.instance.ephemeral, h.healthy])).toEqual(
      expect.arrayContaining([
        [true, true],
        [false, false],
      ]),
    );
    expect(selection.hosts).toHaveLength(2);
  });
});
