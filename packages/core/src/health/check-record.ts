import type { ProbeOutcome, ProbeResult } from './prober.js';

/** What the active checks of a persistent instance last found, for operators (API, console). */
export interface CheckRecord {
  /** When the last check settled (ms since the epoch, the registry's clock). */
  readonly at: number;
  readonly outcome: ProbeOutcome;
  readonly rtMs: number;
  /** Why the last check failed; absent after an ok. */
  readonly reason?: string;
  /** The last failure, kept after the instance recovers: "what went wrong at 03:12". */
  readonly lastFailureAt?: number;
  readonly lastFailureReason?: string;
}

export function nextCheckRecord(previous: CheckRecord | undefined, at: number, result: ProbeResult): CheckRecord {
  const failed = result.outcome !== 'ok';
  const reason = failed ? (result.reason ?? (result.timedOut ? 'timed out' : 'check failed')) : undefined;
  const lastFailureAt = failed ? at : previous?.lastFailureAt;
  const lastFailureReason = failed ? reason : previous?.lastFailureReason;
  return {
    at,
    outcome: result.outcome,
    rtMs: Math.round(result.rtMs),
    ...(reason !== undefined ? { reason } : {}),
    ...(lastFailureAt !== undefined ? { lastFailureAt } : {}),
    ...(lastFailureReason !== undefined ? { lastFailureReason } : {}),
  };
}
