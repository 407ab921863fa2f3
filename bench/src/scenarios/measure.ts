import type { LoadGenerator } from '../load/load-generator.js';
import type { LoadJob, LoadResult } from '../load/load-run.js';
import { cpuPercent, waitPercent, type ProcSample } from '../process/proc-stats.js';
import type { ProbeReport } from '../servers/probe-hook.js';

export interface ServerUnderTest {
  readonly port: number;
  sample(): ProcSample;
  probe?(): Promise<ProbeReport>;
}

export interface ServerFigures {
  /** Percent of one core over the measured window. */
  cpuPercent: number;
  /** Server CPU time per successful request, microseconds: robust to a busy machine. */
  cpuUsPerRequest: number;
  rssMb: number;
  peakRssMb: number;
  /**
   * Share of the whole run (warm-up included) the server's event-loop thread was ready to run but
   * waited for a CPU that something else had, percent: near 0 on a machine of its own.
   */
  runQueueWaitPercent: number;
}

export interface ProbeDelta {
  /** Changes by reason from the start of the measured window to the end of the run. */
  changes: Record<string, number>;
  /** Same, during the warm-up that preceded the window. */
  warmupChanges: Record<string, number>;
  expiry: { ticks: number; totalMs: number; maxTickMs: number; processed: number };
  instances: number;
  eventLoopUtilization: number;
  eventLoopDelay: ProbeReport['eventLoopDelay'];
  /** GC pauses in the window, by kind (the longest is the longest seen since start). */
  gc: ProbeReport['gc'];
}

export interface Measured {
  load: LoadResult;
  server: ServerFigures;
  probe: ProbeDelta | undefined;
}

const MB = 1024 * 1024;

/** Runs one load job while reading the server's CPU, memory and probe at the window's edges. */
export async function measureLoad(generator: LoadGenerator, job: LoadJob, server: ServerUnderTest): Promise<Measured> {
  let from: ProcSample | undefined;
  let to: ProcSample | undefined;
  const first = server.sample();
  const beforeWarmup = server.probe ? await server.probe() : undefined;
  let atStart: Promise<ProbeReport> | undefined;
  const load = await generator.run(job, (phase) => {
    if (phase === 'measure-start') {
      from = server.sample();
      atStart = server.probe?.();
    } else {
      to = server.sample();
    }
  });
  const end = server.sample();
  from ??= end;
  to ??= end;
  let probe: ProbeDelta | undefined;
  if (server.probe && beforeWarmup && atStart) {
    const start = await atStart;
    const after = await server.probe();
    probe = {
      changes: diff(after.changes, start.changes),
      warmupChanges: diff(start.changes, beforeWarmup.changes),
      expiry: {
        ticks: after.expiry.ticks - start.expiry.ticks,
        totalMs: after.expiry.totalMs - start.expiry.totalMs,
        maxTickMs: after.expiry.maxTickMs,
        processed: after.expiry.processed - start.expiry.processed,
      },
      instances: after.instances,
      eventLoopUtilization: after.eventLoopUtilization,
      eventLoopDelay: after.eventLoopDelay,
      gc: gcDelta(after.gc, start.gc),
    };
  }
  const cpu = cpuPercent(from, to);
  return {
    load,
    server: {
      cpuPercent: cpu,
      cpuUsPerRequest: load.throughput > 0 ? (cpu * 10_000) / load.throughput : 0,
      rssMb: end.rssBytes / MB,
      peakRssMb: end.peakRssBytes / MB,
      runQueueWaitPercent: waitPercent(first, end),
    },
    probe,
  };
}

function gcDelta(a: ProbeReport['gc'], b: ProbeReport['gc']): ProbeReport['gc'] {
  const out = structuredClone(a);
  for (const kind of Object.keys(out) as (keyof ProbeReport['gc'])[]) {
    out[kind].count -= b[kind].count;
    out[kind].totalMs -= b[kind].totalMs;
  }
  return out;
}

function diff(a: Record<string, number | undefined>, b: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(a)) {
    const d = (a[key] ?? 0) - (b[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

/** Instances wrongly marked unhealthy or removed while every instance was beating. */
export function falseExpiries(probe: ProbeDelta | undefined): number {
  if (!probe) return 0;
  return (probe.changes['instance.unhealthy'] ?? 0) + (probe.changes['instance.expired'] ?? 0);
}

export function loadFailures(load: LoadResult): number {
  const f = load.failures;
  return Object.values(f.status).reduce((a, b) => a + b, 0) + f.unexpectedBody + f.connection + f.incomplete;
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) + ' ms',
  pct: (n: number) => n.toFixed(0) + '%',
  mb: (n: number) => n.toFixed(0) + ' MB',
  ratio: (n: number) => n.toFixed(2),
};
