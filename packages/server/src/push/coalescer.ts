/**
 * Gathers items per key and hands each key's batch over once, `windowMs` after the first item of
 * the batch arrived (a trailing window that does not slide, so a busy key still flushes on time).
 * A window of 0 flushes on the next turn of the event loop, which still merges one burst.
 */
export class Coalescer<K, T> {
  private readonly pending = new Map<K, T[]>();
  private readonly cancels = new Set<() => void>();

  constructor(
    private readonly windowMs: number,
    private readonly flush: (key: K, items: T[]) => void,
    private readonly reportError: (error: unknown) => void,
  ) {}

  add(key: K, item: T): void {
    const batch = this.pending.get(key);
    if (batch) {
      batch.push(item);
      return;
    }
    this.pending.set(key, [item]);
    const fire = () => {
      this.cancels.delete(cancel);
      const items = this.pending.get(key);
      this.pending.delete(key);
      if (!items) return;
      try {
        this.flush(key, items);
      } catch (error) {
        this.reportError(error);
      }
    };
    let cancel: () => void;
    if (this.windowMs === 0) {
      const immediate = setImmediate(fire).unref();
      cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(fire, this.windowMs).unref();
      cancel = () => clearTimeout(timer);
    }
    this.cancels.add(cancel);
  }

  /** Drops everything pending; used at shutdown. */
  clear(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.pending.clear();
  }
}
