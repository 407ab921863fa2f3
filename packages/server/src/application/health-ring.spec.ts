import { describe, expect, it } from 'vitest';
import { HealthRing } from './health-ring.js';

describe('HealthRing', () => {
  it('keeps change points, one per resolution bucket, the later state winning', () => {
    const ring = new HealthRing(10, 10_000);
    ring.record(1_000, 2, 2);
    ring.record(4_000, 1, 2); // same bucket: replaces
    ring.record(12_000, 1, 2); // no change: nothing kept
    ring.record(25_000, 0, 2);
    expect(ring.since(0)).toEqual([
      { at: 1_000, healthy: 1, unhealthy: 1 },
      { at: 25_000, healthy: 0, unhealthy: 2 },
    ]);
  });

  it('starts a window with the state at its start, and never rewrites the past', () => {
    const ring = new HealthRing(10, 10_000);
    ring.record(0, 3, 3);
    ring.record(50_000, 2, 3);
    ring.record(40_000, 0, 3);
    expect(ring.since(30_000)).toEqual([
      { at: 30_000, healthy: 3, unhealthy: 0 },
      { at: 50_000, healthy: 2, unhealthy: 1 },
    ]);
  });

  it('holds at most its capacity, dropping the oldest points', () => {
    const ring = new HealthRing(361, 10_000);
    for (let i = 0; i < 1000; i++) ring.record(i * 10_000, i % 2, 1);
    const points = ring.since(0);
    expect(points).toHaveLength(361);
    expect(points[0]!.at).toBe(639 * 10_000);
    expect(points.at(-1)!.at).toBe(999 * 10_000);
    // 361 points at one per 10 s bucket: an hour of history even for a service that flaps all day.
    expect(points.at(-1)!.at - points[0]!.at).toBe(3_600_000);
    expect(ring.bytes).toBe(361 * 16);
  });

  it('stays small for a service that rarely changes, and grows keeping the order', () => {
    const ring = new HealthRing(361, 10_000);
    ring.record(0, 0, 1);
    expect(ring.bytes).toBe(4 * 16);
    for (let i = 1; i <= 6; i++) ring.record(i * 10_000, i % 2, 1);
    expect(ring.since(0).map((p) => p.at)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(ring.bytes).toBe(8 * 16);
  });
});
