import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../src/results.js';

const run = promisify(execFile);
const RUNNER = new URL('../dist/run.js', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'beacon-bench-smoke-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * The harness itself, end to end: `pnpm bench --smoke` starts the built server, the raw baseline
 * and the load generator as separate processes, runs every scenario at toy size, prints the table
 * and writes the results file. The figures are meaningless at this size; their presence and
 * consistency are what is checked. Needs `pnpm build` (it runs the built server and bench).
 */
describe('pnpm bench --smoke', () => {
  it('runs every scenario and writes machine-readable results', { timeout: 240_000 }, async () => {
    const { stdout } = await run(process.execPath, [RUNNER, '--smoke', '--no-publish', '--no-pin', `--out=${out}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/scenario\s+measure\s+value\s+target/);

    const files = readdirSync(out).filter((f) => f.endsWith('-smoke.json') && !f.startsWith('latest'));
    expect(files).toHaveLength(1);
    const results = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as BenchResults;
    expect(JSON.parse(readFileSync(join(out, 'latest-smoke.json'), 'utf8'))).toEqual(results);
    expect(results.mode).toBe('smoke');
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.scenarios.map((s) => s.id)).toEqual([
      '2',
      '1',
      'capacity',
      '3',
      '4',
      '5',
      '6',
      '7',
      'watch',
      'churn',
      'cluster',
    ]);
    for (const s of results.scenarios) {
      expect(s.status, `${s.id}: ${s.error ?? ''}`).not.toBe('failed');
      expect(s.rows.length).toBeGreaterThan(0);
    }
    const byId = Object.fromEntries(results.scenarios.map((s) => [s.id, s]));

    // 2: both servers answered every beat; the ratio is their throughputs'.
    const limit = byId['2']!.data as {
      raw: { load: { ok: number; throughput: number } }[];
      beacon: { load: { ok: number; throughput: number; failures: { incomplete: number } } }[];
      beaconAuth: { load: { ok: number; measured: number } }[];
      ratio: number;
    };
    expect(limit.raw[0]!.load.ok).toBeGreaterThan(0);
    expect(limit.beacon[0]!.load.ok).toBeGreaterThan(0);
    // ...and so did Beacon with auth on: every beat with a token passed the guard.
    expect(limit.beaconAuth[0]!.load.ok).toBeGreaterThan(0);
    expect(limit.beaconAuth[0]!.load.ok).toBe(limit.beaconAuth[0]!.load.measured);
    expect(limit.ratio).toBeCloseTo(limit.beacon[0]!.load.throughput / limit.raw[0]!.load.throughput, 6);

    // 1: the open-loop rate was the instances' interval rate, and nothing expired.
    const beats = (
      byId['1']!.data as {
        offeredRate: number;
        load: { measured: number };
        probe: { changes: Record<string, number>; instances: number };
      }[]
    )[0]!;
    expect(beats.offeredRate).toBe(100);
    expect(beats.load.measured).toBe(60);
    expect(beats.probe.instances).toBe(500);
    expect(beats.probe.changes['instance.unhealthy'] ?? 0).toBe(0);

    // 4: every change reached every watcher and every UDP target.
    const push = byId['4']!.data as { channel: string; receivers: number; deliveries: number; missed: number }[];
    expect(push.map((r) => r.channel)).toEqual(['watch', 'udp']);
    for (const r of push) {
      expect(r.receivers).toBe(20);
      expect(r.deliveries).toBe(20 * 3);
      expect(r.missed).toBe(0);
    }

    // 5: exactly the silent 1% expired, nobody else.
    const expiry = byId['5']!.data as { silent: number; falseExpiries: number; changes: Record<string, number> };
    expect(expiry.silent).toBe(20);
    expect(expiry.changes['instance.unhealthy']).toBe(20);
    expect(expiry.changes['instance.expired']).toBe(20);
    expect(expiry.falseExpiries).toBe(0);

    // 6: a plausible, positive per-instance cost.
    const mem = byId['6']!.data as { heapBytesPerInstance: number; instancesAfter: number };
    expect(mem.instancesAfter).toBe(1000);
    expect(mem.heapBytesPerInstance).toBeGreaterThan(100);

    // 7: every gRPC instance registered, every push sample arrived, and all left with their connections.
    const grpc = byId['7']!.data as { instances: number; pushLatencyMs: number[]; drainMs: number | null };
    expect(grpc.instances).toBe(10 * 20);
    expect(grpc.pushLatencyMs).toHaveLength(100);
    expect(Math.max(...grpc.pushLatencyMs)).toBeLessThan(5000);
    expect(grpc.drainMs).not.toBeNull();

    // churn: every write and beat answered, every subscriber kind reached, no stream cut off.
    const churn = byId['churn']!.data as {
      busy: {
        churn: { done: number; failed: number };
        streams: { events: number; cutOffs: number; resumed: boolean }[];
        udpPushes: number;
        grpcPushes: number;
      };
    };
    expect(churn.busy.churn.done).toBeGreaterThan(0);
    expect(churn.busy.churn.failed).toBe(0);
    expect(churn.busy.udpPushes).toBeGreaterThan(0);
    expect(churn.busy.grpcPushes).toBeGreaterThan(0);
    for (const stream of churn.busy.streams) {
      expect(stream).toMatchObject({ cutOffs: 0, resumed: true });
      expect(stream.events).toBeGreaterThan(0);
    }
  });
});
