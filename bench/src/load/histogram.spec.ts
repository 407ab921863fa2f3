import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.js';

describe('Histogram', () => {
  it('reports quantiles within 1.6% of the recorded values', () => {
    const h = new Histogram();
    for (let i = 1; i <= 10_000; i++) h.recordMs(i / 100); // 0.01 ms .. 100 ms
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeGreaterThanOrEqual(50 * 0.984);
    expect(s.p50).toBeLessThanOrEqual(50 * 1.016);
    expect(s.p99).toBeGreaterThanOrEqual(99 * 0.984);
    expect(s.p99).toBeLessThanOrEqual(99 * 1.016);
    expect(s.max).toBe(100);
    expect(s.mean).toBeCloseTo(50.005, 2);
  });

  it('never reports a quantile above the maximum, and is exact below 128 µs', () => {
    const h = new Histogram();
    h.recordMs(0.1);
    h.recordMs(0.127);
    expect(h.quantileMs(0.5)).toBe(0.1);
    expect(h.quantileMs(1)).toBe(0.127);
    expect(h.summary().max).toBe(0.127);
  });

  it('survives a round trip through JSON and merges counts', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 0; i < 100; i++) a.recordMs(1);
    for (let i = 0; i < 100; i++) b.recordMs(1000);
    const copy = Histogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as ReturnType<Histogram['toJSON']>);
    copy.merge(b);
    expect(copy.count).toBe(200);
    expect(copy.quantileMs(0.5)).toBeCloseTo(1, 1);
    expect(copy.quantileMs(0.99)).toBeGreaterThan(980);
    expect(copy.summary().max).toBe(1000);
  });

  it('clamps absurd values instead of overflowing', () => {
    const h = new Histogram();
    h.recordMs(10 * 3600 * 1000);
    h.recordMs(-5);
    expect(h.count).toBe(2);
    expect(h.summary().max).toBeGreaterThan(2_000_000);
    expect(h.quantileMs(0.5)).toBe(0);
  });
});
