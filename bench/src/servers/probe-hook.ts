import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { ExpiryScheduler, Registry, type ChangeReason } from '@beacon/core';

/**
 * Preloaded into the server under test (`node --import probe-hook.js main.js`); answers the
 * runner's questions over IPC. It wraps two core methods to count what the benchmark must check
 * and cannot see from outside: every change by reason (false expiries are `instance.unhealthy` /
 * `instance.expired` changes while every instance is beating) and the time spent in expiry ticks.
 * The wrappers cost a counter increment per change and two clock reads per 500 ms tick.
 */
export interface ProbeReport {
  changes: Partial<Record<ChangeReason, number>>;
  /** Expiry ticks: cumulative counts and time; the longest tick since the previous report. */
  expiry: { ticks: number; totalMs: number; maxTickMs: number; processed: number };
  instances: number;
  memory: NodeJS.MemoryUsage;
  /** Event-loop utilization since the previous report, 0..1. */
  eventLoopUtilization: number;
  /** Event-loop delay since the previous report, ms: how long ready work waited for the loop. */
  eventLoopDelay: { p50: number; p99: number; max: number };
  /** Garbage-collection pauses by kind: count and total since start (ms), longest since the previous report. */
  gc: Record<'minor' | 'major' | 'incremental' | 'weakcb', { count: number; totalMs: number; maxMs: number }>;
}

export type ProbeRequest =
  | { type: 'probe'; id: number }
  | { type: 'gc'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string };

const changes: Partial<Record<ChangeReason, number>> = {};
const expiry = { ticks: 0, totalMs: 0, maxTickMs: 0, processed: 0 };
let registry: Registry | undefined;

const onChange = Registry.prototype.onChange;
Registry.prototype.onChange = function (this: Registry, ...args: Parameters<Registry['onChange']>) {
  // The hook learns which registry the server built from its first subscriber (push and storage
  // subscribe at start), and subscribes a counter of its own through the same public door.
  if (registry === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    registry = this;
    onChange.call(this, (change) => {
      changes[change.reason] = (changes[change.reason] ?? 0) + 1;
    });
  }
  return onChange.apply(this, args);
};

const runDue = ExpiryScheduler.prototype.runDue;
ExpiryScheduler.prototype.runDue = function (this: ExpiryScheduler, ...args: Parameters<ExpiryScheduler['runDue']>) {
  const t0 = performance.now();
  const processed = runDue.apply(this, args);
  const ms = performance.now() - t0;
  expiry.ticks++;
  expiry.totalMs += ms;
  expiry.processed += processed;
  if (ms > expiry.maxTickMs) expiry.maxTickMs = ms;
  return processed;
};

const gc: ProbeReport['gc'] = {
  minor: { count: 0, totalMs: 0, maxMs: 0 },
  major: { count: 0, totalMs: 0, maxMs: 0 },
  incremental: { count: 0, totalMs: 0, maxMs: 0 },
  weakcb: { count: 0, totalMs: 0, maxMs: 0 },
};
const GC_KINDS: Record<number, keyof ProbeReport['gc']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1];
    if (!kind) continue;
    const g = gc[kind];
    g.count++;
    g.totalMs += entry.duration;
    if (entry.duration > g.maxMs) g.maxMs = entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

let lastElu = performance.eventLoopUtilization();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

function report(): ProbeReport {
  const elu = performance.eventLoopUtilization(lastElu);
  lastElu = performance.eventLoopUtilization();
  const out: ProbeReport = {
    changes: { ...changes },
    expiry: { ...expiry },
    instances: registry?.instanceCount() ?? 0,
    memory: process.memoryUsage(),
    eventLoopUtilization: elu.utilization,
    eventLoopDelay: readDelay(),
    gc: structuredClone(gc),
  };
  // Longest pauses are per report (per measured window), counts and totals cumulative.
  for (const g of Object.values(gc)) g.maxMs = 0;
  expiry.maxTickMs = 0;
  return out;
}

function readDelay(): ProbeReport['eventLoopDelay'] {
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  const d = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
  delay.reset();
  return d;
}

let session: Session | undefined;

/** CPU profile of a chosen window (what --cpu-prof records, without profiling start-up and setup). */
function profile(message: Extract<ProbeRequest, { type: 'profile-start' | 'profile-stop' }>): void {
  const done = (error: Error | null): void => {
    process.send?.({ type: message.type, id: message.id, error: error ? error.message : undefined });
  };
  if (message.type === 'profile-start') {
    session ??= new Session();
    session.connect();
    session.post('Profiler.enable', () =>
      session!.post('Profiler.setSamplingInterval', { interval: 200 }, () => session!.post('Profiler.start', done)),
    );
    return;
  }
  if (!session) return done(new Error('no profile running'));
  const s = session;
  s.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(message.file, JSON.stringify(result.profile));
    s.disconnect();
    session = undefined;
    done(error);
  });
}

process.on('message', (message: ProbeRequest) => {
  if (message?.type === 'profile-start' || message?.type === 'profile-stop') {
    profile(message);
  } else if (message?.type === 'probe') {
    process.send?.({ type: 'probe', id: message.id, report: report() });
  } else if (message?.type === 'gc') {
    const gc = (globalThis as { gc?: () => void }).gc;
    // Several passes: weak references and finalizers free more on the second.
    if (gc) for (let i = 0; i < 4; i++) gc();
    process.send?.({ type: 'gc', id: message.id, report: report(), collected: gc !== undefined });
  }
});
// The runner going away ends the server too: no orphans.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
