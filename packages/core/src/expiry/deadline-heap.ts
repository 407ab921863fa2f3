/** Where an item sits in the heap (-1: not queued) and when it is due: the heap's own bookkeeping, kept off the item. */
interface Slot<T> {
  readonly item: T;
  dueAt: number;
  index: number;
}

/**
 * A binary min-heap of items (instances) keyed by when they are due, with a map from item to its
 * slot, so that removal and rescheduling of one item are O(log n) without searching. The item
 * itself carries nothing of the heap's. A popped item keeps its slot, unqueued, until `remove`
 * (the owner removes what it stops tracking); and expiry, which pops an instance and mostly queues
 * it again at once, finds that slot at hand (`popped`) without a map lookup: without it the
 * 100k-instance expiry simulation spent about a third longer in `runDue` than with the slot on
 * the instance.
 */
export class DeadlineHeap<T> {
  private readonly slots: Slot<T>[] = [];
  private readonly slotOf = new Map<T, Slot<T>>();
  /** The slot popDue returned last. */
  private popped: Slot<T> | undefined;

  get size(): number {
    return this.slots.length;
  }

  peek(): T | undefined {
    return this.slots[0]?.item;
  }

  /** When the item is due, if it is queued. */
  dueAt(item: T): number | undefined {
    const slot = this.slotOf.get(item);
    return slot === undefined || slot.index < 0 ? undefined : slot.dueAt;
  }

  /** Inserts the item, or moves it if it is already queued. */
  schedule(item: T, dueAt: number): void {
    let slot = this.popped?.item === item ? this.popped : this.slotOf.get(item);
    if (slot !== undefined && slot.index >= 0) {
      const earlier = dueAt < slot.dueAt;
      slot.dueAt = dueAt;
      if (earlier) this.up(slot.index);
      else this.down(slot.index);
      return;
    }
    if (slot === undefined) this.slotOf.set(item, (slot = { item, dueAt, index: -1 }));
    slot.dueAt = dueAt;
    slot.index = this.slots.length;
    this.slots.push(slot);
    this.up(slot.index);
  }

  /** Unqueues the item and forgets it. */
  remove(item: T): void {
    const slot = this.slotOf.get(item);
    if (slot === undefined) return;
    this.slotOf.delete(item);
    if (this.popped === slot) this.popped = undefined;
    if (slot.index >= 0) this.unqueue(slot);
  }

  /** Unqueues and returns the earliest item if it is due at or before `now`. */
  popDue(now: number): T | undefined {
    const top = this.slots[0];
    if (top === undefined || top.dueAt > now) return undefined;
    this.unqueue(top);
    this.popped = top;
    return top.item;
  }

  private unqueue(slot: Slot<T>): void {
    const last = this.slots.pop()!;
    const index = slot.index;
    slot.index = -1;
    if (last === slot) return;
    this.slots[index] = last;
    last.index = index;
    this.down(index);
    this.up(last.index);
  }

  private up(index: number): void {
    const slots = this.slots;
    const slot = slots[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = slots[parentIndex]!;
      if (parent.dueAt <= slot.dueAt) break;
      slots[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    slots[index] = slot;
    slot.index = index;
  }

  private down(index: number): void {
    const slots = this.slots;
    const length = slots.length;
    const slot = slots[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && slots[right]!.dueAt < slots[left]!.dueAt) child = right;
      const smallest = slots[child]!;
      if (smallest.dueAt >= slot.dueAt) break;
      slots[index] = smallest;
      smallest.index = index;
      index = child;
    }
    slots[index] = slot;
    slot.index = index;
  }
}
