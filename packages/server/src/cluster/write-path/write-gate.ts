/**
 * Local writes pass through this gate. While the view is reconciled it is closed: `close` waits
 * for the writes in flight to finish and holds new ones until `open`, so no local write is half
 * applied (in the view, not yet in the engines) while the view is compared with the engines.
 * Entering an open gate is synchronous, so a write stays synchronous up to its first engine call.
 */
export class WriteGate {
  private inFlight = 0;
  private closed: { readonly opened: Promise<void>; readonly open: () => void } | undefined;
  private drained: (() => void) | undefined;

  /** Enters at once when open; false when closed (then `enter` waits). */
  tryEnter(): boolean {
    if (this.closed) return false;
    this.inFlight++;
    return true;
  }

  async enter(): Promise<void> {
    while (this.closed) await this.closed.opened;
    this.inFlight++;
  }

  leave(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  }

  /** Holds new writes and resolves once none is in flight. One closer at a time. */
  async close(): Promise<void> {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.closed = { opened, open };
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.drained = undefined;
  }

  open(): void {
    const closed = this.closed;
    this.closed = undefined;
    closed?.open();
  }
}
