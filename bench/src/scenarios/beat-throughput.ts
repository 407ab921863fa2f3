import { LoadGenerator } from '../load/load-generator.js';
import type { InstanceSet } from '../load/workload.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { beatsAt, BOTH_SHAPES, DEFAULT_INTERVAL_MS, kilo, registerInstances } from './common.js';
import { BENCH_USER } from '../servers/beacon-server.js';
import type { Scenario, ScenarioContext } from './context.js';
import { falseExpiries, fmt, loadFailures, measureLoad } from './measure.js';

/**
 * Scenario 1: N registered ephemeral instances each beating every 5 s, open-loop over keep-alive
 * connections, half shaped as the Java 1.4.8 client and half as the Node client. One fresh server
 * per N. Reports what the server sustained, its latency, CPU and memory, and false expiries. The
 * largest N runs twice: with auth off, then with auth on (Beacon's default), every request carrying
 * a user's `accessToken`.
 */
export const beatThroughput: Scenario = {
  id: '1',
  title: 'Beat throughput at the clients’ interval',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.beats;
    const rows: SummaryRow[] = [];
    const runs: unknown[] = [];
    const generator = await LoadGenerator.start(ctx.generatorCpu);
    try {
      const largest = Math.max(...sizes.counts);
      const plan = [...sizes.counts.map((count) => ({ count, auth: false })), { count: largest, auth: true }];
      for (const { count, auth } of plan) {
        const set: InstanceSet = { count, perService: sizes.perService, shapes: BOTH_SHAPES };
        const rate = (count * 1000) / DEFAULT_INTERVAL_MS;
        const server = await ctx.startBeacon({ auth });
        try {
          ctx.log(`  registering ${kilo(count)} instances${auth ? ' (auth on)' : ''}`);
          const registration = await registerInstances(generator, server, set, 64);
          ctx.log(`  beating ${kilo(count)} instances at ${fmt.int(rate)}/s for ${sizes.durationMs / 1000} s`);
          const m = await measureLoad(generator, beatsAt(server, set, rate, sizes), server);
          const failures = loadFailures(m.load);
          const falses = falseExpiries(m.probe);
          const name = `beats, ${kilo(count)} instances @ 5 s${auth ? ', auth on' : ''}`;
          const held = !m.load.overloaded && failures === 0 && m.load.throughput >= rate * 0.98;
          rows.push(
            {
              scenario: name,
              measure: 'sustained beats/s',
              value: `${fmt.int(m.load.throughput)} of ${fmt.int(rate)}` + (m.load.overloaded ? ' (overloaded)' : ''),
              target: `${fmt.int(rate)}`,
              verdict: held ? 'pass' : 'miss',
            },
            {
              scenario: name,
              measure: 'latency p50 / p99 / max',
              value: `${fmt.ms(m.load.latency.p50)} / ${fmt.ms(m.load.latency.p99)} / ${fmt.ms(m.load.latency.max)}`,
              target: 'p99 < 50 ms',
              verdict: m.load.latency.p99 < 50 ? 'pass' : 'miss',
            },
            {
              scenario: name,
              measure: 'server CPU / RSS',
              value: `${fmt.pct(m.server.cpuPercent)} of a core / ${fmt.mb(m.server.rssMb)}`,
              verdict: 'info',
            },
            {
              scenario: name,
              measure: 'generator lag p99 / server loop delay p99 / longest GC pause',
              value:
                `${fmt.ms(m.load.generatorLag?.p99 ?? 0)} / ${fmt.ms(m.probe?.eventLoopDelay.p99 ?? 0)} / ` +
                fmt.ms(m.probe ? Math.max(...Object.values(m.probe.gc).map((g) => g.maxMs)) : 0),
              verdict: 'info',
            },
            {
              scenario: name,
              measure: 'instances wrongly marked unhealthy',
              value: String(falses) + (failures > 0 ? ` (${fmt.int(failures)} failed requests)` : ''),
              target: '0',
              verdict: falses === 0 ? 'pass' : 'miss',
            },
          );
          runs.push({ instances: count, auth, offeredRate: rate, registration: summary(registration), ...m });
        } finally {
          await server.stop();
        }
      }
    } finally {
      await generator.close();
    }
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: {
        instanceCounts: sizes.counts,
        intervalMs: DEFAULT_INTERVAL_MS,
        instancesPerService: sizes.perService,
        clientShapes: 'half Java 1.4.8 (query + form body beat=<json>), half Node nacos-naming (all in query)',
        beat: 'full beat (beat JSON present) on every request',
        auth: `off, then on for the largest N: every request with accessToken of user ${BENCH_USER.username} (not an admin; role with rw on ${BENCH_USER.resource})`,
        connections: sizes.connections,
        schedule: 'open loop, evenly spaced, latency from the scheduled time',
        warmupMs: sizes.warmupMs,
        durationMs: sizes.durationMs,
      },
      data: runs,
      rows,
      notes: [],
    };
  },
};

function summary(r: { throughput: number; latency: unknown; ok: number }) {
  return { perSecond: r.throughput, ok: r.ok, latency: r.latency };
}
