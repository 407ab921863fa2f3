/** How much one entry's size moves the average: about the last thousand entries count. */
const SMOOTHING = 1 / 1024;
/** Entries always kept (and the most read at once): a node's gap check relies on it (change-stream.ts). */
export const STREAM_MIN_LEN = 1000;

/**
 * The change stream's length bound, from a count and a byte budget. Redis trims streams by count
 * only (`MAXLEN ~`), so the count passed to every XADD is the byte budget divided by the average
 * size of the entries this node reads, never more than the configured count nor less than
 * STREAM_MIN_LEN (or the configured count, if smaller). Large entries from one writer thus shorten
 * the stream instead of filling Redis's memory.
 */
export class StreamBudget {
  private averageBytes: number | undefined;

  constructor(
    private readonly maxLen: number,
    private readonly maxBytes: number,
  ) {}

  /** The least a stream keeps, whatever its entries weigh. */
  get minLen(): number {
    return Math.min(this.maxLen, STREAM_MIN_LEN);
  }

  /** An entry read from the stream, by the bytes of its fields. */
  observe(bytes: number): void {
    this.averageBytes =
      this.averageBytes === undefined ? bytes : this.averageBytes + (bytes - this.averageBytes) * SMOOTHING;
  }

  /** The MAXLEN for the next XADD. */
  length(): number {
    if (this.averageBytes === undefined || this.averageBytes <= 0) return this.maxLen;
    const byBytes = Math.floor(this.maxBytes / this.averageBytes);
    return Math.max(this.minLen, Math.min(this.maxLen, byBytes));
  }
}
