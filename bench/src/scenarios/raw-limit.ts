import { join } from 'node:path';
import { LoadGenerator } from '../load/load-generator.js';
import type { LoadJob } from '../load/load-run.js';
import type { InstanceSet } from '../load/workload.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { RawServer } from '../servers/raw-server.js';
import { BEAT_OK_BODY, BOTH_SHAPES, kilo, registerInstances } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';
import { fmt, loadFailures, measureLoad, type Measured } from './measure.js';

/** Below this share of the raw server's throughput, beat handling misses its target. */
export const RAW_RATIO_TARGET = 0.7;

/**
 * Scenario 2: the physical limit. The same beats, closed-loop on the same connections, against a
 * bare node:http server that parses them and answers the same reply, then against Beacon. The
 * ratio of the two saturation throughputs says how much the registry and its framework cost.
 * Full runs alternate the two servers twice and keep the best of each, which damps noise from
 * anything else on the machine.
 */
export const rawLimit: Scenario = {
  id: '2',
  title: 'Physical limit: Beacon against a raw node:http server',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.saturation;
    const set: InstanceSet = { count: sizes.instances, perService: sizes.perService, shapes: BOTH_SHAPES };
    const rounds = ctx.options.mode === 'full' ? 2 : 1;
    const job = (port: number): LoadJob => ({
      host: '127.0.0.1',
      port,
      workload: { kind: 'beat', set },
      mode: 'closed',
      connections: sizes.connections,
      warmupMs: sizes.warmupMs,
      durationMs: sizes.durationMs,
      drainMs: 3000,
      expectBody: BEAT_OK_BODY,
    });
    const raw: Measured[] = [];
    const beacon: Measured[] = [];
    const generator = await LoadGenerator.start(ctx.generatorCpu);
    try {
      for (let round = 1; round <= rounds; round++) {
        ctx.log(`  round ${round}: raw node:http`);
        const rawServer = await RawServer.start(ctx.serverCpu);
        try {
          raw.push(await measureLoad(generator, job(rawServer.port), rawServer));
        } finally {
          await rawServer.stop();
        }
        ctx.log(`  round ${round}: Beacon`);
        const server = await ctx.startBeacon();
        try {
          await registerInstances(generator, server, set, 64);
          const profileFile = join(
            ctx.outDir,
            `beacon-beat-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
          );
          if (ctx.options.profile && round === 1) await server.startProfile();
          beacon.push(await measureLoad(generator, job(server.port), server));
          if (ctx.options.profile && round === 1) {
            await server.stopProfile(profileFile);
            ctx.log(`  CPU profile: ${profileFile}`);
          }
        } finally {
          await server.stop();
        }
      }
    } finally {
      await generator.close();
    }
    const best = (runs: Measured[]) => runs.reduce((a, b) => (b.load.throughput > a.load.throughput ? b : a));
    const r = best(raw);
    const b = best(beacon);
    const ratio = b.load.throughput / r.load.throughput;
    ctx.shared.beaconSaturation = b.load.throughput;
    ctx.shared.rawSaturation = r.load.throughput;
    const failures = loadFailures(b.load) + loadFailures(r.load);
    const line = (m: Measured) =>
      `${fmt.int(m.load.throughput)} beats/s, p50 ${fmt.ms(m.load.latency.p50)}, p99 ${fmt.ms(m.load.latency.p99)}, ` +
      `CPU ${fmt.pct(m.server.cpuPercent)} (${m.server.cpuUsPerRequest.toFixed(1)} µs per beat)`;
    // CPU per beat barely moves when other work shares the machine; throughput does.
    const costRatio = r.server.cpuUsPerRequest / b.server.cpuUsPerRequest;
    const saturated = b.server.cpuPercent >= 90 && r.server.cpuPercent >= 90;
    // A profiled run's Beacon figures include the profiler: shown, not judged.
    const judged = !ctx.options.profile;
    const name = `saturation, ${kilo(sizes.instances)} instances`;
    const rows: SummaryRow[] = [
      { scenario: name, measure: 'raw node:http', value: line(r), verdict: 'info' },
      { scenario: name, measure: 'Beacon', value: line(b), verdict: 'info' },
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
        value: fmt.ratio(costRatio),
        target: `≥ ${RAW_RATIO_TARGET}`,
        verdict: saturated || !judged ? 'info' : costRatio >= RAW_RATIO_TARGET && failures === 0 ? 'pass' : 'miss',
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
        rawServer:
          'node:http; parses query + form body + beat JSON, finds or creates the instance in a Map, stamps it, answers the same JSON',
      },
      data: { raw, beacon, ratio, costRatio, saturated },
      rows,
      notes: judged ? [] : ['Profiled run (--profile): the profiler slows Beacon down, so the ratios are not judged.'],
    };
  },
};
