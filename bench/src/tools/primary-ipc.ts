import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BeatProcessor, MemoryStore, Registry, systemClock, type BeatCommand } from '@beacon/core';
import { Histogram, type LatencySummary } from '../load/histogram.js';
import { machineLoad } from '../process/proc-stats.js';
import { REPO_ROOT } from '../servers/beacon-server.js';

/**
 * Feasibility of the multi-core design in bench/performance-notes.md ("Using every core"): HTTP
 * workers parse beats and send them in batches over IPC to the one process that holds the
 * registry. This measures the registry process's side of it: the real core (Registry,
 * BeatProcessor) with N instances, fed beats in batches by worker processes at a fixed rate; it
 * reports the registry process's CPU time per beat (decode, apply, answer) and the batch round trip
 * seen by the workers. Workers generate the beats instead of parsing HTTP: their HTTP cost is
 * already measured by scenario 2. Writes bench/results/multicore-*.json. Usage:
 *   node bench/dist/tools/primary-ipc.js [--instances=100000] [--workers=2] [--rates=20000,40000,80000]
 *        [--seconds=8] [--batch-ms=1]
 */
export interface MulticoreResult {
  schema: 'multicore/1';
  date: string;
  command: string;
  machine: { cpus: number; cpuModel: string; loadBefore: number[]; loadAfter: number[] };
  instances: number;
  workers: number;
  batchMs: number;
  steps: {
    rate: number;
    beats: number;
    primaryCpuUsPerBeat: number;
    primaryCpuPercent: number;
    roundTrip: LatencySummary;
  }[];
}

/** A beat on the wire between processes: [serviceIndex, instanceIndex]; names are rebuilt by index. */
type WireBeat = [number, number];

const PER_SERVICE = 100;
const ip = (i: number) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;

function commandOf(i: number): BeatCommand {
  return {
    namespaceId: 'public',
    serviceName: `DEFAULT_GROUP@@bench-svc-${Math.floor(i / PER_SERVICE)}`,
    clusterName: 'DEFAULT',
    ip: ip(i),
    port: 8080,
    beat: undefined,
  };
}

// ---- worker ----------------------------------------------------------------------------------

function worker(): void {
  let stop = false;
  const rtt = new Histogram();
  process.on(
    'message',
    (m: {
      type: string;
      rate?: number;
      seconds?: number;
      instances?: number;
      offset?: number;
      step?: number;
      batchMs?: number;
      sentAt?: number;
    }) => {
      if (m.type === 'replies') {
        rtt.recordMs(performance.now() - m.sentAt!);
        return;
      }
      if (m.type !== 'run') return;
      const { rate, seconds, instances, offset, step, batchMs } = m as Required<typeof m>;
      stop = false;
      const t0 = performance.now();
      let sent = 0;
      const tick = () => {
        const now = performance.now();
        const due = Math.min(Math.floor(((now - t0) / 1000) * rate), rate * seconds);
        if (due > sent) {
          const batch: WireBeat[] = [];
          for (; sent < due; sent++) {
            const i = (offset + sent * step) % instances;
            batch.push([Math.floor(i / PER_SERVICE), i]);
          }
          process.send!({ type: 'beats', batch, sentAt: now });
        }
        if (sent >= rate * seconds || stop) {
          setTimeout(() => process.send!({ type: 'done', sent, rtt: rtt.toJSON() }), 200);
          return;
        }
        setTimeout(tick, batchMs);
      };
      tick();
    },
  );
}

// ---- registry process --------------------------------------------------------------------------

async function primary(): Promise<void> {
  const flags = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const m = /^--([^=]+)=(.*)$/.exec(a);
      if (!m) throw new Error(`unexpected argument ${a}`);
      return [m[1]!, m[2]!];
    }),
  );
  const instances = Number(flags['instances'] ?? 100_000);
  const workerCount = Number(flags['workers'] ?? 2);
  const rates = (flags['rates'] ?? '20000,40000,80000').split(',').map(Number);
  const seconds = Number(flags['seconds'] ?? 8);
  const batchMs = Number(flags['batch-ms'] ?? 1);
  const loadBefore = machineLoad();

  const registry = new Registry({ clock: systemClock, store: new MemoryStore() });
  const beats = new BeatProcessor(registry);
  for (let i = 0; i < instances; i++) {
    registry.registerInstance({
      ...commandOf(i),
      weight: 1,
      enabled: true,
      healthy: true,
      ephemeral: true,
      metadata: {},
      app: undefined,
    });
  }
  // Commands rebuilt per beat from indices, as a worker's parsed beat would arrive.
  let beatsApplied = 0;
  const workers: ChildProcess[] = [];
  for (let w = 0; w < workerCount; w++) {
    const child = fork(fileURLToPath(import.meta.url), ['--worker'], { serialization: 'advanced' });
    child.on('message', (m: { type: string; batch?: WireBeat[]; sentAt?: number }) => {
      if (m.type !== 'beats') return;
      const replies = new Int32Array(m.batch!.length);
      for (let k = 0; k < m.batch!.length; k++) {
        const i = m.batch![k]![1];
        replies[k] = beats.beat(commandOf(i)).code;
      }
      beatsApplied += m.batch!.length;
      child.send({ type: 'replies', replies, sentAt: m.sentAt });
    });
    workers.push(child);
  }

  const steps: MulticoreResult['steps'] = [];
  for (const rate of rates) {
    beatsApplied = 0;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const done = workers.map(
      (child) =>
        new Promise<{ sent: number; rtt: ReturnType<Histogram['toJSON']> }>((resolveDone) => {
          const onDone = (m: { type: string; sent: number; rtt: ReturnType<Histogram['toJSON']> }) => {
            if (m.type !== 'done') return;
            child.off('message', onDone);
            resolveDone(m);
          };
          child.on('message', onDone);
        }),
    );
    workers.forEach((child, w) =>
      child.send({ type: 'run', rate: rate / workerCount, seconds, instances, offset: w, step: workerCount, batchMs }),
    );
    const results = await Promise.all(done);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const rtt = new Histogram();
    for (const r of results) rtt.merge(Histogram.fromJSON(r.rtt));
    const cpuUs = cpu.user + cpu.system;
    steps.push({
      rate,
      beats: beatsApplied,
      primaryCpuUsPerBeat: cpuUs / beatsApplied,
      primaryCpuPercent: (cpuUs / 1000 / wall) * 100,
      roundTrip: rtt.summary(),
    });
    console.log(
      `${rate} beats/s: registry process ${(cpuUs / beatsApplied).toFixed(2)} µs CPU per beat, ` +
        `${((cpuUs / 1000 / wall) * 100).toFixed(0)}% of a core; batch round trip p50 ${rtt.quantileMs(0.5).toFixed(2)} ms, p99 ${rtt.quantileMs(0.99).toFixed(2)} ms`,
    );
  }
  for (const child of workers) child.kill();

  const result: MulticoreResult = {
    schema: 'multicore/1',
    date: new Date().toISOString(),
    command: ['node bench/dist/tools/primary-ipc.js', ...process.argv.slice(2)].join(' '),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadBefore, loadAfter: machineLoad() },
    instances,
    workers: workerCount,
    batchMs,
    steps,
  };
  const dir = resolve(flags['out'] ?? join(REPO_ROOT, 'bench/results'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `multicore-${result.date.replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`results: ${file}`);
}

if (process.argv.includes('--worker')) {
  worker();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  primary().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
