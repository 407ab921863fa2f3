import { describe, expect, it } from 'vitest';
import { FakeClock } from './testing/fake-clock.js';
import { Ticker } from './ticker.js';

describe('Ticker', () => {
  it('ticks every interval once started, and not after it is stopped', () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const ticker = new Ticker(clock, 100, () => ticks.push(clock.now()));
    clock.advance(150);
    expect(ticks).toEqual([]);
    ticker.start();
    ticker.start(); // a second start changes nothing
    clock.advance(299);
    expect(ticks).toEqual([250, 350]);
    ticker.stop();
    clock.advance(1000);
    expect(ticks).toEqual([250, 350]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps its rhythm when a tick throws', () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const ticker = new Ticker(clock, 10, () => {
      calls++;
      throw new Error('tick failed');
    });
    ticker.start();
    expect(() => clock.advance(10)).toThrow('tick failed');
    expect(() => clock.advance(10)).toThrow('tick failed');
    expect(calls).toBe(2);
    ticker.stop();
  });
});
