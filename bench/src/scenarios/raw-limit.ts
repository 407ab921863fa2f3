import { join } from 'node:path';
import { LoadGenerator } from '../load/load-generator.js';
import type { LoadJob } from '../load/load-run.js';
import type { InstanceSet } from '../load/workload.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { BENCH_USER } from '../servers/beacon-server.js';
import { RawServer } from '../servers/raw-server.js';
import { BEAT_OK_BODY, BOTH_SHAPES, kilo, registerInstances } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';
import { fmt, loadFailures, measureLoad, type Measured } from './measure.js';

/** Below this share of the raw server's throughput, beat handling misses its target. */
export const RAW_RATIO_TARGET = 0.7;
/** Issue 26: Beacon's server CPU per beat within this share of the raw server's (median of rounds). */
export const RAW_CPU_TARGET = 0.85;
/** Auth on (the default) may cost at most this much more server CPU per beat than auth off. */
export const AUTH_COST_TARGET = 1.1;

type Side = 'raw' | 'beacon' | 'beaconAuth';

/**
 * Scenario 2: the physical limit. The same beats, closed-loop on the same connections, against a
 * bare node:http server that parses them and answers the same reply, then against Beacon with auth
 * off, then against Beacon with auth on (its default), every beat carrying a user's `accessToken`
 * as the Java client sends it. The ratio of the saturation throughputs says how much the registry
 * and its framework cost; the ratio of server CPU per beat, what auth adds. Each round runs the
 * three servers one after the other, in an order that rotates from round to round, and each ratio
 * is taken within a round; the result is the median over the rounds, which damps noise from
 * anything else on the machine.
 */
