import type { Clock, TimerHandle } from '../clock.js';
import { DEFAULT_BEAT_TIMEOUT_MS, DEFAULT_DELETE_TIMEOUT_MS } from '../metadata.js';
import type { Instance } from '../model/instance.js';
import type { InstanceTracker, Registry } from '../registry.js';
import { DeadlineHeap } from './deadline-heap.js';

export interface ExpiryOptions {
  /** How often due deadlines are processed. A tick with nothing due costs O(1). */
  tickMs?: number;
  /**
   * A tick this much later than planned means the process was paused (GC, SIGSTOP, VM freeze).
   * Pauses shorter than this are not compensated, so it must stay below `timeout - interval` of
   * the most eagerly timed instance; one second covers the common 1 s / 3 s settings.
   */
  pauseThresholdMs?: number;
  /** How long after start nothing is deleted, so a restart never mass-deregisters. */
  startupDeleteGraceMs?: number;
}

/**
 * Was 5 s: a SIGSTOP of 4 s then deleted every instance with a 3 s delete timeout, because after
 * SIGCONT the overdue tick runs before the beats queued in the sockets are read.
 */
export const DEFAULT_PAUSE_THRESHOLD_MS = 1000;

/**
 * Beat expiry (docs/nacos-protocol.md §4), driven by deadlines. Each ephemeral instance sits in a heap at
 * its next deadline. Beats do not touch the heap: they only move `lastBeat`, and the heap entry is
 * re-checked lazily when it comes due, then moved to the real deadline. A tick therefore costs
 * what is due, and a beat costs nothing here.
 */
export class ExpiryScheduler implements InstanceTracker {
  private readonly heap = new DeadlineHeap<Instance>();
  private readonly clock: Clock;
  private readonly tickMs: number;
  private readonly pauseThresholdMs: number;
  private timer: TimerHandle | undefined;
  private lastTickAt: number;
  /** No instance is marked unhealthy or deleted before this time (set after a detected pause). */
  private holdUntil = 0;
  /** No instance is deleted before this time. */
  private deleteHoldUntil: number;

  constructor(
    private readonly registry: Registry,
    options: ExpiryOptions = {},
  ) {
    this.clock = registry.clock;
    this.tickMs = options.tickMs ?? 500;
    this.pauseThresholdMs = options.pauseThresholdMs ?? DEFAULT_PAUSE_THRESHOLD_MS;
    this.lastTickAt = this.clock.now();
    this.deleteHoldUntil = this.lastTickAt + (options.startupDeleteGraceMs ?? DEFAULT_DELETE_TIMEOUT_MS);
    registry.addTracker(this);
  }

  get queued(): number {
    return this.heap.size;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.lastTickAt = this.clock.now();
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  track(instance: Instance): void {
    // Connection-held instances leave when their connection closes, never by expiry.
    if (!instance.ephemeral || instance.marked || instance.connectionId !== undefined) {
      this.heap.remove(instance);
      return;
    }
    this.heap.schedule(instance, nextDeadline(instance));
  }

  untrack(instance: Instance): void {
    this.heap.remove(instance);
  }

  /** Processes every deadline due at `now`. Public for tests and benchmarks. */
  runDue(now = this.clock.now()): number {
    if (now - this.lastTickAt > this.tickMs + this.pauseThresholdMs) {
      // We were not running: clients could not reach us either. Give them one timeout to beat.
      this.holdUntil = Math.max(this.holdUntil, now + DEFAULT_BEAT_TIMEOUT_MS);
    }
    this.lastTickAt = now;
    if (!this.registry.switches.healthCheckEnabled) return 0;
    let processed = 0;
    for (let instance = this.heap.popDue(now); instance; instance = this.heap.popDue(now)) {
      processed++;
      this.check(instance, now);
    }
    return processed;
  }

  private check(instance: Instance, now: number): void {
    if (!this.registry.isAttached(instance)) return;
    const silentFor = now - instance.lastBeat;
    const { timeoutMs, deleteTimeoutMs } = instance.timings;
    if (instance.healthy && silentFor > timeoutMs) {
      if (now < this.holdUntil) return this.heap.schedule(instance, this.holdUntil);
      this.registry.setHealth(instance, false);
    }
    // Nacos deletes on silence alone, healthy or not: the delete timeout may be the shorter one.
    if (silentFor > deleteTimeoutMs) {
      // With deletion switched off, look again one delete timeout later (or at the unhealthy
      // deadline, if still healthy) rather than spin.
      if (!this.registry.switches.expireInstance) {
        return this.heap.schedule(
          instance,
          instance.healthy ? instance.lastBeat + timeoutMs + 1 : now + deleteTimeoutMs,
        );
      }
      const hold = Math.max(this.holdUntil, this.deleteHoldUntil);
      if (now < hold) return this.heap.schedule(instance, hold);
      this.registry.expireInstance(instance);
      return;
    }
    this.heap.schedule(instance, nextDeadline(instance));
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.runDue();
      this.schedule();
    }, this.tickMs);
  }
}

/** Nacos expires when `now - lastBeat > timeout`, so the first due moment is one ms after. */
function nextDeadline(instance: Instance): number {
  const t = instance.timings;
  return instance.lastBeat + (instance.healthy ? Math.min(t.timeoutMs, t.deleteTimeoutMs) : t.deleteTimeoutMs) + 1;
}
