import { describe, expect, it } from 'vitest';
import { HealthHistory } from './health-history.js';

describe('HealthHistory', () => {
  it('records changes only, in time order', () => {
    const h = new HealthHistory();
    expect(h.record('s', 1000, 2, 2)).toBe(true);
    expect(h.record('s', 2000, 2, 2)).toBe(false);
    expect(h.record('s', 3000, 1, 2)).toBe(true);
    expect(h.record('s', 2500, 0, 2)).toBe(false);
    expect(h.window('s', 0)).toEqual([
      { at: 1000, healthy: 2, unhealthy: 0 },
      { at: 3000, healthy: 1, unhealthy: 1 },
    ]);
  });

  it('starts a window with the state in force at its start', () => {
    const h = new HealthHistory();
    h.record('s', 1000, 3, 3);
    h.record('s', 5000, 2, 3);
    h.record('s', 9000, 3, 3);
    expect(h.window('s', 6000)).toEqual([
      { at: 6000, healthy: 2, unhealthy: 1 },
      { at: 9000, healthy: 3, unhealthy: 0 },
    ]);
  });

  it('drops samples older than it keeps, but keeps the one in force at the horizon', () => {
    const h = new HealthHistory(10_000);
    h.record('s', 0, 1, 1);
    h.record('s', 1_000, 0, 1);
    h.record('s', 2_000, 1, 1);
    h.record('s', 20_000, 0, 1);
    expect(h.window('s', 0)).toEqual([
      { at: 2_000, healthy: 1, unhealthy: 0 },
      { at: 20_000, healthy: 0, unhealthy: 1 },
    ]);
  });

  it('bounds the samples per service and tells subscribers', () => {
    const h = new HealthHistory(Infinity, 3);
    let calls = 0;
    h.subscribe(() => calls++);
    for (let i = 0; i < 10; i++) h.record('s', i, i % 2, 1);
    expect(h.window('s', 0)).toHaveLength(3);
    expect(calls).toBe(10);
  });
});
