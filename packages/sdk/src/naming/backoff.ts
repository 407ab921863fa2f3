export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  readonly baseMs: number;
  /** No retry waits longer than this, in ms. */
  readonly maxMs: number;
}

/**
 * Capped exponential backoff with "equal jitter": the n-th retry (1-based) waits a random time in
 * [d/2, d] with d = min(max, base * 2^(n-1)). Never zero, so a failing call can't become a hot
 * loop; never above the cap, so recovery is noticed within `maxMs` of the server coming back;
 * jittered, so a fleet of clients does not reconnect in lockstep after an outage.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const floor = Math.max(1, ceiling / 2);
  return Math.round(floor + random() * (ceiling - floor));
}
