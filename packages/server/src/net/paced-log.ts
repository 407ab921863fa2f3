/** How often a paced warning may be written: an outage yields several failures a second. */
export const PACED_LOG_EVERY_MS = 5000;

/**
 * `warn`, dropping what comes within PACED_LOG_EVERY_MS of the last line written: for failures
 * that repeat while something is away (a connection, a write retried every tick), where one line
 * every few seconds says enough.
 */
export function atMostEveryFewSeconds(
  warn: (message: string) => void,
  now: () => number = Date.now,
): (message: string) => void {
  let loggedAt = Number.NEGATIVE_INFINITY;
  return (message) => {
    const at = now();
    if (at - loggedAt < PACED_LOG_EVERY_MS) return;
    loggedAt = at;
    warn(message);
  };
}
