import type { EventEmitter } from 'node:events';
import { reasonOf } from '../../net/error-reason.js';

/** How often one connection's errors may be logged: a restart yields several in a second. */
export const REDIS_ERROR_LOG_EVERY_MS = 5000;

/**
 * Gives a Redis connection its `error` listener. ioredis prints every error of a client without one
 * as an "[ioredis] Unhandled error event" stack trace, outside the log, several per Redis restart;
 * it reconnects by itself either way, so one warning line per connection every few seconds says enough.
 */
export function logRedisErrors(
  client: Pick<EventEmitter, 'on'>,
  connection: string,
  warn: (message: string) => void,
  now: () => number = Date.now,
): void {
  const log = atMostEveryFewSeconds(warn, now);
  client.on('error', (error: unknown) => log(`Redis (${connection} connection): ${reasonOf(error)}; reconnecting`));
}

/** `warn`, dropping what comes within REDIS_ERROR_LOG_EVERY_MS of the last line logged. */
export function atMostEveryFewSeconds(
  warn: (message: string) => void,
  now: () => number = Date.now,
): (message: string) => void {
  let loggedAt = Number.NEGATIVE_INFINITY;
  return (message) => {
    if (now() - loggedAt < REDIS_ERROR_LOG_EVERY_MS) return;
    loggedAt = now();
    warn(message);
  };
}
