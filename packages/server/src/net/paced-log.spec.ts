import { describe, expect, it } from 'vitest';
import { atMostEveryFewSeconds, PACED_LOG_EVERY_MS } from './paced-log.js';

describe('atMostEveryFewSeconds', () => {
  it('writes the first line at once, then none until PACED_LOG_EVERY_MS after the last one written', () => {
    const lines: string[] = [];
    let now = 1000;
    const warn = atMostEveryFewSeconds(
      (line) => lines.push(line),
      () => now,
    );
    warn('one');
    warn('two');
    now += PACED_LOG_EVERY_MS - 1;
    warn('three');
    expect(lines).toEqual(['one']);
    now += 1;
    warn('four');
    now += PACED_LOG_EVERY_MS - 1;
    warn('five');
    expect(lines).toEqual(['one', 'four']);
  });
});
