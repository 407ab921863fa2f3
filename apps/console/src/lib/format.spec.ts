import { describe, expect, it } from 'vitest';
import { formatAgo, formatMillis, formatRatio } from './format.js';

describe('formatAgo', () => {
  it('reads like a person would say it', () => {
    expect(formatAgo(400)).toBe('just now');
    expect(formatAgo(4_400)).toBe('4 s ago');
    expect(formatAgo(2_900)).toBe('3 s ago');
    expect(formatAgo(60_000)).toBe('1 min ago');
    expect(formatAgo(125_000)).toBe('2 min 5 s ago');
    expect(formatAgo(3 * 3_600_000 + 12 * 60_000)).toBe('3 h 12 min ago');
    expect(formatAgo(3 * 86_400_000)).toBe('3 d ago');
  });

  it('treats clock skew (negative elapsed time) as just now', () => {
    expect(formatAgo(-1500)).toBe('just now');
  });
});

describe('formatMillis / formatRatio', () => {
  it('groups thousands with a narrow space and keeps the exact value', () => {
    expect(formatMillis(2000)).toBe('2\u202f000 ms');
    expect(formatMillis(30000)).toBe('30\u202f000 ms');
    expect(formatMillis(999)).toBe('999 ms');
  });

  it('shows thresholds as percentages', () => {
    expect(formatRatio(0.75)).toBe('75%');
    expect(formatRatio(0.333)).toBe('33.3%');
  });
});
