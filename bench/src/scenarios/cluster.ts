import { LoadGenerator } from '../load/load-generator.js';
import type { LoadJob, LoadResult } from '../load/load-run.js';
import type { InstanceSet } from '../load/workload.js';
import { cpuPercent, sampleProcess } from '../process/proc-stats.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { ClusterEngines } from '../servers/cluster-engines.js';
import type { BeaconServer } from '../servers/beacon-server.js';
import { BEAT_OK_BODY, BOTH_SHAPES, DEFAULT_INTERVAL_MS, kilo, registerInstances } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';
import { fmt, loadFailures, measureLoad, type Measured } from './measure.js';

/** A node on Redis must keep at least this share of the embedded mode's beat throughput. */
export const CLUSTER_RATIO_TARGET = 0.5;

/**
 * Cluster mode (docs/cluster.md): saturation beats against an embedded server and
 * against one node on Redis + PostgreSQL, in the same run on the same instances; Redis CPU per
 * beat; two nodes sharing one Redis at saturation; and the 100,000-instances-at-5-s load spread
 * over two nodes.
 */
export const cluster: Scenario = {
  id: 'cluster',
  title: 'Cluster mode: a node on Redis against embedded, two nodes on one Redis',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.saturation;
    const set: InstanceSet = { count: sizes.instances, perService: sizes.perService, shapes: BOTH_SHAPES };
    const closed = (port: number, connections = sizes.connections): LoadJob => ({
      host: '127.0.0.1',
      port,
      workload: { kind: 'beat', set },
      mode: 'closed',
      connections,
      warmupMs: sizes.warmupMs,
      durationMs: sizes.durationMs,
      drainMs: 3000,
      expectBody: BEAT_OK_BODY,
    });
    const rows: SummaryRow[] = [];
    const data: Record<string, unknown> = {};
    const generators = [await LoadGenerator.start(ctx.generatorCpu), await LoadGenerator.start(ctx.generatorCpu)];
    const [generator] = generators as [LoadGenerator, LoadGenerator];
    const engines = await ClusterEngines.start();
    try {
      // 1. Embedded, then one node on the engines: same instances, same closed loop.
      ctx.log('  embedded node');
      const embedded = await withServer(ctx, {}, async (server) => {
        await registerInstances(generator, server, set, 64);
        return measureLoad(generator, closed(server.port), server);
      });
      ctx.log('  one node on Redis + PostgreSQL');
      let redisUsPerBeat = 0;
      const onRedis = await withServer(ctx, engines.env, async (server) => {
        await registerInstances(generator, server, set, 64);
        const before = sampleProcess(engines.redisPid);
        const m = await measureLoad(generator, closed(server.port), server);
        const after = sampleProcess(engines.redisPid);
        // The whole run (warm-up included) over every beat answered.
        redisUsPerBeat = ((after.cpuMs - before.cpuMs) * 1000) / Math.max(1, m.load.ok);
        return m;
      });
      const ratio = onRedis.load.throughput / embedded.load.throughput;
      const name = `saturation, ${kilo(sizes.instances)} instances`;
      rows.push(
        { scenario: name, measure: 'embedded (SQLite)', value: line(embedded), verdict: 'info' },
        { scenario: name, measure: 'one node on Redis', value: line(onRedis), verdict: 'info' },
        {
          scenario: name,
          measure: 'node on Redis / embedded throughput',
          value: fmt.ratio(ratio) + failuresNote(embedded.load, onRedis.load),
          target: `≥ ${CLUSTER_RATIO_TARGET}`,
          verdict: ratio >= CLUSTER_RATIO_TARGET ? 'pass' : 'miss',
        },
        { scenario: name, measure: 'Redis CPU per beat', value: `${redisUsPerBeat.toFixed(1)} µs`, verdict: 'info' },
      );
      data['embedded'] = embedded;
      data['oneNode'] = onRedis;
      data['redisUsPerBeat'] = redisUsPerBeat;

      // 2. Two nodes on one Redis, both saturated by their own generator.
      ctx.log('  two nodes on one Redis, saturation');
      const two = await withTwoServers(ctx, engines.env, async (a, b) => {
        const before = sampleProcess(engines.redisPid);
        const [ra, rb] = await Promise.all([
          measureLoad(generators[0]!, closed(a.port, sizes.connections / 2), a),
          measureLoad(generators[1]!, closed(b.port, sizes.connections / 2), b),
        ]);
        const after = sampleProcess(engines.redisPid);
        return { a: ra, b: rb, redisCpu: cpuPercent(before, after) };
      });
      const total = two.a.load.throughput + two.b.load.throughput;
      rows.push({
        scenario: `two nodes, ${kilo(sizes.instances)} instances`,
        measure: 'beats/s (both nodes) / Redis CPU',
        value: `${fmt.int(total)} (${fmt.int(two.a.load.throughput)} + ${fmt.int(two.b.load.throughput)}) / ${fmt.pct(two.redisCpu)} of a core`,
        verdict: 'info',
      });
      data['twoNodes'] = two;

      // 3. The 100,000-instances-at-5-s scenario, half the beats to each node.
      const count = ctx.options.mode === 'full' ? 100_000 : ctx.options.mode === 'quick' ? 100_000 : 2000;
      const big: InstanceSet = { count, perService: 100, shapes: BOTH_SHAPES };
      const rate = (count * 1000) / DEFAULT_INTERVAL_MS;
      ctx.log(`  two nodes, ${kilo(count)} instances beating every 5 s (${fmt.int(rate)}/s)`);
      let registrationMs = 0;
      const held = await withTwoServers(ctx, engines.env, async (a, b) => {
        // Each node registers half, at once: an instance must get its first beat within its 15 s
        // timeout of registering, or it is rightly marked unhealthy.
        const registered = Date.now();
        await Promise.all([
          registerInstances(generators[0]!, a, big, 128, 0, count / 2),
          registerInstances(generators[1]!, b, big, 128, count / 2, count / 2),
        ]);
        registrationMs = Date.now() - registered;
        // The two generators walk the same instances half a round apart: each instance beats every 5 s.
        const open = (port: number, startIndex: number): LoadJob => ({
          host: '127.0.0.1',
          port,
          workload: { kind: 'beat', set: big },
          mode: 'open',
          rate: rate / 2,
          startIndex,
          connections: 64,
          warmupMs: ctx.options.mode === 'smoke' ? 300 : 5000,
          durationMs: ctx.options.mode === 'smoke' ? 1000 : 20_000,
          drainMs: 5000,
          expectBody: BEAT_OK_BODY,
          maxBacklog: rate * 5,
        });
        const before = sampleProcess(engines.redisPid);
        const [ra, rb] = await Promise.all([
          measureLoad(generators[0]!, open(a.port, 0), a),
          measureLoad(generators[1]!, open(b.port, count / 2), b),
        ]);
        const after = sampleProcess(engines.redisPid);
        return { a: ra, b: rb, redisCpu: cpuPercent(before, after) };
      });
      const sustained = held.a.load.throughput + held.b.load.throughput;
      const ok =
        !held.a.load.overloaded &&
        !held.b.load.overloaded &&
        loadFailures(held.a.load) + loadFailures(held.b.load) === 0 &&
        sustained >= rate * 0.98;
      const p99 = Math.max(held.a.load.latency.p99, held.b.load.latency.p99);
      const scenario = `two nodes, ${kilo(count)} instances @ 5 s`;
      rows.push(
        {
          scenario,
          measure: 'sustained beats/s',
          value: `${fmt.int(sustained)} of ${fmt.int(rate)}`,
          target: fmt.int(rate),
          verdict: ok ? 'pass' : 'miss',
        },
        {
          scenario,
          measure: 'latency p99 (worse node)',
          value: fmt.ms(p99),
          target: 'p99 < 50 ms',
          verdict: p99 < 50 ? 'pass' : 'miss',
        },
        {
          scenario,
          measure: 'registration (half through each node)',
          value: `${fmt.int((count * 1000) / Math.max(1, registrationMs))}/s`,
          verdict: 'info',
        },
        {
          scenario,
          measure: 'node CPU / Redis CPU',
          value: `${fmt.pct(held.a.server.cpuPercent)} + ${fmt.pct(held.b.server.cpuPercent)} / ${fmt.pct(held.redisCpu)}`,
          verdict: 'info',
        },
      );
      data['hundredThousand'] = held;
    } finally {
      await Promise.all(generators.map((g) => g.close()));
      await engines.stop();
    }
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: {
        instances: sizes.instances,
        connections: sizes.connections,
        schedule: 'closed loop for saturation; open loop, evenly spaced, for the 5 s scenario',
        beat: 'full beat (beat JSON present) on every request',
      },
      data,
      rows,
      notes: [
        'Redis CPU per beat is the redis-server process CPU over the whole one-node run divided by the beats answered.',
      ],
    };
  },
};

