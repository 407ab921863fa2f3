import type { Instance } from '../model/instance.js';

/**
 * A binary min-heap of instances keyed by `dueAt`, indexed through `Instance.heapIndex` so that
 * removal and rescheduling of one instance are O(log n) without searching or allocating.
 */
export class DeadlineHeap {
  private readonly items: Instance[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Instance | undefined {
    return this.items[0];
  }

  /** Inserts the instance, or moves it if it is already queued. */
  schedule(instance: Instance, dueAt: number): void {
    if (instance.heapIndex >= 0) {
      const earlier = dueAt < instance.dueAt;
      instance.dueAt = dueAt;
      if (earlier) this.up(instance.heapIndex);
      else this.down(instance.heapIndex);
      return;
    }
    instance.dueAt = dueAt;
    instance.heapIndex = this.items.length;
    this.items.push(instance);
    this.up(instance.heapIndex);
  }

  remove(instance: Instance): void {
    const index = instance.heapIndex;
    if (index < 0) return;
    const last = this.items.pop()!;
    instance.heapIndex = -1;
    if (last === instance) return;
    this.items[index] = last;
    last.heapIndex = index;
    this.down(index);
    this.up(last.heapIndex);
  }

  /** Removes and returns the earliest instance if it is due at or before `now`. */
  popDue(now: number): Instance | undefined {
    const top = this.items[0];
    if (top === undefined || top.dueAt > now) return undefined;
    this.remove(top);
    return top;
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (parent.dueAt <= item.dueAt) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && items[right]!.dueAt < items[left]!.dueAt) child = right;
      const smallest = items[child]!;
      if (smallest.dueAt >= item.dueAt) break;
      items[index] = smallest;
      smallest.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
