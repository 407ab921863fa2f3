import { performance } from 'node:perf_hooks';
import { Histogram, type LatencySummary, type SparseCounts } from './histogram.js';
import { HttpConnection } from './http-connection.js';
import type { HttpResponse } from './response-parser.js';
import { Workload, type WorkloadSpec } from './workload.js';

/**
 * - `open`: requests fire on a timetable at `rate` per second whatever the server does; latency
 *   counts from the scheduled moment, so a stalled server cannot hide its stall (no coordinated
 *   omission). A request waits in the backlog while every connection is busy.
 * - `closed`: every connection sends its next request as soon as the last is answered; this finds
 *   the saturation throughput.
 * - `once`: every request of the workload exactly once (registration), closed-loop.
 */
export type LoadMode = 'open' | 'closed' | 'once';

export interface LoadJob {
  host: string;
  port: number;
  workload: WorkloadSpec;
  mode: LoadMode;
  /** Requests per second (open mode). */
  rate?: number;
  connections: number;
  /** Leading time whose requests are sent but not measured (open and closed modes). */
  warmupMs: number;
  /** The measured window (open and closed modes); in `once` mode, the longest the run may take. */
  durationMs: number;
  /** How long to wait for outstanding answers once the schedule has ended. */
  drainMs: number;
  /** A 200 counts as a success only if its body contains this text. */
  expectBody?: string;
  /** Statuses that count as success (default 200 only). */
  okStatuses?: number[];
  /** Open mode: the run is declared overloaded and stops when this many requests wait. */
  maxBacklog?: number;
  /** Index in the workload of the first request, so that successive runs continue round-robin. */
  startIndex?: number;
  /** `once` mode: how many requests (default: the whole workload). */
  count?: number;
}

export interface LoadResult {
  mode: LoadMode;
  offeredRate: number | undefined;
  windowMs: number;
  /** Requests in the measured window. */
  measured: number;
  ok: number;
  failures: { status: Record<string, number>; unexpectedBody: number; connection: number; incomplete: number };
  /** Successful answers per second over the measured window. */
  throughput: number;
  latency: LatencySummary;
  histogram: { counts: SparseCounts; sum: number; max: number };
  /** Open mode: the run stopped early because the backlog passed maxBacklog. */
  overloaded: boolean;
  maxBacklog: number;
  generatorCpuPercent: number;
  /**
   * Open mode: how late the generator's own timer released requests (ms). A large figure means
   * the generator itself was held up (a busy machine), which the latencies then include.
   */
  generatorLag: LatencySummary | undefined;
  nextIndex: number;
  /** A sample body of a failed answer, to explain failures. */
  sampleFailure?: string;
}

export type PhaseListener = (phase: 'measure-start' | 'measure-end') => void;

export async function runLoad(job: LoadJob, onPhase: PhaseListener = () => undefined): Promise<LoadResult> {
  const workload = new Workload(job.workload, `${job.host}:${job.port}`);
  const connections = Array.from({ length: job.connections }, () => new HttpConnection(job.host, job.port));
  for (let i = 0; i < connections.length; i += 100)
    await Promise.all(connections.slice(i, i + 100).map((c) => c.open()));
  const run = new Run(job, workload, connections, onPhase);
  try {
    return await run.start();
  } finally {
    for (const c of connections) c.close();
  }
}

const expectCache = new Map<string, Buffer>();

class Run {
  private readonly histogram = new Histogram();
  private readonly lag = new Histogram();
  private readonly failures: LoadResult['failures'] = { status: {}, unexpectedBody: 0, connection: 0, incomplete: 0 };
  private readonly free: HttpConnection[];
  private readonly startIndex: number;
  private readonly expect: Buffer | undefined;
  private sampleFailure: string | undefined;
  private ok = 0;
  private measured = 0;
  private inFlight = 0;
  private issued = 0;
  private maxBacklog = 0;
  private overloaded = false;
  private finished = false;
  private resolve!: () => void;

  constructor(
    private readonly job: LoadJob,
    private readonly workload: Workload,
    connections: HttpConnection[],
    private readonly onPhase: PhaseListener,
  ) {
    this.free = [...connections];
    this.startIndex = job.startIndex ?? 0;
    if (job.expectBody !== undefined) {
      let b = expectCache.get(job.expectBody);
      if (!b) expectCache.set(job.expectBody, (b = Buffer.from(job.expectBody)));
      this.expect = b;
    }
  }

  async start(): Promise<LoadResult> {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const done = new Promise<void>((r) => (this.resolve = r));
    let windowMs: number;
    if (this.job.mode === 'open') windowMs = await this.open(done);
    else if (this.job.mode === 'closed') windowMs = await this.closed(done);
    else windowMs = await this.once(done);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const result: LoadResult = {
      mode: this.job.mode,
      offeredRate: this.job.rate,
      windowMs,
      measured: this.measured,
      ok: this.ok,
      failures: this.failures,
      throughput: windowMs > 0 ? (this.ok * 1000) / windowMs : 0,
      latency: this.histogram.summary(),
      histogram: this.histogram.toJSON(),
      overloaded: this.overloaded,
      maxBacklog: this.maxBacklog,
      generatorCpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      generatorLag: this.job.mode === 'open' ? this.lag.summary() : undefined,
      nextIndex: this.startIndex + this.issued,
    };
    if (this.sampleFailure !== undefined) result.sampleFailure = this.sampleFailure;
    return result;
  }

  // ---- open loop -------------------------------------------------------------------------------

