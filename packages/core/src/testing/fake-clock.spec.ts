import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('starts at the given time and moves only on advance', () => {
    const clock = new FakeClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(250);
    expect(clock.now()).toBe(1250);
  });

  it('fires timers in due order, at their due time', () => {
    const clock = new FakeClock(0);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 10);
    clock.setTimeout(() => fired.push(['c', clock.now()]), 20);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(11);
    expect(fired).toEqual([
      ['a', 10],
      ['b', 20],
      ['c', 20],
    ]);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers scheduled by timers when they fall within the advance', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      clock.setTimeout(tick, 5);
    };
    clock.setTimeout(tick, 5);
    clock.advance(17);
    expect(fired).toEqual([5, 10, 15]);
    expect(clock.pendingTimers).toBe(1);
  });

  it('does not fire cleared timers', () => {
    const clock = new FakeClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 5);
    clock.clearTimeout(handle);
    clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('treats a negative delay as zero', () => {
    const clock = new FakeClock(100);
    let at = -1;
    clock.setTimeout(() => (at = clock.now()), -50);
    clock.advance(0);
    expect(at).toBe(100);
  });

  it('jump moves time without firing timers', () => {
    const clock = new FakeClock(0);
    let fired = 0;
    clock.setTimeout(() => fired++, 10);
    clock.jump(1000);
    expect(clock.now()).toBe(1000);
    expect(fired).toBe(0);
    expect(clock.pendingTimers).toBe(1);
  });

  it('after a jump, overdue timers fire late, at the current time, and time never runs backwards', () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 10);
    clock.jump(1000);
    clock.advance(1);
    expect(seen).toEqual([1000]);
    expect(clock.now()).toBe(1001);
  });
});
