import type { HealthChecker } from '../model/health-checker.js';

export interface ProbeTarget {
  readonly ip: string;
  readonly port: number;
  readonly checker: HealthChecker;
}

/**
 * `fail` is a soft failure (timeout, 503, 302) that needs consecutive repeats to count;
 * `fail-now` (connection refused, unexpected status) flips health at once.
 */
export type ProbeOutcome = 'ok' | 'fail' | 'fail-now';

export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  /** Response time; a timeout reports the time it waited. */
  readonly rtMs: number;
  readonly timedOut?: boolean;
  /** Why a check failed, in words an operator can act on ("connection refused", "HTTP 503"). */
  readonly reason?: string;
}

/** Active TCP/HTTP checks of persistent instances; implemented with sockets by the server. */
export interface Prober {
  probe(target: ProbeTarget): Promise<ProbeResult>;
}
