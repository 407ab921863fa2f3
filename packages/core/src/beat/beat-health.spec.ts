import { describe, expect, it } from 'vitest';
import { healthAfterBeat } from './beat-health.js';

describe('healthAfterBeat', () => {
  it.each([
    [false, false, true],
    [false, true, false],
    [true, false, true],
    [true, true, true],
  ])('healthy %s, marked %s: healthy %s after the beat', (healthy, marked, after) => {
    expect(healthAfterBeat(healthy, marked)).toBe(after);
  });
});
