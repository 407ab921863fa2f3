/** One point of a service's health: from `at` on, `healthy` and `unhealthy` instances. */
export interface HealthPoint {
  readonly at: number;
  readonly healthy: number;
  readonly unhealthy: number;
}

/** Points a new ring has room for; a service that rarely changes never needs more. */
const INITIAL_SLOTS = 4;

/**
 * The recent health of one service as change points, at most one per `resolutionMs` bucket (a later
 * change in the same bucket replaces the earlier one), in a ring of at most `capacity` points: they
 * cover at least `capacity * resolutionMs` of history whatever the service does. The ring grows
 * only as the service changes, so a quiet service costs about a hundred bytes, a flapping one 16
 * bytes a point (about 6 KB at 361 points).
 */
export class HealthRing {
  private at: Float64Array;
  private healthy: Int32Array;
  private unhealthy: Int32Array;
  private start = 0;
  private size = 0;

  constructor(
    readonly capacity: number,
    readonly resolutionMs: number,
  ) {
    const slots = Math.min(INITIAL_SLOTS, capacity);
    this.at = new Float64Array(slots);
    this.healthy = new Int32Array(slots);
    this.unhealthy = new Int32Array(slots);
  }

  /** Bytes held by the points, for the memory bound. */
  get bytes(): number {
    return this.at.byteLength + this.healthy.byteLength + this.unhealthy.byteLength;
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
    if (this.size === this.at.length && this.size < this.capacity) this.grow();
    let slot: number;
    if (this.size < this.at.length) {
      slot = this.slot(this.size);
      this.size++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.at.length;
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
    return (this.start + i) % this.at.length;
  }

  /** Doubles the room (up to the capacity), keeping the points in order from slot 0. */
  private grow(): void {
    const slots = Math.min(this.capacity, this.at.length * 2);
    const at = new Float64Array(slots);
    const healthy = new Int32Array(slots);
    const unhealthy = new Int32Array(slots);
    for (let i = 0; i < this.size; i++) {
      const from = this.slot(i);
      at[i] = this.at[from]!;
      healthy[i] = this.healthy[from]!;
      unhealthy[i] = this.unhealthy[from]!;
    }
    this.at = at;
    this.healthy = healthy;
    this.unhealthy = unhealthy;
    this.start = 0;
  }
}
