import { describe, expect, it } from 'vitest';
import { WriteGate } from './write-gate.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteGate', () => {
  it('lets writes in at once while open, synchronously', () => {
    const gate = new WriteGate();
    expect(gate.tryEnter()).toBe(true);
    gate.leave();
  });

  it('closes once the writes in flight have left, and holds new ones until it opens', async () => {
    const gate = new WriteGate();
    gate.tryEnter();
    let closed = false;
    const closing = gate.close().then(() => (closed = true));
    await tick();
    expect(closed).toBe(false); // a write is still in flight
    expect(gate.tryEnter()).toBe(false);
    let entered = false;
    const waiting = gate.enter().then(() => (entered = true));
    gate.leave();
    await closing;
    await tick();
    expect(entered).toBe(false); // held while closed
    gate.open();
    await waiting;
    expect(entered).toBe(true);
    gate.leave();
    expect(gate.tryEnter()).toBe(true);
  });
});
