import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefusalLog } from './refusal-log.js';

describe('RefusalLog', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('writes the first refusal at once, then sums the rest up at most once per interval', () => {
    const lines: string[] = [];
    const log = new RefusalLog(
      (line) => lines.push(line),
      10_000,
      () => Date.now(),
    );
    log.add('per-ip (127.0.0.1)');
    expect(lines).toEqual(['1 x per-ip (127.0.0.1)']);
    for (let i = 0; i < 500; i++) log.add('per-ip (127.0.0.1)');
    log.add('total (127.0.0.2)');
    vi.advanceTimersByTime(9_999);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual(['1 x per-ip (127.0.0.1)', '500 x per-ip (127.0.0.1), 1 x total (127.0.0.2)']);
    // Quiet for longer than the interval: the next one is written at once again.
    vi.advanceTimersByTime(20_000);
    log.add('setup-timeout (127.0.0.3)');
    expect(lines.at(-1)).toBe('1 x setup-timeout (127.0.0.3)');
  });
});
