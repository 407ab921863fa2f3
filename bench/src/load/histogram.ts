/**
 * A log-linear latency histogram over whole microseconds (HdrHistogram's layout, 64 sub-buckets
 * per power of two, so any recorded value is reported within 1.6%). Fixed size, no allocation per
 * record, and mergeable, so the load generator can ship it to the runner as a sparse list.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const BUCKETS = 2048;
/** About 35 minutes; anything longer is recorded as this. */
const MAX_US = 2 ** 31 - 1;

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export type SparseCounts = [index: number, count: number][];

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private maxUs = 0;

  /** Records one latency given in milliseconds. */
  recordMs(ms: number): void {
    const us = ms <= 0 ? 0 : Math.min(MAX_US, Math.round(ms * 1000));
    this.counts[indexOf(us)]!++;
    this.total++;
    this.sum += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.total;
  }

  /** The value (ms) at or below which `q` (0..1) of the recorded values lie. */
  quantileMs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(highestOf(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      mean: this.total === 0 ? 0 : this.sum / this.total / 1000,
      p50: this.quantileMs(0.5),
      p90: this.quantileMs(0.9),
      p99: this.quantileMs(0.99),
      p999: this.quantileMs(0.999),
      max: this.maxUs / 1000,
    };
  }

  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sum += other.sum;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  toJSON(): { counts: SparseCounts; sum: number; max: number } {
    const counts: SparseCounts = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) counts.push([i, this.counts[i]!]);
    return { counts, sum: this.sum, max: this.maxUs };
  }

  static fromJSON(json: { counts: SparseCounts; sum: number; max: number }): Histogram {
    const h = new Histogram();
    for (const [i, c] of json.counts) {
      h.counts[i] = c;
      h.total += c;
    }
    h.sum = json.sum;
    h.maxUs = json.max;
    return h;
  }
}

function indexOf(us: number): number {
  if (us < 2 * SUB) return us;
  const shift = 31 - Math.clz32(us) - SUB_BITS;
  return Math.min(BUCKETS - 1, (shift + 1) * SUB + ((us >>> shift) - SUB));
}

/** The largest value that falls in bucket `i`. */
function highestOf(i: number): number {
  if (i < 2 * SUB) return i;
  const shift = Math.floor(i / SUB) - 1;
  const mantissa = (i % SUB) + SUB;
  return ((mantissa + 1) << shift) - 1;
}
