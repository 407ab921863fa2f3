import { describe, expect, it } from 'vitest';
import { Instance } from '../model/instance.js';
import { Service } from '../model/service.js';
import { DeadlineHeap } from './deadline-heap.js';

const service = new Service('public', 'DEFAULT_GROUP@@heap');
const make = (n: number) => new Instance(service, '10.0.0.1', n, 'DEFAULT', true);

/** Deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('DeadlineHeap', () => {
  it('is empty at first', () => {
    const heap = new DeadlineHeap();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.popDue(Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  it('pops in deadline order, only what is due', () => {
    const heap = new DeadlineHeap();
    const [a, b, c] = [make(1), make(2), make(3)];
    heap.schedule(a, 30);
    heap.schedule(b, 10);
    heap.schedule(c, 20);
    expect(heap.peek()).toBe(b);
    expect(heap.popDue(9)).toBeUndefined();
    expect(heap.popDue(10)).toBe(b);
    expect(heap.dueAt(b)).toBeUndefined();
    expect(heap.popDue(25)).toBe(c);
    expect(heap.popDue(25)).toBeUndefined();
    expect(heap.size).toBe(1);
  });

  it('moves an already-queued instance instead of adding it twice', () => {
    const heap = new DeadlineHeap();
    const [a, b] = [make(1), make(2)];
    heap.schedule(a, 10);
    heap.schedule(b, 20);
    heap.schedule(a, 30);
    expect(heap.size).toBe(2);
    expect(heap.peek()).toBe(b);
    heap.schedule(a, 5);
    expect(heap.peek()).toBe(a);
    expect(heap.dueAt(a)).toBe(5);
  });

  it('removes by handle; removing twice or an unqueued instance is a no-op', () => {
    const heap = new DeadlineHeap();
    const [a, b, c] = [make(1), make(2), make(3)];
    heap.schedule(a, 1);
    heap.schedule(b, 2);
    heap.remove(a);
    heap.remove(a);
    heap.remove(c);
    expect(heap.size).toBe(1);
    expect(heap.peek()).toBe(b);
  });

  it('queues a popped item again at its new time, and forgets it when it is removed after the pop', () => {
    const heap = new DeadlineHeap<Instance>();
    const [a, b] = [make(1), make(2)];
    heap.schedule(a, 10);
    heap.schedule(b, 20);
    expect(heap.popDue(10)).toBe(a);
    heap.schedule(a, 30);
    expect(heap.dueAt(a)).toBe(30);
    expect(heap.popDue(20)).toBe(b);
    heap.remove(b);
    heap.schedule(a, 5);
    expect(heap.size).toBe(1);
    expect(heap.dueAt(b)).toBeUndefined();
    expect(heap.popDue(100)).toBe(a);
    heap.remove(a);
    heap.schedule(b, 1);
    expect([heap.size, heap.peek()]).toEqual([1, b]);
  });

  it.each([1, 2, 3, 42, 2024])('matches a sorted array under random operations (seed %i)', (seed) => {
    const rnd = prng(seed);
    const heap = new DeadlineHeap<Instance>();
    const pool = Array.from({ length: 200 }, (_, i) => make(i));
    const model = new Map<Instance, number>();
    let now = 0;

    const checkInvariants = () => {
      expect(heap.size).toBe(model.size);
      for (const instance of pool) expect(heap.dueAt(instance)).toBe(model.get(instance));
      const min = Math.min(...model.values());
      if (model.size > 0) expect(model.get(heap.peek()!)).toBe(min);
      else expect(heap.peek()).toBeUndefined();
    };

    for (let step = 0; step < 3000; step++) {
      const op = rnd();
      const instance = pool[Math.floor(rnd() * pool.length)]!;
      if (op < 0.35) {
        // schedule new or reschedule to a random time (earlier or later)
        const due = now + Math.floor(rnd() * 1000);
        heap.schedule(instance, due);
        model.set(instance, due);
      } else if (op < 0.5 && model.has(instance)) {
        const due = Math.max(0, model.get(instance)! - 1 - Math.floor(rnd() * 300));
        heap.schedule(instance, due);
        model.set(instance, due);
      } else if (op < 0.65 && model.has(instance)) {
        const due = model.get(instance)! + 1 + Math.floor(rnd() * 300);
        heap.schedule(instance, due);
        model.set(instance, due);
      } else if (op < 0.8) {
        heap.remove(instance);
        model.delete(instance);
      } else {
        now += Math.floor(rnd() * 50);
        const expected = [...model.entries()].filter(([, due]) => due <= now).sort((x, y) => x[1] - y[1]);
        const popped: Instance[] = [];
        for (let i = heap.popDue(now); i; i = heap.popDue(now)) popped.push(i);
        expect(popped.map((i) => model.get(i))).toEqual(expected.map(([, due]) => due));
        expect(new Set(popped)).toEqual(new Set(expected.map(([i]) => i)));
        for (const i of popped) model.delete(i);
      }
      if (step % 50 === 0) checkInvariants();
    }
    checkInvariants();

    const drained: number[] = [];
    for (let i = heap.popDue(Number.MAX_SAFE_INTEGER); i; i = heap.popDue(Number.MAX_SAFE_INTEGER)) {
      drained.push(model.get(i)!);
    }
    expect(drained).toEqual([...model.values()].sort((x, y) => x - y));
    expect(heap.size).toBe(0);
  });
});
