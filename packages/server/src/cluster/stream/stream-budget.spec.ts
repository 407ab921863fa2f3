import { describe, expect, it } from 'vitest';
import { StreamBudget } from './stream-budget.js';

describe('StreamBudget', () => {
  it('keeps the configured count while entries are small', () => {
    const budget = new StreamBudget(100_000, 256 * 1024 * 1024);
    expect(budget.length()).toBe(100_000);
    for (let i = 0; i < 5000; i++) budget.observe(300);
    expect(budget.length()).toBe(100_000);
  });

  it('lowers the count when large entries would pass the byte budget, never under the floor', () => {
    const budget = new StreamBudget(100_000, 64 * 1024 * 1024);
    for (let i = 0; i < 10_000; i++) budget.observe(16 * 1024);
    expect(budget.length()).toBe(4096);
    const tiny = new StreamBudget(100_000, 1024 * 1024);
    for (let i = 0; i < 10_000; i++) tiny.observe(16 * 1024);
    expect(tiny.length()).toBe(1000);
    expect(tiny.minLen).toBe(1000);
    // A configured count under the floor stays the bound.
    expect(new StreamBudget(100, 1024 * 1024).minLen).toBe(100);
  });
});
