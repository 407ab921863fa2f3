import { describe, expect, it } from 'vitest';
import { ChangeHistory } from './change-history.js';

const entry = (revision: number, bytes = 10) => ({ revision, serviceName: 's', reason: 'r', bytes });

describe('ChangeHistory', () => {
  it('replays what came after a revision, while it reaches back that far', () => {
    const history = new ChangeHistory(1000, 5);
    for (const r of [7, 9, 12]) history.append(entry(r));
    expect(history.since(5)?.map((e) => e.revision)).toEqual([7, 9, 12]);
    expect(history.since(9)?.map((e) => e.revision)).toEqual([12]);
    expect(history.since(12)).toEqual([]);
    // Before the history began: changes up to 5 may be missing.
    expect(history.since(4)).toBeUndefined();
  });

  it('evicts the oldest entries past its size, raising the floor to the newest evicted', () => {
    const history = new ChangeHistory(30, 0);
    for (let r = 1; r <= 5; r++) history.append(entry(r));
    expect(history.length).toBe(3);
    expect(history.bytes).toBe(30);
    expect(history.floor).toBe(2);
    expect(history.since(1)).toBeUndefined();
    expect(history.since(2)?.map((e) => e.revision)).toEqual([3, 4, 5]);
  });

  it('stays correct across compactions', () => {
    const history = new ChangeHistory(50, 0);
    for (let r = 1; r <= 5000; r++) history.append(entry(r));
    expect(history.length).toBe(5);
    expect(history.since(4995)?.map((e) => e.revision)).toEqual([4996, 4997, 4998, 4999, 5000]);
    expect(history.since(4994)).toBeUndefined();
  });

  it('keeps nothing with a size of 0, so every resume gets a snapshot', () => {
    const history = new ChangeHistory(0, 0);
    history.append(entry(1));
    expect(history.length).toBe(0);
    expect(history.since(0)).toBeUndefined();
    expect(history.since(1)).toEqual([]);
  });
});
