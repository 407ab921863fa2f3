import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisTimeoutError, redisDeadline, withinTimeout } from './redis-timeout.js';

describe('withinTimeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers what Redis answers in time', async () => {
    await expect(withinTimeout(Promise.resolve(1), 100)).resolves.toBe(1);
    await expect(withinTimeout(Promise.reject(new Error('NOSCRIPT')), 100)).rejects.toThrow('NOSCRIPT');
  });

  it('fails with a RedisTimeoutError when Redis does not answer, and ignores a late answer', async () => {
    let answer!: (value: number) => void;
    const bounded = withinTimeout(new Promise<number>((resolve) => (answer = resolve)), 2500);
    let settled = false;
    const outcome = bounded.then(
      () => 'answered',
      (error: unknown) => error,
    );
    void outcome.finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(2499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(RedisTimeoutError);
    expect((error as Error).message).toBe('Redis did not answer within 2500 ms');
    answer(1);
    await expect(bounded).rejects.toBeInstanceOf(RedisTimeoutError);
  });
});

describe('redisDeadline', () => {
  it('is the moment the client hears 503', () => {
    expect(redisDeadline(() => 10_000, 2500)).toBe(12_500);
  });
});
