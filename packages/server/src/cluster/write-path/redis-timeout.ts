/**
 * How long a write waits for Redis before the client hears 503. A stalled Redis (frozen, swapping,
 * a failover in progress) keeps the connection open, so without a bound a registration hangs for
 * the whole stall and is applied when Redis wakes, long after the client gave up.
 */
export const REDIS_WRITE_TIMEOUT_MS = 2500;

export class RedisTimeoutError extends Error {}

/**
 * `pending`, or a RedisTimeoutError after `timeoutMs`. The command itself stays queued on its
 * connection (Redis offers no cancel): a write that must not land late carries a deadline its
 * script checks (`redisDeadline`).
 */
export function withinTimeout<T>(pending: Promise<T>, timeoutMs = REDIS_WRITE_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new RedisTimeoutError(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The wall-clock time (ms) after which an instance write's script refuses to run: the moment its
 * client hears 503. Compared with Redis's own clock (`TIME`), so nodes and Redis need clocks in step
 * (NTP), as expiry already needs between nodes.
 */
export function redisDeadline(now: () => number = Date.now, timeoutMs = REDIS_WRITE_TIMEOUT_MS): number {
  return now() + timeoutMs;
}
