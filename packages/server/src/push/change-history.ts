/**
 * That a service changed at a revision; not its content: a replay sends each service's current
 * state once (what a resuming client needs), so a change costs the history a few dozen bytes.
 */
export interface HistoryEntry {
  readonly revision: number;
  /** Grouped name, so a stream watching a few services replays only theirs. */
  readonly serviceName: string;
  readonly reason: string;
  /** What the entry is counted as against the size bound. */
  readonly bytes: number;
}

/**
 * The recent changes of one namespace, oldest first, bounded by size: what a stream resuming with
 * `Last-Event-ID` is replayed from. `floor` is the newest revision that may be missing (evicted,
 * or from before the history began); a resume from below it needs a snapshot instead.
 */
export class ChangeHistory {
  private entries: HistoryEntry[] = [];
  private head = 0;
  private size = 0;

  constructor(
    private readonly maxBytes: number,
    private floorRevision: number,
  ) {}

  get floor(): number {
    return this.floorRevision;
  }

  get bytes(): number {
    return this.size;
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  append(entry: HistoryEntry): void {
    this.entries.push(entry);
    this.size += entry.bytes;
    while (this.size > this.maxBytes && this.head < this.entries.length) {
      const evicted = this.entries[this.head++] as HistoryEntry;
      this.size -= evicted.bytes;
      this.floorRevision = evicted.revision;
    }
    // Compact now and then instead of shifting on every eviction.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** The entries after `revision`, or undefined when the history no longer reaches back to it. */
  since(revision: number): HistoryEntry[] | undefined {
    if (revision < this.floorRevision) return undefined;
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as HistoryEntry).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }
}
