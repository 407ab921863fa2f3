import { describe, expect, it } from 'vitest';
import { ByteRateLimiter } from './byte-rate-limiter.js';

describe('ByteRateLimiter', () => {
  it('allows a second worth of bytes at once, then refills at the rate', () => {
    const limiter = new ByteRateLimiter(1000);
    expect(limiter.take('a', 600, 0)).toBe(true);
    expect(limiter.take('a', 600, 0)).toBe(false);
    expect(limiter.take('b', 600, 0)).toBe(true);
    expect(limiter.take('a', 600, 300)).toBe(true); // 400 + 300 refilled
    expect(limiter.take('a', 200, 300)).toBe(false);
  });

  it('lets a packet larger than the whole budget through when the bucket is full', () => {
    const limiter = new ByteRateLimiter(1000);
    expect(limiter.take('a', 5000, 0)).toBe(true);
    expect(limiter.take('a', 1, 4000)).toBe(false);
    expect(limiter.take('a', 1, 6100)).toBe(true);
  });

  it('forgets keys whose budget has refilled', () => {
    const limiter = new ByteRateLimiter(1000);
    limiter.take('a', 1000, 0);
    limiter.prune(500);
    expect(limiter.take('a', 600, 500)).toBe(false);
    limiter.prune(1000);
    expect(limiter.take('a', 1000, 1000)).toBe(true);
  });
});