  private async open(done: Promise<void>): Promise<number> {
    const job = this.job;
    const rate = job.rate ?? 0;
    if (!(rate > 0)) throw new Error('open mode needs a rate');
    const interval = 1000 / rate;
    const total = Math.floor(((job.warmupMs + job.durationMs) / 1000) * rate);
    const firstMeasured = Math.ceil(job.warmupMs / interval);
    const maxBacklog = job.maxBacklog ?? Math.max(1000, rate * 2);
    const t0 = performance.now() + 2;
    let scheduled = 0;
    let measuring = false;

    const fire = (seq: number) => {
      const conn = this.free.pop()!;
      const scheduledAt = t0 + seq * interval;
      const inWindow = seq >= firstMeasured;
      if (inWindow) this.measured++;
      this.inFlight++;
      this.issued++;
      conn.send(this.workload.request(this.startIndex + seq), (response) => {
        this.inFlight--;
        this.record(response, performance.now() - scheduledAt, inWindow);
        this.free.push(conn);
        pump();
      });
    };
    let dispatched = 0;
    const pump = () => {
      while (dispatched < scheduled && this.free.length > 0) fire(dispatched++);
      if (this.finished && this.inFlight === 0) this.resolve();
    };
    const tick = () => {
      const now = performance.now();
      if (!measuring && now >= t0 + job.warmupMs) {
        measuring = true;
        this.onPhase('measure-start');
      }
      const due = Math.min(total, Math.max(scheduled, Math.floor((now - t0) / interval) + 1));
      if (due > scheduled) this.lag.recordMs(now - (t0 + scheduled * interval));
      scheduled = due;
      const backlog = scheduled - dispatched;
      if (backlog > this.maxBacklog) this.maxBacklog = backlog;
      if (backlog > maxBacklog) {
        // The server cannot keep up: everything not yet sent counts as failed.
        this.overloaded = true;
        this.failures.incomplete += Math.max(0, total - Math.max(dispatched, firstMeasured));
        this.measured += Math.max(0, total - Math.max(dispatched, firstMeasured));
        scheduled = dispatched;
        return this.endSchedule();
      }
      pump();
      if (scheduled >= total) return this.endSchedule();
      setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
    await this.drain(done);
    return job.durationMs;
  }

  private endSchedule(): void {
    this.onPhase('measure-end');
    this.finished = true;
    if (this.inFlight === 0) this.resolve();
  }

  /** Waits for outstanding answers, at most drainMs; what is still out counts as incomplete. */
  private async drain(done: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // The drain clock starts once the schedule has ended.
    const ended = new Promise<void>((resolve) => {
      const poll = () => (this.finished ? resolve() : setTimeout(poll, 5));
      poll();
    });
    await ended;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.job.drainMs)));
    await Promise.race([done, timeout]);
    clearTimeout(timer);
    this.failures.incomplete += this.inFlight;
  }

  // ---- closed loop -----------------------------------------------------------------------------

  private async closed(done: Promise<void>): Promise<number> {
    const job = this.job;
    const t0 = performance.now();
    const measureFrom = t0 + job.warmupMs;
    const measureTo = measureFrom + job.durationMs;
    let measuring = false;
    const loop = (conn: HttpConnection) => {
      const now = performance.now();
      if (!measuring && now >= measureFrom) {
        measuring = true;
        this.onPhase('measure-start');
      }
      if (now >= measureTo) {
        if (!this.finished) this.endSchedule();
        if (this.inFlight === 0) this.resolve();
        return;
      }
      const sentAt = now;
      this.inFlight++;
      conn.send(this.workload.request(this.startIndex + this.issued++), (response) => {
        this.inFlight--;
        const end = performance.now();
        const inWindow = end >= measureFrom && end < measureTo;
        if (inWindow) this.measured++;
        this.record(response, end - sentAt, inWindow);
        loop(conn);
      });
    };
    for (const conn of this.free.splice(0)) loop(conn);
    // A server that never answers must not hang the run.
    const watchdog = setTimeout(() => this.endSchedule(), job.warmupMs + job.durationMs + 10);
    await this.drain(done);
    clearTimeout(watchdog);
    return job.durationMs;
  }

  // ---- each request once -------------------------------------------------------------------------

  private async once(done: Promise<void>): Promise<number> {
    const total = this.job.count ?? this.workload.size;
    const t0 = performance.now();
    let next = 0;
    this.onPhase('measure-start');
    const loop = (conn: HttpConnection) => {
      if (next >= total) {
        if (this.inFlight === 0) this.resolve();
        return;
      }
      const index = next++;
      const sentAt = performance.now();
      this.inFlight++;
      this.issued++;
      conn.send(this.workload.request(this.startIndex + index), (response) => {
        this.inFlight--;
        this.record(response, performance.now() - sentAt, true);
        loop(conn);
      });
    };
    for (const conn of this.free.splice(0)) loop(conn);
    // durationMs bounds the whole run: a server that stops answering must not hang it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.job.durationMs)))]);
    clearTimeout(timer);
    this.failures.incomplete += total - next + this.inFlight;
    this.measured = total;
    this.onPhase('measure-end');
    return performance.now() - t0;
  }

  private record(response: HttpResponse | Error, latencyMs: number, inWindow: boolean): void {
    if (!inWindow) return;
    if (response instanceof Error) {
      this.failures.connection++;
      this.sampleFailure ??= response.message;
      return;
    }
    if (response.status !== 200 && !this.job.okStatuses?.includes(response.status)) {
      const key = String(response.status);
      this.failures.status[key] = (this.failures.status[key] ?? 0) + 1;
      this.sampleFailure ??= response.body.toString('utf8', 0, 200);
      return;
    }
    if (this.expect !== undefined && response.body.indexOf(this.expect) < 0) {
      this.failures.unexpectedBody++;
      this.sampleFailure ??= response.body.toString('utf8', 0, 200);
      return;
    }
    this.ok++;
    this.histogram.recordMs(latencyMs);
  }
}
