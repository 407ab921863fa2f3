/** One point of a service's health: from `at` on, `healthy` and `unhealthy` instances. */
export interface HealthPoint {
  readonly at: number;
  readonly healthy: number;
  readonly unhealthy: number;
}

/**
 * The recent health of one service as change points, at most one per `resolutionMs` bucket (a later
 * change in the same bucket replaces the earlier one), in a fixed ring: `capacity` points cover at
 * least `capacity * resolutionMs` of history, whatever the service does, in a few kilobytes.
 */
export class HealthRing {
  private readonly at: Float64Array;
  private readonly healthy: Int32Array;
  private readonly unhealthy: Int32Array;
  private start = 0;
  private size = 0;

  constructor(
    readonly capacity: number,
    readonly resolutionMs: number,
  ) {
    this.at = new Float64Array(capacity);
    this.healthy = new Int32Array(capacity);
    this.unhealthy = new Int32Array(capacity);
  }

  record(at: number, healthy: number, total: number): void {
    const unhealthy = Math.max(0, total - healthy);
    if (this.size > 0) {
      const last = this.slot(this.size - 1);
      if (this.healthy[last] === healthy && this.unhealthy[last] === unhealthy) return;
      if (at < this.at[last]!) return; // Never rewrite the past.
      if (Math.floor(at / this.resolutionMs) === Math.floor(this.at[last]! / this.resolutionMs)) {
        this.healthy[last] = healthy;
        this.unhealthy[last] = unhealthy;
        return;
      }
    }
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.slot(this.size);
      this.size++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    this.at[slot] = at;
    this.healthy[slot] = healthy;
    this.unhealthy[slot] = unhealthy;
  }

  /** Points covering [from, ∞): the state at `from` (when known) first, then every later change. */
  since(from: number): HealthPoint[] {
    const points: HealthPoint[] = [];
    for (let i = 0; i < this.size; i++) {
      const slot = this.slot(i);
      const at = this.at[slot]!;
      const nextAt = i + 1 < this.size ? this.at[this.slot(i + 1)]! : Infinity;
      if (at >= from) points.push(this.point(slot, at));
      else if (nextAt > from) points.push(this.point(slot, from));
    }
    return points;
  }

  private point(slot: number, at: number): HealthPoint {
    return { at, healthy: this.healthy[slot]!, unhealthy: this.unhealthy[slot]! };
  }

  private slot(i: number): number {
    return (this.start + i) % this.capacity;
  }
}
