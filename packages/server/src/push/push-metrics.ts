import type { Counter, Histogram, MetricsRegistry } from '../metrics/metrics-registry.js';

export type PushChannel = 'udp' | 'watch' | 'grpc';

export interface FailedPush {
  readonly addrStr: string;
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly agent: string;
  readonly at: number;
}

/** Seconds; dense around the coalescing window (20 ms by default), where most pushes land. */
const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const RECENT_FAILURES = 100;

/**
 * What the pushers report. Prometheus counters only ever grow; the figures of Nacos's
 * `/operator/push/state` are kept apart because that endpoint can reset them.
 */
/** The figures of `/operator/push/state`; `data` (the recent failures) only on request. */
export interface PushState {
  readonly succeed: number;
  readonly total: number;
  readonly ratio: number;
  readonly reset: boolean;
  readonly data?: FailedPush[];
}

export class PushMetrics {
  private readonly sent: Counter;
  private readonly acked: Counter;
  private readonly failed: Counter;
  private readonly retried: Counter;
  private readonly throttled: Counter;
  private readonly disconnects: Counter;
  private readonly resumes: Counter;
  private readonly latency: Histogram;
  private state = { total: 0, succeed: 0, failed: 0 };
  private failures: FailedPush[] = [];

  constructor(metrics: MetricsRegistry) {
    this.sent = metrics.counter(
      'beacon_push_sent_total',
      'Pushes sent: UDP packets (first sends, not resends) and watch-stream change events',
    );
    this.acked = metrics.counter('beacon_push_acked_total', 'UDP pushes acknowledged by the client');
    this.failed = metrics.counter(
      'beacon_push_failed_total',
      'UDP pushes given up (no ack after the resend) or that could not be sent',
    );
    this.retried = metrics.counter('beacon_push_retried_total', 'UDP pushes resent after the ack timeout');
    this.throttled = metrics.counter(
      'beacon_push_throttled_total',
      'UDP pushes dropped because their target IP was over BEACON_PUSH_BYTES_PER_SECOND',
    );
    this.disconnects = metrics.counter(
      'beacon_watch_disconnects_total',
      'Watch streams cut off by the server, by reason (slow: unsent backlog passed the limit; revoked: access ended)',
    );
    this.resumes = metrics.counter(
      'beacon_watch_resumes_total',
      'Watch streams resumed with Last-Event-ID, by result (replay of the gap, or a fresh snapshot)',
    );
    this.latency = metrics.histogram(
      'beacon_push_latency_seconds',
      'Time from a registry change to its push leaving the server, by channel',
      LATENCY_BUCKETS,
    );
  }

  udpSent(count: number): void {
    this.sent.inc({ channel: 'udp' }, count);
    this.state.total += count;
  }

  udpAcked(): void {
    this.acked.inc({ channel: 'udp' });
    this.state.succeed++;
  }

  udpRetried(count: number): void {
    this.retried.inc({ channel: 'udp' }, count);
  }

  udpThrottled(): void {
    this.throttled.inc({ channel: 'udp' });
  }

  udpFailed(failure: FailedPush): void {
    this.failed.inc({ channel: 'udp' });
    this.state.failed++;
    this.failures.push(failure);
    if (this.failures.length > RECENT_FAILURES) this.failures.shift();
  }

  watchSent(count: number): void {
    this.sent.inc({ channel: 'watch' }, count);
  }

  watchCutOff(reason: 'slow' | 'revoked'): void {
    this.disconnects.inc({ reason });
  }

  watchResumed(result: 'replay' | 'snapshot'): void {
    this.resumes.inc({ result });
  }

  observeLatency(channel: PushChannel, ms: number): void {
    this.latency.observe(ms / 1000, { channel });
  }

  /** `/operator/push/state`: succeed counts acknowledged pushes, so pushes still in flight lower the ratio. */
  pushState(detail: boolean, reset: boolean): PushState {
    const { total } = this.state;
    // An ack may arrive after a reset for a push counted before it.
    const succeed = Math.min(this.state.succeed, total);
    const result: PushState = {
      succeed,
      total,
      ratio: total > 0 ? succeed / total : 0,
      reset,
      ...(detail ? { data: [...this.failures] } : {}),
    };
    if (reset) {
      this.state = { total: 0, succeed: 0, failed: 0 };
      this.failures = [];
    }
    return result;
  }
}