function line(m: Measured): string {
  return (
    `${fmt.int(m.load.throughput)} beats/s, p50 ${fmt.ms(m.load.latency.p50)}, p99 ${fmt.ms(m.load.latency.p99)}, ` +
    `CPU ${fmt.pct(m.server.cpuPercent)} (${m.server.cpuUsPerRequest.toFixed(1)} µs per beat)`
  );
}

function failuresNote(...loads: LoadResult[]): string {
  const n = loads.reduce((sum, l) => sum + loadFailures(l), 0);
  return n > 0 ? ` (${n} failed requests)` : '';
}

async function withServer<T>(
  ctx: ScenarioContext,
  env: Record<string, string>,
  work: (server: BeaconServer) => Promise<T>,
  pin = true,
): Promise<T> {
  const server = await ctx.startBeacon({ env, pin });
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

async function withTwoServers<T>(
  ctx: ScenarioContext,
  env: Record<string, string>,
  work: (a: BeaconServer, b: BeaconServer) => Promise<T>,
): Promise<T> {
  // Not pinned: both on the server CPU would measure two nodes time-sharing one core (p99 ~100 ms
  // at 100k instances on 2 cores), not two nodes.
  return withServer(ctx, env, (a) => withServer(ctx, env, (b) => work(a, b), false), false);
}
