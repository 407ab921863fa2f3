import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PACED_LOG_EVERY_MS } from '../../net/paced-log.js';
import { logRedisErrors } from './redis-error-log.js';

describe('logRedisErrors', () => {
  it('logs one line per connection per interval, however many errors come', () => {
    const client = new EventEmitter();
    const lines: string[] = [];
    let now = 1000;
    logRedisErrors(
      client,
      'commands',
      (line) => lines.push(line),
      () => now,
    );

    client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    now += PACED_LOG_EVERY_MS - 1;
    client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(lines).toEqual(['Redis (commands connection): connect ECONNREFUSED 127.0.0.1:6379; reconnecting']);

    now += 1;
    client.emit('error', new Error('read ECONNRESET'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('read ECONNRESET');
  });
});
