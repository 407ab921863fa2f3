/**
 * Bytes per second per key (a push target's IP), as a token bucket holding one second's worth. A
 * packet larger than the whole bucket still goes out when the bucket is full, so no service is too
 * large to push at all; it then owes its size.
 */
export class ByteRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly bytesPerSecond: number) {}

  take(key: string, bytes: number, now: number): boolean {
    const bucket = this.buckets.get(key);
    const capacity = this.bytesPerSecond;
    const tokens = bucket ? Math.min(capacity, bucket.tokens + ((now - bucket.at) * capacity) / 1000) : capacity;
    if (tokens < bytes && tokens < capacity) {
      if (bucket) Object.assign(bucket, { tokens, at: now });
      return false;
    }
    if (bucket) Object.assign(bucket, { tokens: tokens - bytes, at: now });
    else this.buckets.set(key, { tokens: tokens - bytes, at: now });
    return true;
  }

  /** Forgets keys whose bucket has refilled: they owe nothing. */
  prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.bytesPerSecond) / 1000 >= this.bytesPerSecond) {
        this.buckets.delete(key);
      }
    }
  }
}
