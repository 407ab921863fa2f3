import type { EventEmitter } from 'node:events';
import { reasonOf } from '../../net/error-reason.js';
import { atMostEveryFewSeconds } from '../../net/paced-log.js';

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
