import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, maxMs: 10_000 };
  it('doubles per attempt up to the cap, within [d/2, d]', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 0))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('never returns zero and survives huge attempt counts', () => {
    expect(backoffDelay({ baseMs: 1, maxMs: 1 }, 1, () => 0)).toBe(1);
    expect(backoffDelay(policy, 10_000, () => 0.5)).toBe(7500);
  });
});
