export interface HistoryEntry {
  readonly revision: number;
  /** Grouped name, so a stream watching a few services replays only theirs. */
  readonly serviceName: string;
  /** The whole SSE event, ready to write. */
  readonly frame: string;
}

/**
 * The recent changes of one namespace, oldest first, bounded by size: what a stream resuming with
 * `Last-Event-ID` is replayed from. `floor` is the newest revision that may be missing (evicted,
 * or from before the history began); a resume from below it needs a snapshot instead.
 * Sizes are counted in UTF-16 code units, which is bytes for the ASCII JSON the frames mostly are.
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
    this.size += entry.frame.length;
    while (this.size > this.maxBytes && this.head < this.entries.length) {
      const evicted = this.entries[this.head++] as HistoryEntry;
      this.size -= evicted.frame.length;
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
