import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  it('holds an entry until the token expires, to the millisecond', () => {
    let now = 1_000;
    const tokens = new VerifiedTokens<string>(() => now);
    tokens.remember('t', 'alice', 61_000, 0);
    expect(tokens.get('t', 0)).toBe('alice');
    now = 60_999;
    expect(tokens.get('t', 0)).toBe('alice');
    now = 61_000;
    expect(tokens.get('t', 0)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('drops an entry made at an older generation of the access directory', () => {
    const tokens = new VerifiedTokens<string>(() => 0);
    tokens.remember('t', 'alice', 10_000, 3);
    expect(tokens.get('t', 4)).toBeUndefined();
    // Gone for good: the generation going back cannot revive it.
    expect(tokens.get('t', 3)).toBeUndefined();
  });

  it('keeps at most `max` entries, dropping the oldest first', () => {
    const tokens = new VerifiedTokens<string>(() => 0, 2);
    tokens.remember('a', 'A', 10, 0);
    tokens.remember('b', 'B', 10, 0);
    tokens.remember('a', 'A2', 10, 0);
    expect(tokens.size).toBe(2);
    tokens.remember('c', 'C', 10, 0);
    expect(tokens.size).toBe(2);
    expect(tokens.get('a', 0)).toBeUndefined();
    expect(tokens.get('b', 0)).toBe('B');
    expect(tokens.get('c', 0)).toBe('C');
  });
});