export const rawLimit: Scenario = {
  id: '2',
  title: 'Physical limit: Beacon against a raw node:http server',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.saturation;
    const set: InstanceSet = { count: sizes.instances, perService: sizes.perService, shapes: BOTH_SHAPES };
    const rounds = ctx.options.mode === 'full' ? 3 : 1;
    const job = (port: number, accessToken?: string): LoadJob => ({
      host: '127.0.0.1',
      port,
      workload: { kind: 'beat', set, ...(accessToken === undefined ? {} : { accessToken }) },
      mode: 'closed',
      connections: sizes.connections,
      warmupMs: sizes.warmupMs,
      durationMs: sizes.durationMs,
      drainMs: 3000,
      expectBody: BEAT_OK_BODY,
    });
    const runs: Record<Side, Measured[]> = { raw: [], beacon: [], beaconAuth: [] };
    const sides: Side[] = ['raw', 'beacon', 'beaconAuth'];
    const generator = await LoadGenerator.start(ctx.generatorCpu);
    try {
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(round + k) % sides.length]!;
          ctx.log(`  round ${round + 1}: ${SIDE_NAMES[side]}`);
          if (side === 'raw') {
            const rawServer = await RawServer.start(ctx.serverCpu);
            try {
              runs.raw.push(await measureLoad(generator, job(rawServer.port), rawServer));
            } finally {
              await rawServer.stop();
            }
            continue;
          }
          const server = await ctx.startBeacon({ auth: side === 'beaconAuth' });
          try {
            await registerInstances(generator, server, set, 64);
            const profiled = ctx.options.profile && round === 0;
            const profileFile = join(
              ctx.outDir,
              `beacon-beat-${side === 'beaconAuth' ? 'auth-' : ''}${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
            );
            if (profiled) await server.startProfile();
            runs[side].push(await measureLoad(generator, job(server.port, server.accessToken), server));
            if (profiled) {
              await server.stopProfile(profileFile);
              ctx.log(`  CPU profile: ${profileFile}`);
            }
          } finally {
            await server.stop();
          }
        }
      }
    } finally {
      await generator.close();
    }
    const perRound = (f: (round: number) => number) => median(Array.from({ length: rounds }, (_, i) => f(i)));
    const cpu = (side: Side, i: number) => runs[side][i]!.server.cpuUsPerRequest;
    const rate = (side: Side, i: number) => runs[side][i]!.load.throughput;
    const ratio = perRound((i) => rate('beacon', i) / rate('raw', i));
    const costRatio = perRound((i) => cpu('raw', i) / cpu('beacon', i));
    const authCostRatio = perRound((i) => cpu('raw', i) / cpu('beaconAuth', i));
    const authOverhead = perRound((i) => cpu('beaconAuth', i) / cpu('beacon', i));
    // The round of median throughput stands for the side in the table.
    const typical = (side: Side) =>
      [...runs[side]].sort((x, y) => x.load.throughput - y.load.throughput)[Math.floor(runs[side].length / 2)]!;
    const r = typical('raw');
    const b = typical('beacon');
    const a = typical('beaconAuth');
    ctx.shared.beaconSaturation = b.load.throughput;
    ctx.shared.beaconAuthSaturation = a.load.throughput;
    ctx.shared.rawSaturation = r.load.throughput;
    const failures = sides.reduce((n, side) => n + runs[side].reduce((m, x) => m + loadFailures(x.load), 0), 0);
    const line = (m: Measured) =>
      `${fmt.int(m.load.throughput)} beats/s, p50 ${fmt.ms(m.load.latency.p50)}, p99 ${fmt.ms(m.load.latency.p99)}, ` +
      `CPU ${fmt.pct(m.server.cpuPercent)} (${m.server.cpuUsPerRequest.toFixed(1)} µs per beat)`;
    // CPU per beat barely moves when other work shares the machine; throughput does.
    const saturated = sides.every((side) => runs[side].every((m) => m.server.cpuPercent >= 90));
    // A profiled run's Beacon figures include the profiler: shown, not judged.
    const judged = !ctx.options.profile;
    const name = `saturation, ${kilo(sizes.instances)} instances`;
    const spread = (f: (round: number) => number) =>
      rounds > 1 ? ` (rounds: ${Array.from({ length: rounds }, (_, i) => f(i).toFixed(2)).join(', ')})` : '';
    const rows: SummaryRow[] = [
      { scenario: name, measure: 'raw node:http', value: line(r), verdict: 'info' },
      { scenario: name, measure: 'Beacon, auth off', value: line(b), verdict: 'info' },
      { scenario: name, measure: 'Beacon, auth on (accessToken)', value: line(a), verdict: 'info' },
      {
        scenario: name,
        measure: 'Beacon / raw throughput',
        value:
          fmt.ratio(ratio) +
          (failures > 0 ? ` (${failures} failed requests)` : '') +
          (saturated ? '' : ' (not judged: a server got under 90% of its core, the machine was busy)'),
        target: `≥ ${RAW_RATIO_TARGET}`,
        verdict: !saturated || !judged ? 'info' : ratio >= RAW_RATIO_TARGET && failures === 0 ? 'pass' : 'miss',
      },
      {
        // What the throughput ratio would be with both servers saturating their core.
        scenario: name,
        measure: 'Beacon / raw by CPU per beat',
        value: fmt.ratio(costRatio) + spread((i) => cpu('raw', i) / cpu('beacon', i)),
        target: `≥ ${RAW_CPU_TARGET}`,
        verdict: !judged ? 'info' : costRatio >= RAW_CPU_TARGET && failures === 0 ? 'pass' : 'miss',
      },
      {
        scenario: name,
        measure: 'Beacon with auth on / raw by CPU per beat',
        value: fmt.ratio(authCostRatio) + spread((i) => cpu('raw', i) / cpu('beaconAuth', i)),
        target: `≥ ${RAW_CPU_TARGET}`,
        verdict: !judged ? 'info' : authCostRatio >= RAW_CPU_TARGET ? 'pass' : 'miss',
      },
      {
        scenario: name,
        measure: 'auth on / auth off, CPU per beat',
        value: fmt.ratio(authOverhead) + spread((i) => cpu('beaconAuth', i) / cpu('beacon', i)),
        target: `≤ ${AUTH_COST_TARGET}`,
        verdict: !judged ? 'info' : authOverhead <= AUTH_COST_TARGET && failures === 0 ? 'pass' : 'miss',
      },
    ];
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: {
        instances: sizes.instances,
        instancesPerService: sizes.perService,
        clientShapes: 'half Java 1.4.8, half Node nacos-naming, full beats',
        connections: sizes.connections,
        schedule: 'closed loop: each connection sends its next beat when the last is answered',
        warmupMs: sizes.warmupMs,
        durationMs: sizes.durationMs,
        rounds,
        order: 'raw, auth off, auth on, rotated by one each round; ratios within a round, median over rounds',
        auth: `auth on: BEACON_AUTH=on, every request with accessToken of user ${BENCH_USER.username} (not an admin; role with rw on ${BENCH_USER.resource})`,
        rawServer:
          'node:http; parses query + form body + beat JSON, finds or creates the instance in a Map, stamps it, answers the same JSON',
      },
      data: {
        raw: runs.raw,
        beacon: runs.beacon,
        beaconAuth: runs.beaconAuth,
        ratio,
        costRatio,
        authCostRatio,
        authOverhead,
        saturated,
      },
      rows,
      notes: judged ? [] : ['Profiled run (--profile): the profiler slows Beacon down, so the ratios are not judged.'],
    };
  },
};

const SIDE_NAMES: Record<Side, string> = {
  raw: 'raw node:http',
  beacon: 'Beacon, auth off',
  beaconAuth: 'Beacon, auth on',
};

function median(xs: number[]): number {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
