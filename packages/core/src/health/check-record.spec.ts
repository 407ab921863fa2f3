import { describe, expect, it } from 'vitest';
import { nextCheckRecord } from './check-record.js';

describe('nextCheckRecord', () => {
  it('records the reason of a failure and keeps the last failure after recovery', () => {
    const failed = nextCheckRecord(undefined, 1000, { outcome: 'fail-now', rtMs: 1.4, reason: 'connection refused' });
    expect(failed).toEqual({
      at: 1000,
      outcome: 'fail-now',
      rtMs: 1,
      reason: 'connection refused',
      lastFailureAt: 1000,
      lastFailureReason: 'connection refused',
    });
    const recovered = nextCheckRecord(failed, 3000, { outcome: 'ok', rtMs: 2 });
    expect(recovered).toEqual({
      at: 3000,
      outcome: 'ok',
      rtMs: 2,
      lastFailureAt: 1000,
      lastFailureReason: 'connection refused',
    });
  });

  it('names a timeout without a reason of its own', () => {
    expect(nextCheckRecord(undefined, 5, { outcome: 'fail', rtMs: 500, timedOut: true }).reason).toBe('timed out');
  });
});
